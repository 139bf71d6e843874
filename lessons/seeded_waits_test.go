package lessons

import (
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// queueArrival is a queue operation of a seeded (or step) run and the queue
// as it was when the operation came to the gate.
type queueArrival struct {
	trace.Record
	Items, Unfinished int
}

// queueArrivals reads off a seeded run what each queue operation found when
// it came to the gate. In step and seeded modes a put, get or join that
// would wait waits at the gate, so the trace has no queue.block for it; but
// one process moves at a time: a process released runs alone up to its next
// operation at the gate. So the queue as the fold has it after the process's
// last step — its own last event, or the start of a child it started, which
// is told on the child's lane — is the queue its next operation found.
func queueArrivals(events []trace.Record) []queueArrival {
	type snap struct{ items, unfinished int }
	st := &sim.State{}
	last := map[string]map[string]snap{} // process → queue → after its last step
	take := func(proc string) {
		m := map[string]snap{}
		for _, q := range st.Queues {
			m[q.Name] = snap{len(q.Items), q.Unfinished}
		}
		last[proc] = m
	}
	var out []queueArrival
	for _, e := range events {
		switch e.Kind {
		case trace.KindQueuePut, trace.KindQueueGet, trace.KindQueueJoin:
			if s, ok := last[e.Proc][e.Obj]; ok && e.Err == "" {
				out = append(out, queueArrival{e, s.items, s.unfinished})
			}
		}
		st.Apply(e)
		take(e.Proc)
		if e.Kind == trace.KindProcStart {
			for _, child := range st.Procs {
				if child.Name != e.Proc {
					continue
				}
				for _, parent := range st.Procs {
					if parent.Pid == child.PPid && parent.Name != "" {
						take(parent.Name)
					}
				}
			}
		}
	}
	return out
}
