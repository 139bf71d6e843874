package primitives

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/proctour/proctour/trace"
)

// pingMsg is a structured value that crosses the pipe both ways.
type pingMsg struct {
	From string             `json:"from"`
	N    int                `json:"n"`
	Tags []string           `json:"tags"`
	Pos  map[string]float64 `json:"pos,omitempty"`
}

type connArgs struct{ Conn *Conn }

type writerArgs struct {
	Conn  *Conn
	Msgs  []string
	Bytes [][]byte
	Close bool
	Then  *Event // if set, wait for it after sending (and closing)
}

// Pipe targets: each runs in a child of the test binary.
var (
	// pipePong greets, then answers every message with one more, until EOF.
	pipePong = Register("test.pipe.pong", func(rt *Runtime, a connArgs) error {
		if err := a.Conn.Send(pingMsg{From: "child", Tags: []string{"hello"}}); err != nil {
			return err
		}
		for {
			var m pingMsg
			err := a.Conn.Recv(&m)
			if isEOF(err) {
				return a.Conn.Close()
			}
			if err != nil {
				return err
			}
			if m.From != "parent" {
				return fmt.Errorf("got %+v, want a message from the parent", m)
			}
			reply := pingMsg{From: "child", N: m.N + 1, Tags: append(m.Tags, "child"), Pos: m.Pos}
			if err := a.Conn.Send(reply); err != nil {
				return err
			}
		}
	})
	// pipeWriter sends its messages, closes the end if told to, then
	// waits for Then.
	pipeWriter = Register("test.pipe.write", func(rt *Runtime, a writerArgs) error {
		for _, m := range a.Msgs {
			if err := a.Conn.Send(m); err != nil {
				return err
			}
		}
		for _, b := range a.Bytes {
			if err := a.Conn.SendBytes(b); err != nil {
				return err
			}
		}
		if a.Close {
			if err := a.Conn.Close(); err != nil {
				return err
			}
		}
		if a.Then != nil {
			a.Then.Wait()
		}
		return nil
	})
	// pipeHold keeps its copy of the end open until Release is set; it
	// never closes it: its exit does.
	pipeHold = Register("test.pipe.hold", func(rt *Runtime, a struct {
		Conn    *Conn
		Release *Event
	}) error {
		a.Release.Wait()
		return nil
	})
	// pipeEchoBytes sends back every message it receives, until EOF.
	pipeEchoBytes = Register("test.pipe.echobytes", func(rt *Runtime, a connArgs) error {
		for {
			b, err := a.Conn.RecvBytes(0)
			if isEOF(err) {
				return nil
			}
			if err != nil {
				return err
			}
			if err := a.Conn.SendBytes(b); err != nil {
				return err
			}
		}
	})
	// pipeLater sends Msg after Delay listing seconds.
	pipeLater = Register("test.pipe.later", func(rt *Runtime, a struct {
		Conn  *Conn
		Delay float64
		Msg   string
	}) error {
		rt.Sleep(a.Delay)
		return a.Conn.Send(a.Msg)
	})
	// pipeTwice gets the same end twice: closing one copy leaves the other.
	pipeTwice = Register("test.pipe.twice", func(rt *Runtime, a struct{ A, B *Conn }) error {
		if a.A.Fileno() == a.B.Fileno() {
			return fmt.Errorf("both copies are descriptor %d", a.A.Fileno())
		}
		if err := a.A.Close(); err != nil {
			return err
		}
		if err := a.B.Send("via B"); err != nil {
			return err
		}
		return a.B.Close()
	})
)

func isEOF(err error) bool {
	var pe *Error
	return errors.As(err, &pe) && pe.Type == "EOFError"
}

// wantPyErr fails unless err is Python's typ with a message containing msg.
func wantPyErr(t *testing.T, what string, err error, typ, msg string) {
	t.Helper()
	var pe *Error
	if !errors.As(err, &pe) || pe.Type != typ || !strings.Contains(pe.Msg, msg) {
		t.Errorf("%s: %v, want %s containing %q", what, err, typ, msg)
	}
}

// newPipe makes a pipe whose ends are closed when the test ends.
func newPipe(t *testing.T, rt *Runtime, name string, duplex bool) (*Conn, *Conn) {
	t.Helper()
	a, b, err := rt.NewPipe(name, duplex)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.closeConns(false) })
	return a, b
}

func joinOK(t *testing.T, p *Process) {
	t.Helper()
	if err := p.JoinTimeout(50); err != nil { // 10 s
		t.Fatal(err)
	}
	if code, ok := p.ExitCode(); !ok || code != 0 {
		t.Errorf("%s: exitcode %d, %v; want 0", p.Name, code, ok)
	}
}

// recvEOF expects EOFError within 5 s.
func recvEOF(t *testing.T, c *Conn) {
	t.Helper()
	if ok, err := c.Poll(25); err != nil || !ok {
		t.Fatalf("%s: no EOF within 5 s (poll %v, %v)", c.Name(), ok, err)
	}
	var v any
	if err := c.Recv(&v); !isEOF(err) {
		t.Fatalf("%s: recv = %v, %v; want EOFError", c.Name(), v, err)
	}
}

func TestPipeDuplexPingPong(t *testing.T) {
	rt := quietMain(t)
	parent, child := newPipe(t, rt, "parent_conn, child_conn", true)
	if parent.Name() != "parent_conn" || child.Name() != "child_conn" {
		t.Fatalf("names %q %q", parent.Name(), child.Name())
	}
	p := start(t, NewProcess(rt, pipePong, connArgs{child}))
	child.Close()

	var hello pingMsg
	if err := parent.Recv(&hello); err != nil {
		t.Fatal(err)
	}
	if hello.From != "child" || !slices.Equal(hello.Tags, []string{"hello"}) {
		t.Errorf("the child said %+v", hello)
	}
	for i := range 20 {
		out := pingMsg{From: "parent", N: 10 * i, Tags: []string{"p"}, Pos: map[string]float64{"x": float64(i) / 2}}
		if err := parent.Send(out); err != nil {
			t.Fatal(err)
		}
		var back pingMsg
		if err := parent.Recv(&back); err != nil {
			t.Fatal(err)
		}
		if back.From != "child" || back.N != out.N+1 || !slices.Equal(back.Tags, []string{"p", "child"}) || back.Pos["x"] != out.Pos["x"] {
			t.Fatalf("round %d: sent %+v, got back %+v", i, out, back)
		}
	}
	parent.Close() // the child's recv sees EOF and it ends
	joinOK(t, p)
}

func TestPipeSimplexDirections(t *testing.T) {
	rt := quietMain(t)
	r, w := newPipe(t, rt, "r, w", false)
	if !r.Readable() || r.Writable() || w.Readable() || !w.Writable() {
		t.Errorf("readable/writable: r %v/%v, w %v/%v; want true/false, false/true", r.Readable(), r.Writable(), w.Readable(), w.Writable())
	}
	wantPyErr(t, "send on the receive-only end", r.Send(1), "OSError", "connection is read-only")
	wantPyErr(t, "send_bytes on the receive-only end", r.SendBytes(nil), "OSError", "connection is read-only")
	var v any
	wantPyErr(t, "recv on the send-only end", w.Recv(&v), "OSError", "connection is write-only")
	_, err := w.RecvBytes(0)
	wantPyErr(t, "recv_bytes on the send-only end", err, "OSError", "connection is write-only")
	_, err = w.Poll(0)
	wantPyErr(t, "poll on the send-only end", err, "OSError", "connection is write-only")

	// Across processes, the child sends on its copy of the send end.
	p := start(t, NewProcess(rt, pipeWriter, writerArgs{Conn: w, Msgs: []string{"one", "two"}, Close: true}))
	w.Close()
	for _, want := range []string{"one", "two"} {
		var got string
		if err := r.Recv(&got); err != nil || got != want {
			t.Fatalf("recv %q, %v; want %q", got, err, want)
		}
	}
	recvEOF(t, r)
	joinOK(t, p)
}

// (a) The child holds the only other copy of the send end: its close, not
// its exit, brings EOF.
func TestPipeEOFWhenChildCloses(t *testing.T) {
	rt := quietMain(t)
	r, w := newPipe(t, rt, "r, w", false)
	done, _ := rt.NewEvent("done")
	p := start(t, NewProcess(rt, pipeWriter, writerArgs{Conn: w, Msgs: []string{"last words"}, Close: true, Then: done}))
	w.Close()
	var got string
	if err := r.Recv(&got); err != nil || got != "last words" {
		t.Fatalf("recv %q, %v", got, err)
	}
	recvEOF(t, r)
	if !p.IsAlive() {
		t.Error("the child had already exited: EOF did not come from its close")
	}
	done.Set()
	joinOK(t, p)
}

// (b) The parent forgot its own copy of the send end: no EOF, however long
// it waits, until it closes it too.
func TestPipeNoEOFWhileParentHoldsSendEnd(t *testing.T) {
	rt := quietMain(t)
	r, w := newPipe(t, rt, "r, w", false)
	p := start(t, NewProcess(rt, pipeWriter, writerArgs{Conn: w, Msgs: []string{"hi"}, Close: true}))
	joinOK(t, p) // the child's copy is gone for certain
	var got string
	if err := r.Recv(&got); err != nil || got != "hi" {
		t.Fatalf("recv %q, %v", got, err)
	}
	begin := time.Now()
	if ok, err := r.Poll(0.5); ok || err != nil { // 100 ms
		t.Fatalf("poll = %v, %v with the parent's send end open: want false (the reader would hang)", ok, err)
	}
	if el := time.Since(begin); el < 90*time.Millisecond {
		t.Errorf("poll(0.5) returned after %v", el)
	}
	w.Close()
	if ok, err := r.Poll(0); !ok || err != nil {
		t.Errorf("poll(0) after the last close = %v, %v; want true (EOF is ready)", ok, err)
	}
	recvEOF(t, r)
	recvEOF(t, r) // and again: EOF stays
}

// (c) A copy in a third process keeps the pipe open until that process
// exits, though it never uses it.
func TestPipeEOFWaitsForThirdProcess(t *testing.T) {
	rt := quietMain(t)
	r, w := newPipe(t, rt, "r, w", false)
	release, _ := rt.NewEvent("release")
	holder := start(t, NewProcess(rt, pipeHold, struct {
		Conn    *Conn
		Release *Event
	}{w, release}))
	writer := start(t, NewProcess(rt, pipeWriter, writerArgs{Conn: w, Msgs: []string{"from the writer"}, Close: true}))
	w.Close()
	var got string
	if err := r.Recv(&got); err != nil || got != "from the writer" {
		t.Fatalf("recv %q, %v", got, err)
	}
	joinOK(t, writer)
	if ok, err := r.Poll(0.5); ok || err != nil {
		t.Fatalf("poll = %v, %v while %s holds a copy: want false", ok, err, holder.Name)
	}
	if !holder.IsAlive() {
		t.Fatal("the holder is gone too early")
	}
	release.Set()
	joinOK(t, holder)
	recvEOF(t, r)
}

// An end the script forgot, and no longer refers to, stays open as a Python
// variable keeps it: the garbage collector does not bring the EOF.
func TestPipeForgottenEndStaysOpen(t *testing.T) {
	rt := quietMain(t)
	r, _ := newPipe(t, rt, "r, w", false)
	runtime.GC()
	runtime.GC()
	if ok, _ := r.Poll(0.25); ok {
		t.Error("EOF after a GC: the forgotten send end was closed behind the script's back")
	}
}

// A child that was not given the pipe holds no copy of it: descriptors do
// not leak into children.
func TestPipeNotInheritedUnlessPassed(t *testing.T) {
	rt := quietMain(t)
	r, w := newPipe(t, rt, "r, w", false)
	bystander := start(t, NewProcess(rt, sleepLong, struct{}{}))
	time.Sleep(50 * time.Millisecond)
	w.Close()
	if ok, _ := r.Poll(5); !ok {
		t.Fatalf("no EOF while %s, started without the pipe, runs: it holds a leaked copy", bystander.Name)
	}
	recvEOF(t, r)
}

func TestPipeBytes(t *testing.T) {
	rt := quietMain(t)
	a, b := newPipe(t, rt, "a, b", true)
	p := start(t, NewProcess(rt, pipeEchoBytes, connArgs{b}))
	b.Close()
	binary := make([]byte, 256)
	for i := range binary {
		binary[i] = byte(i)
	}
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB: more than the kernel buffers
	for _, m := range [][]byte{[]byte("hello"), {}, binary, big, []byte("after the big one")} {
		if err := a.SendBytes(m); err != nil {
			t.Fatal(err)
		}
		got, err := a.RecvBytes(0)
		if err != nil || !bytes.Equal(got, m) {
			t.Fatalf("echo of %d bytes: got %d bytes, %v", len(m), len(got), err)
		}
	}
	// A value sent with send is JSON on the wire, as pickle is in Python.
	if err := a.Send(map[string]int{"x": 1}); err != nil {
		t.Fatal(err)
	}
	if got, err := a.RecvBytes(0); err != nil || string(got) != `{"x":1}` {
		t.Errorf("recv_bytes of a sent dict: %q, %v", got, err)
	}
	// Bytes that are not an encoded value: recv fails as unpickling does.
	a.SendBytes([]byte("not json"))
	var v any
	wantPyErr(t, "recv of raw bytes", a.Recv(&v), "pickle.UnpicklingError", "not json")
	a.Close()
	joinOK(t, p)
}

func TestPipeMaxLength(t *testing.T) {
	rt := quietMain(t)
	// A receive-only end: the message too long closes it, as in Python.
	r, w := newPipe(t, rt, "r, w", false)
	p := start(t, NewProcess(rt, pipeWriter, writerArgs{Conn: w, Bytes: [][]byte{[]byte("12345"), bytes.Repeat([]byte("x"), 100)}, Close: true}))
	w.Close()
	if got, err := r.RecvBytes(5); err != nil || string(got) != "12345" {
		t.Errorf("recv_bytes(5) of 5 bytes: %q, %v", got, err)
	}
	_, err := r.RecvBytes(10)
	wantPyErr(t, "recv_bytes(10) of 100 bytes", err, "OSError", "bad message length")
	if !r.Closed() || r.Fileno() != -1 {
		t.Error("a receive-only end is still open after a message too long")
	}
	_, err = r.RecvBytes(0)
	wantPyErr(t, "recv after bad message length", err, "OSError", "handle is closed")
	joinOK(t, p)

	// A duplex end stops receiving but still sends.
	a, b := newPipe(t, rt, "a, b", true)
	_, err = b.RecvBytes(-1)
	wantPyErr(t, "negative maxlength", err, "ValueError", "negative maxlength")
	a.SendBytes([]byte("too long for 3"))
	_, err = b.RecvBytes(3)
	wantPyErr(t, "duplex recv_bytes(3)", err, "OSError", "bad message length")
	_, err = b.RecvBytes(0)
	wantPyErr(t, "duplex recv after bad length", err, "OSError", "connection is write-only")
	if err := b.SendBytes([]byte("still sends")); err != nil {
		t.Fatal(err)
	}
	if got, err := a.RecvBytes(0); err != nil || string(got) != "still sends" {
		t.Errorf("%q, %v", got, err)
	}
}

func TestPipePollTimeouts(t *testing.T) {
	rt := quietMain(t)
	r, w := newPipe(t, rt, "r, w", false)
	begin := time.Now()
	if ok, err := r.Poll(0); ok || err != nil {
		t.Errorf("poll(0) on an empty pipe: %v, %v", ok, err)
	}
	if el := time.Since(begin); el > 100*time.Millisecond {
		t.Errorf("poll(0) took %v: it must only look", el)
	}
	begin = time.Now()
	if ok, _ := r.Poll(0.25); ok {
		t.Error("poll(0.25) on an empty pipe: true")
	}
	if el := time.Since(begin); el < 45*time.Millisecond || el > 2*time.Second {
		t.Errorf("poll(0.25) (50 ms) returned after %v", el)
	}
	// A child sends after 0.5 listing seconds (100 ms): poll(None) waits.
	p := start(t, NewProcess(rt, pipeLater, struct {
		Conn  *Conn
		Delay float64
		Msg   string
	}{w, 0.5, "late"}))
	begin = time.Now()
	if ok, err := r.Poll(-1); !ok || err != nil {
		t.Fatalf("poll(None): %v, %v", ok, err)
	}
	if el := time.Since(begin); el < 80*time.Millisecond {
		t.Errorf("poll(None) returned after %v, before the child sent", el)
	}
	// Ready stays ready until the message is received, then it is not.
	for range 2 {
		if ok, _ := r.Poll(0); !ok {
			t.Error("poll(0) with a message waiting: false")
		}
	}
	var s string
	if err := r.Recv(&s); err != nil || s != "late" {
		t.Errorf("recv %q, %v", s, err)
	}
	if ok, _ := r.Poll(0); ok {
		t.Error("poll(0) after the only message was received: true")
	}
	joinOK(t, p)
}

func TestPipeClosedEnd(t *testing.T) {
	rt := quietMain(t)
	a, b := newPipe(t, rt, "a, b", true)
	if a.Fileno() < 0 || a.Fileno() == b.Fileno() {
		t.Errorf("filenos %d %d", a.Fileno(), b.Fileno())
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Errorf("closing twice: %v", err)
	}
	wantPyErr(t, "send on a closed end", a.Send(1), "OSError", "handle is closed")
	var v any
	wantPyErr(t, "recv on a closed end", a.Recv(&v), "OSError", "handle is closed")
	_, err := a.Poll(0)
	wantPyErr(t, "poll on a closed end", err, "OSError", "handle is closed")
	if a.Fileno() != -1 {
		t.Errorf("fileno of a closed end %d, want -1", a.Fileno())
	}
	// Every copy of a closed: b gets EOF, and sending to nobody breaks.
	recvEOF(t, b)
	wantPyErr(t, "send with the other end gone", b.Send("anyone?"), "BrokenPipeError", "Broken pipe")
	if err := NewProcess(rt, pipeEchoBytes, connArgs{a}).Start(); err == nil {
		t.Error("a closed end was passed to a child")
	}
}

func TestPipeSameEndTwiceInArgs(t *testing.T) {
	rt := quietMain(t)
	r, w := newPipe(t, rt, "r, w", false)
	p := start(t, NewProcess(rt, pipeTwice, struct{ A, B *Conn }{w, w}))
	w.Close()
	var s string
	if err := r.Recv(&s); err != nil || s != "via B" {
		t.Errorf("recv %q, %v", s, err)
	}
	recvEOF(t, r)
	joinOK(t, p)
}

func TestPipeReadAheadIsNotPassed(t *testing.T) {
	rt := quietMain(t)
	r, w := newPipe(t, rt, "r, w", false)
	w.Send(1)
	w.Send(2)
	var n int
	if err := r.Recv(&n); err != nil || n != 1 {
		t.Fatalf("recv %d, %v", n, err)
	}
	err := NewProcess(rt, pipeEchoBytes, connArgs{r}).Start()
	if err == nil || !strings.Contains(err.Error(), "recv them first") {
		t.Errorf("passing an end with a message read ahead: %v, want an error", err)
	}
	if err := r.Recv(&n); err != nil || n != 2 {
		t.Errorf("recv %d, %v; want the second message, still here", n, err)
	}
}

// A main script blocked on a pipe is interrupted when its session stops.
func TestPipeStopInterruptsMain(t *testing.T) {
	for _, op := range []string{"recv", "poll", "send"} {
		t.Run(op, func(t *testing.T) {
			stop := make(chan struct{})
			rt := NewMain(MainOptions{Stop: stop})
			defer rt.Close()
			a, _ := newPipe(t, rt, "a, b", true)
			big := make([]byte, 8<<20) // more than any socket buffer
			got := make(chan any, 1)
			go func() {
				defer func() { got <- recover() }()
				switch op {
				case "recv":
					var v any
					a.Recv(&v)
				case "poll":
					a.Poll(-1)
				case "send":
					a.SendBytes(big)
				}
			}()
			time.Sleep(100 * time.Millisecond)
			select {
			case r := <-got:
				t.Fatalf("%s returned (%v) with nothing to do", op, r)
			default:
			}
			close(stop)
			select {
			case r := <-got:
				if r != ErrStopped {
					t.Errorf("%s unwound with %v, want ErrStopped", op, r)
				}
			case <-time.After(2 * time.Second):
				t.Fatalf("%s still blocked 2 s after the session stopped", op)
			}
		})
	}
}

func TestPipeEvents(t *testing.T) {
	rt, events := tracedMain(t)
	parent, child := newPipe(t, rt, "parent_conn, child_conn", true)
	start(t, NewProcess(rt, pipePong, connArgs{child}))
	child.Close()
	var m pingMsg
	parent.Recv(&m)
	for i := range 3 {
		parent.Send(pingMsg{From: "parent", N: i, Tags: []string{"t"}})
		parent.Recv(&m)
	}
	parent.Poll(0)
	parent.Close()
	r, w := newPipe(t, rt, "r, w", false)
	r.Send("x") // refused: an error event
	w.SendBytes([]byte("not json"))
	r.Recv(new(any)) // an error event
	w.Close()
	r.Recv(new(any)) // EOF
	p := rt.ActiveChildren()
	for _, c := range p {
		joinOK(t, c)
	}

	all := events()
	byKind := map[string][]Wire{}
	for _, e := range all {
		if strings.HasPrefix(e.Kind, "pipe.") {
			byKind[e.Kind] = append(byKind[e.Kind], e)
		}
	}
	one := func(kind, proc, obj string) Wire {
		t.Helper()
		for _, e := range byKind[kind] {
			if e.Proc == proc && e.Obj == obj {
				return e
			}
		}
		t.Fatalf("no %s by %s on %s in %v", kind, proc, obj, byKind[kind])
		return Wire{}
	}
	newEv := one(trace.KindPipeNew, "MainProcess", "parent_conn, child_conn")
	if string(newEv.Val) != `{"ends":["parent_conn","child_conn"],"duplex":true}` {
		t.Errorf("pipe.new val %s", newEv.Val)
	}
	inh := one(trace.KindPipeInherit, "Process-1", "child_conn")
	if inh.N < newEv.N || string(inh.Val) != `{"pipe":"parent_conn, child_conn"}` {
		t.Errorf("pipe.inherit %+v", inh)
	}
	one(trace.KindPipeClose, "MainProcess", "child_conn")

	// Per direction, what was sent is what was received, in order, each
	// receive after its send.
	pairs := func(sender, sendObj, receiver, recvObj string) {
		t.Helper()
		var sent, got []Wire
		for _, e := range byKind[trace.KindPipeSend] {
			if e.Proc == sender && e.Obj == sendObj && e.Err == "" {
				sent = append(sent, e)
			}
		}
		for _, e := range byKind[trace.KindPipeRecv] {
			if e.Proc == receiver && e.Obj == recvObj && e.Err == "" {
				got = append(got, e)
			}
		}
		slices.SortFunc(sent, func(a, b Wire) int { return int(a.N) - int(b.N) })
		slices.SortFunc(got, func(a, b Wire) int { return int(a.N) - int(b.N) })
		if len(sent) == 0 || len(sent) != len(got) {
			t.Fatalf("%s sent %d on %s, %s received %d on %s", sender, len(sent), sendObj, receiver, len(got), recvObj)
		}
		for i := range sent {
			if !bytes.Equal(sent[i].Val, got[i].Val) || got[i].N < sent[i].N {
				t.Errorf("message %d: sent %s (n %d), received %s (n %d)", i, sent[i].Val, sent[i].N, got[i].Val, got[i].N)
			}
		}
	}
	pairs("MainProcess", "parent_conn", "Process-1", "child_conn")
	pairs("Process-1", "child_conn", "MainProcess", "parent_conn")
	if v := string(byKind[trace.KindPipeSend][0].Val); v != `{"from":"child","n":0,"tags":["hello"]}` {
		t.Errorf("the first send's val is %s, want the child's greeting as JSON", v)
	}

	poll := one(trace.KindPipePoll, "MainProcess", "parent_conn")
	if string(poll.Val) != `{"timeout":0,"ready":false}` {
		t.Errorf("pipe.poll val %s", poll.Val)
	}
	if e := one(trace.KindPipeSend, "MainProcess", "r"); e.Err != "OSError" {
		t.Errorf("send on a receive-only end: err %q, want OSError", e.Err)
	}
	if e := one(trace.KindPipeRecv, "MainProcess", "r"); e.Err != "pickle.UnpicklingError" || string(e.Val) != `"not json"` {
		t.Errorf("recv of bytes that are no value: %+v", e)
	}
	for _, e := range byKind[trace.KindPipeEOF] {
		if e.Err != "EOFError" {
			t.Errorf("pipe.eof with err %q", e.Err)
		}
	}
	// EOF comes after the close that caused it; the child then closes its end.
	closeParent := one(trace.KindPipeClose, "MainProcess", "parent_conn")
	eofChild := one(trace.KindPipeEOF, "Process-1", "child_conn")
	closeChild := one(trace.KindPipeClose, "Process-1", "child_conn")
	if !(closeParent.N < eofChild.N && eofChild.N < closeChild.N) {
		t.Errorf("order: parent_conn closed (n %d), child's EOF (n %d), child_conn closed (n %d)", closeParent.N, eofChild.N, closeChild.N)
	}
	eofR := one(trace.KindPipeEOF, "MainProcess", "r")
	if closeW := one(trace.KindPipeClose, "MainProcess", "w"); eofR.N < closeW.N {
		t.Error("EOF on r before w was closed")
	}

	// A recv that finds nothing waits: the timeline says the reader waits,
	// and then what its recv returned. (Which recvs wait is up to the
	// scheduler: main's first, for a child still starting, nearly always;
	// on a loaded machine the child's may be the ones.)
	if len(byKind[trace.KindPipeBlock]) == 0 {
		t.Error("no recv waited in a whole conversation of messages")
	}
	slices.SortFunc(all, func(a, b Wire) int { return int(a.N) - int(b.N) })
	for i, b := range all {
		if b.Kind != trace.KindPipeBlock {
			continue
		}
		if string(b.Val) != `"recv"` {
			t.Errorf("pipe.block val %s", b.Val)
		}
		// (the parent reports a child's start, and may do so after the
		// child's first events: that is not the child's next step)
		next := slices.IndexFunc(all[i+1:], func(e Wire) bool {
			return e.Pid == b.Pid && e.Kind != trace.KindIntent && e.Kind != trace.KindProcStart
		})
		if next < 0 {
			t.Errorf("%s's pipe.block on %s (n %d) is followed by nothing of it", b.Proc, b.Obj, b.N)
		} else if e := all[i+1+next]; !slices.Contains([]string{trace.KindPipeRecv, trace.KindPipeEOF}, e.Kind) || e.Obj != b.Obj {
			t.Errorf("%s's pipe.block on %s (n %d) is followed by %s %s (n %d), not its recv", b.Proc, b.Obj, b.N, e.Kind, e.Obj, e.N)
		}
	}
}
