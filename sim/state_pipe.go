package sim

import (
	"bytes"
	"encoding/json"
	"slices"

	"github.com/proctour/proctour/i18n"
	"github.com/proctour/proctour/trace"
)

// PipeState is a Pipe as the timeline shows it: its two ends, which
// processes still hold a copy of each, and the messages on their way.
type PipeState struct {
	Name   string
	Duplex bool
	Ends   [2]*PipeEnd
}

// PipeEnd is one connection end of a pipe.
type PipeEnd struct {
	Name string
	// Holders are the processes with an open copy of this end, in the order
	// they got it. The kernel counts these copies: the other end's recv sees
	// EOF only once there are none.
	Holders []int
	// Sent are the messages sent through this end that the other end has
	// not received yet, oldest first, with who sent them.
	Sent []Message
	// Readers are the processes waiting in recv on this end.
	Readers []int
	// EOF is set once a recv on this end raised EOFError.
	EOF bool
}

// Message is a value on its way through a queue or a pipe.
type Message struct {
	Val  json.RawMessage
	From int // the sender's pid
	Seq  int64
}

// Delivery is a message arriving: a get from a queue or a recv from a pipe,
// with the process that put or sent it. The UI draws it as an arrow from
// the sender's lane to the receiver's.
type Delivery struct {
	Seq      int64
	From, To int
	Obj      string // the queue, or the receiving end
	Val      json.RawMessage
}

// FindEnd finds a pipe end by name (the newest pipe with an end of that
// name), and returns its pipe and its index, 0 or 1.
func (s *State) FindEnd(name string) (*PipeState, int) {
	for i := len(s.Pipes) - 1; i >= 0; i-- {
		for j, e := range s.Pipes[i].Ends {
			if e.Name == name {
				return s.Pipes[i], j
			}
		}
	}
	return nil, 0
}

// applyPipe folds a pipe event of process p.
func (s *State) applyPipe(p *Proc, e trace.Record) {
	if e.Kind == trace.KindPipeNew {
		var v trace.PipeNew
		json.Unmarshal(e.Val, &v)
		if len(v.Ends) != 2 {
			s.violate(e, "pipe.new of %s without its two ends", e.Obj)
			return
		}
		pp := &PipeState{Name: e.Obj, Duplex: v.Duplex}
		for i, name := range v.Ends {
			pp.Ends[i] = &PipeEnd{Name: name, Holders: []int{p.Pid}}
		}
		s.Pipes = append(s.Pipes, pp)
		return
	}
	pp, i := s.FindEnd(e.Obj)
	if pp == nil {
		return // an end of a pipe made before the trace began
	}
	end, other := pp.Ends[i], pp.Ends[1-i]
	switch e.Kind {
	case trace.KindPipeInherit:
		if !slices.Contains(end.Holders, p.Pid) {
			end.Holders = append(end.Holders, p.Pid)
		}
	case trace.KindPipeClose:
		end.Holders = remove(end.Holders, p.Pid)
		end.Readers = remove(end.Readers, p.Pid)
	case trace.KindPipeSend:
		if e.Err == "" {
			end.Sent = append(end.Sent, Message{Val: e.Val, From: p.Pid, Seq: e.Seq})
		}
	case trace.KindPipeBlock:
		end.Readers = append(end.Readers, p.Pid)
		s.block(p, "recv "+end.Name, nil)
	case trace.KindPipePoll: // poll() returned, with or without a message
		end.Readers = remove(end.Readers, p.Pid)
	case trace.KindPipeRecv:
		end.Readers = remove(end.Readers, p.Pid)
		if e.Err != "" {
			return
		}
		// Senders sharing an end may reach the kernel in another order
		// than their events: take the oldest equal message.
		k := slices.IndexFunc(other.Sent, func(m Message) bool { return sameMessage(m.Val, e.Val) })
		if k < 0 {
			s.violate(e, "%s received %s on %s, which was never sent (or was already received)", p.Name, e.Val, end.Name)
			return
		}
		m := other.Sent[k]
		other.Sent = slices.Delete(other.Sent, k, k+1)
		s.deliver(p, e, m.From)
	case trace.KindPipeEOF:
		end.Readers = remove(end.Readers, p.Pid)
		end.EOF = true
		// Every copy of the other end is closed. A holder killed by a signal
		// closed its copies as it died, before its parent reports its exit:
		// the EOF says so first.
		other.Holders = nil
	}
}

// sameMessage compares a message as sent and as received: a value sent with
// send() and received with recv_bytes() (or the other way round) arrives
// as the text of its encoding.
func sameMessage(sent, got json.RawMessage) bool {
	if bytes.Equal(sent, got) {
		return true
	}
	var text string
	if json.Unmarshal(got, &text) == nil && text == string(sent) {
		return true
	}
	return json.Unmarshal(sent, &text) == nil && text == string(got)
}

// deliver records that p's last step received a message from pid from.
func (s *State) deliver(p *Proc, e trace.Record, from int) {
	p.From = from
	s.Delivered = &Delivery{Seq: e.Seq, From: from, To: p.Pid, Obj: e.Obj, Val: e.Val}
}

// pipeExit drops an exited process's copies of every end: the kernel closes
// a process's descriptors when it ends.
func (s *State) pipeExit(pid int) {
	for _, pp := range s.Pipes {
		for _, end := range pp.Ends {
			end.Holders = remove(end.Holders, pid)
			end.Readers = remove(end.Readers, pid)
		}
	}
}

// holders names the processes that hold a copy of the end: "MainProcess
// and writer".
func (s *State) holders(end *PipeEnd) i18n.Names {
	names := make(i18n.Names, len(end.Holders))
	for i, pid := range end.Holders {
		names[i] = s.Name(pid)
	}
	return names
}

// recvBlocked says why a recv on end would wait, or nothing when it would
// not: a message is on its way, or no copy of the other end is open
// (EOFError).
func (s *State) recvBlocked(name string) i18n.T {
	pp, i := s.FindEnd(name)
	if pp == nil {
		return i18n.Tf("%s, nothing has arrived", name)
	}
	other := pp.Ends[1-i]
	if len(other.Sent) > 0 || len(other.Holders) == 0 {
		return i18n.T{}
	}
	return i18n.Tf("%s; %s", i18n.Tf("%s, nothing has arrived", name), i18n.Tf("%s is still open in %s", other.Name, s.holders(other)))
}

// recvWaitsFor says what a process blocked in recv on end waits for, and
// why it may never come: "a message on reader_conn; writer_conn is still
// open in MainProcess, so recv() cannot raise EOFError".
func (s *State) recvWaitsFor(name string) i18n.T {
	out := i18n.Tf("a message on %s", name)
	pp, i := s.FindEnd(name)
	if pp == nil {
		return out
	}
	other := pp.Ends[1-i]
	if len(other.Holders) == 0 {
		return out
	}
	return i18n.Tf("%s; %s", out, i18n.Tf("%s is still open in %s, so recv() cannot raise EOFError", other.Name, s.holders(other)))
}
