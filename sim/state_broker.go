package sim

import (
	"slices"

	"github.com/proctour/proctour/i18n"
	"github.com/proctour/proctour/trace"
)

// BrokerState is a message broker's stream (lesson 17) as its clients saw
// it: jobs stored and waiting for a consumer, jobs delivered and not yet
// acknowledged (by whom), and the counts of acknowledgements and
// redeliveries.
type BrokerState struct {
	Stream      string
	Waiting     []string       // jobs stored, never delivered, in order
	Unacked     map[string]int // job → pid of the consumer it was last delivered to
	Acked       int
	Redelivered int
	// early counts, by job, deliveries told before their publish: a
	// publish is told once the broker has stored the job and answered,
	// and a consumer waiting for one may be told it first.
	early map[string]int
	// Held are the un-acknowledged jobs in the order they were (last)
	// delivered: who holds each, since when, and by when the broker wants
	// its ack before it delivers the job again.
	Held []HeldJob
}

// HeldJob is a job delivered and not yet acknowledged.
type HeldJob struct {
	Job       string
	Pid       int   // the consumer it was last delivered to
	Since     int64 // t_ns of that delivery
	Deadline  int64 // t_ns by which its ack is due (0: the ack wait was not told)
	Delivered int   // how many times it has been delivered
}

func (s *State) broker(name string) *BrokerState {
	for _, b := range s.Brokers {
		if b.Stream == name {
			return b
		}
	}
	b := &BrokerState{Stream: name, Unacked: map[string]int{}}
	s.Brokers = append(s.Brokers, b)
	return b
}

// applyBroker folds a broker event of process p.
func (s *State) applyBroker(p *Proc, e trace.Record) {
	b := s.broker(e.Obj)
	m := payload[trace.BrokerMsg](e)
	job := valText(m.Job)
	switch e.Kind {
	case trace.KindBrokerPublish:
		if b.early[job] > 0 {
			b.early[job]--
			break
		}
		b.Waiting = append(b.Waiting, job)
	case trace.KindBrokerDeliver, trace.KindBrokerRedeliver:
		i := slices.Index(b.Waiting, job)
		switch {
		case i >= 0:
			b.Waiting = append(b.Waiting[:i:i], b.Waiting[i+1:]...)
		case e.Kind == trace.KindBrokerDeliver:
			if b.early == nil {
				b.early = map[string]int{}
			}
			b.early[job]++
		}
		if e.Kind == trace.KindBrokerRedeliver {
			b.Redelivered++
		}
		b.Unacked[job] = p.Pid
		b.dropHeld(job)
		h := HeldJob{Job: job, Pid: p.Pid, Since: e.TNs, Delivered: max(m.Delivered, 1)}
		if m.AckWaitNs > 0 {
			h.Deadline = e.TNs + m.AckWaitNs
		}
		b.Held = append(b.Held, h)
	case trace.KindBrokerAck:
		delete(b.Unacked, job)
		b.dropHeld(job)
		b.Acked++
	}
}

func (b *BrokerState) dropHeld(job string) {
	for i, h := range b.Held {
		if h.Job == job {
			b.Held = append(b.Held[:i:i], b.Held[i+1:]...)
			return
		}
	}
}

// describeBroker says a broker event as the listing's calls.
func describeBroker(r trace.Record) i18n.T {
	m := payload[trace.BrokerMsg](r)
	job := valText(m.Job)
	switch r.Kind {
	case trace.KindBrokerPublish:
		return i18n.Tf("%s  # stored as message %d: it waits for a consumer", "js.publish("+job+")", m.Seq)
	case trace.KindBrokerDeliver:
		return i18n.Tf("%s  # delivered to this consumer; the broker keeps it until the ack", "sub.fetch(1) → "+job)
	case trace.KindBrokerRedeliver:
		return i18n.Tf("%s  # delivered again (time %d): no ack came in time", "sub.fetch(1) → "+job, m.Delivered)
	default:
		return i18n.Tf("%s  # the broker drops job %s", "msg.ack()", job)
	}
}

// fetchBlocked says why a consumer's fetch from the broker's stream name
// would wait now, or nothing: it can go when a job waits, or when a job
// is held by a consumer that has exited (the broker delivers it again
// once its ack wait has passed: real time, outside the gate).
func (s *State) fetchBlocked(name string) i18n.T {
	for _, b := range s.Brokers {
		if b.Stream != name {
			continue
		}
		if len(b.Waiting) > 0 {
			return i18n.T{}
		}
		for _, h := range b.Held {
			if p := s.procs[h.Pid]; p != nil && p.Status == Exited {
				return i18n.T{}
			}
		}
	}
	return i18n.Tf("%s, no job waiting", name)
}
