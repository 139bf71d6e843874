package sim

import (
	"slices"
	"strings"

	"github.com/proctour/proctour/i18n"
	"github.com/proctour/proctour/trace"
)

// condBlocked says why pid's wake-up from condition name would block now
// (step and seeded modes): it has not been notified — a notify wakes the
// processes that have waited longest, the first Notified of Waiters — or
// its lock, which it takes back, is held. Zero when it can go on.
func (s *State) condBlocked(name string, pid int) i18n.T {
	c := s.FindCond(name)
	if c == nil {
		return i18n.Tf("%s, not notified", name)
	}
	if i := slices.Index(c.Waiters, pid); i < 0 || i >= c.Notified {
		return i18n.Tf("%s, not notified", name)
	}
	if l := s.findLock(c.Lock); l != nil && l.Holder != 0 && l.Holder != pid {
		return s.heldBy(l)
	}
	return i18n.T{}
}

// barrierBlocked says why pid's step at barrier name would block now:
// arriving (barrier.wait) while the last round is still leaving, or
// passing (barrier.pass) before its round's parties have all arrived — the
// first Passing of Waiters may pass. A broken barrier blocks no one: they
// raise. Zero when it can go on.
func (s *State) barrierBlocked(arriving bool, name string, pid int) i18n.T {
	b := s.FindBarrier(name)
	if b == nil || b.Broken {
		return i18n.T{}
	}
	if arriving {
		if b.Passing > 0 {
			return i18n.Tf("%s, its last round still leaving", name)
		}
		return i18n.T{}
	}
	if i := slices.Index(b.Waiters, pid); i < 0 || i >= b.Passing {
		return i18n.Tf("%s, %d of %d parties arrived", name, b.arrived, b.Parties)
	}
	return i18n.T{}
}

// stuckWaits are the events a live run would have shown for the
// operations held at the gate that would block for ever: the waits that
// the watchdog reports (lock.wait for an acquire of a held lock, proc.join
// of a running process, …), by process name so that a seed gives the same
// trace. Operations whose wait the trace already tells (a condition's
// wake-up after cond.wait, a barrier's pass after barrier.wait) and those
// with no wait event of their own give none.
func (c *gateCtl) stuckWaits(st *State) []trace.Record {
	var out []trace.Record
	list := c.list()
	slices.SortFunc(list, func(a, b Intent) int { return strings.Compare(a.Proc, b.Proc) })
	for _, in := range list {
		if in.CanProceed {
			continue
		}
		r := trace.Record{Pid: in.Pid, Proc: in.Proc, Obj: in.Obj, Line: in.Line}
		var val any
		switch in.Op {
		case trace.KindLockAcquire:
			r.Kind = trace.KindLockWait
		case trace.KindSemAcquire:
			r.Kind = trace.KindSemWait
			v := trace.SemValue{Initial: in.initial}
			if x := st.findSem(in.Obj); x != nil && x.Known {
				v = trace.SemValue{Value: x.Value, Initial: x.Initial}
			}
			val = v
		case trace.KindEventWait:
			r.Kind = trace.KindEventWait
		case trace.KindProcJoin:
			r.Kind = trace.KindProcJoin
		case trace.KindQueueGet, trace.KindQueuePut:
			r.Kind = trace.KindQueueBlock
			val = trace.QueueBlock{Op: strings.TrimPrefix(in.Op, "queue.")}
		default:
			continue
		}
		r.Val = mustJSON(val)
		out = append(out, r)
	}
	return out
}
