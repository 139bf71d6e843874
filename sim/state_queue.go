package sim

import (
	"bytes"
	"encoding/json"
	"slices"

	"github.com/proctour/proctour/trace"
)

// QueueState is a queue as the timeline shows it: the items put and not yet
// got, oldest first; who waits to put (full) or to get (empty); and, for a
// JoinableQueue, how many items are not yet marked done.
type QueueState struct {
	Name       string
	Items      []json.RawMessage
	Putters    []int
	Getters    []int
	Unfinished int
	Joinable   bool // a JoinableQueue (or task_done/join was seen)
	Capacity   int  // maxsize; 0: unbounded, or not known
	MaxItems   int  // the most items it held at once

	from []int // who put each of Items
}

func (s *State) findQueue(name string) *QueueState {
	for _, q := range s.Queues {
		if q.Name == name {
			return q
		}
	}
	return nil
}

func (s *State) queue(name string) *QueueState {
	if q := s.findQueue(name); q != nil {
		return q
	}
	q := &QueueState{Name: name}
	s.Queues = append(s.Queues, q)
	return q
}

// applyQueue folds a queue event of process p.
func (s *State) applyQueue(p *Proc, e trace.Record) {
	if e.Err != "" { // queue.Full, queue.Empty, ValueError: nothing moved
		return
	}
	q := s.queue(e.Obj)
	switch e.Kind {
	case trace.KindQueueNew:
		var v trace.QueueNew
		json.Unmarshal(e.Val, &v)
		q.Capacity, q.Joinable = v.MaxSize, v.Joinable
	case trace.KindQueuePut:
		q.Putters = remove(q.Putters, p.Pid)
		q.Items = append(q.Items, e.Val)
		q.from = append(q.from, p.Pid)
		q.Unfinished++
		q.MaxItems = max(q.MaxItems, len(q.Items))
		if q.Capacity > 0 && len(q.Items) > q.Capacity {
			s.violate(e, "%s holds %d items, more than its maxsize %d", q.Name, len(q.Items), q.Capacity)
		}
	case trace.KindQueueGet:
		q.Getters = remove(q.Getters, p.Pid)
		// Items from different producers may reach the pipe in another
		// order than their put events: take the oldest equal item.
		i := slices.IndexFunc(q.Items, func(it json.RawMessage) bool { return bytes.Equal(it, e.Val) })
		if i < 0 {
			s.violate(e, "%s got %s from %s, which was never put (or was already got)", p.Name, e.Val, q.Name)
			return
		}
		q.Items = slices.Delete(q.Items, i, i+1)
		s.deliver(p, e, q.from[i])
		q.from = slices.Delete(q.from, i, i+1)
	case trace.KindQueueBlock:
		var v trace.QueueBlock
		json.Unmarshal(e.Val, &v)
		if v.Op == "put" {
			q.Putters = append(q.Putters, p.Pid)
		} else {
			q.Getters = append(q.Getters, p.Pid)
		}
		s.block(p, e.Obj, v.Timeout) // a timed wait is not a deadlock
	case trace.KindQueueTaskDone:
		q.Joinable = true
		var n int
		if json.Unmarshal(e.Val, &n) == nil {
			q.Unfinished = n
		}
	case trace.KindQueueJoin:
		q.Joinable = true
		if q.Unfinished > 0 {
			s.block(p, "join "+q.Name, nil)
		}
	}
}
