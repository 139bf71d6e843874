package sim

import (
	"fmt"
	"strconv"

	"github.com/proctour/proctour/i18n"
	"github.com/proctour/proctour/trace"
)

// CondState is a Condition: who waits on it, and how many of them a
// notify has woken that have not yet taken the lock again.
type CondState struct {
	Name     string
	Lock     string // the lock's name: the condition's own, or the one it was given
	Waiters  []int
	Notified int
}

// BarrierState is a Barrier: its parties, who waits at it, and whether it
// is broken.
type BarrierState struct {
	Name    string
	Parties int
	Waiters []int
	Broken  bool
	// Passing is how many waiters may return: the parties of each
	// generation whose last party has arrived, less those that returned.
	Passing int
	arrived int // parties of the current generation so far
}

// FindCond finds a condition by name.
func (s *State) FindCond(name string) *CondState {
	for _, c := range s.Conds {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// FindBarrier finds a barrier by name.
func (s *State) FindBarrier(name string) *BarrierState {
	for _, b := range s.Barriers {
		if b.Name == name {
			return b
		}
	}
	return nil
}

func (s *State) cond(name string) *CondState {
	if c := s.FindCond(name); c != nil {
		return c
	}
	c := &CondState{Name: name}
	s.Conds = append(s.Conds, c)
	return c
}

func (s *State) barrier(name string) *BarrierState {
	if b := s.FindBarrier(name); b != nil {
		return b
	}
	b := &BarrierState{Name: name}
	s.Barriers = append(s.Barriers, b)
	return b
}

// applyCond folds a condition's event of process p. wait() releases the
// condition's lock and waits; notify() wakes waiters; a wake takes the
// lock again, which no one else may hold then.
func (s *State) applyCond(p *Proc, e trace.Record) {
	c := s.cond(e.Obj)
	if e.Err != "" { // the call raised (the lock was not held): nothing changed
		return
	}
	switch e.Kind {
	case trace.KindCondWait:
		v := payload[trace.CondWait](e)
		c.Lock = v.Lock
		l := s.lock(v.Lock)
		if l.Holder != p.Pid {
			s.violate(e, "%s waits on condition %s without holding its lock %s", p.Name, c.Name, l.Name)
		}
		l.Holder, l.Depth = 0, 0
		c.Waiters = append(c.Waiters, p.Pid)
		s.block(p, e.Obj, v.Timeout)
	case trace.KindCondNotify:
		v := payload[trace.CondNotify](e)
		c.Notified = min(c.Notified+v.Woken, len(c.Waiters))
	case trace.KindCondWake:
		v := payload[trace.CondWake](e)
		c.Waiters = remove(c.Waiters, p.Pid)
		if v.Notified {
			if c.Notified == 0 {
				s.violate(e, "%s woke up notified from condition %s, which no notify woke", p.Name, c.Name)
			} else {
				c.Notified--
			}
		}
		l := s.lock(v.Lock)
		if l.Holder != 0 && l.Holder != p.Pid {
			s.violate(e, "%s took lock %s back from wait() while %s held it", p.Name, l.Name, s.Name(l.Holder))
		}
		l.Holder, l.Depth = p.Pid, max(v.Depth, 1)
		l.Waiters = remove(l.Waiters, p.Pid)
	}
}

// applyBarrier folds a barrier's event of process p: no waiter returns
// before the last of its generation's parties arrived.
func (s *State) applyBarrier(p *Proc, e trace.Record) {
	b := s.barrier(e.Obj)
	switch e.Kind {
	case trace.KindBarrierWait:
		v := payload[trace.BarrierWait](e)
		if v.Parties > 0 {
			b.Parties = v.Parties
		}
		b.Waiters = append(b.Waiters, p.Pid)
		b.arrived++
		if b.Parties > 0 && b.arrived >= b.Parties {
			b.Passing += b.arrived
			b.arrived = 0
		}
		s.block(p, e.Obj, v.Timeout)
	case trace.KindBarrierPass:
		b.Waiters = remove(b.Waiters, p.Pid)
		if b.Passing == 0 {
			s.violate(e, "%s passed barrier %s before its %d parties arrived", p.Name, b.Name, b.Parties)
			return
		}
		b.Passing--
	case trace.KindBarrierBroken, trace.KindBarrierAbort:
		b.Waiters = remove(b.Waiters, p.Pid)
		b.Broken, b.arrived = true, 0
	case trace.KindBarrierReset:
		b.Broken, b.arrived = false, 0
	}
}

// condBarrierExit forgets an exited process's waits.
func (s *State) condBarrierExit(pid int) {
	for _, c := range s.Conds {
		c.Waiters = remove(c.Waiters, pid)
	}
	for _, b := range s.Barriers {
		b.Waiters = remove(b.Waiters, pid)
	}
}

// describeCond says a condition's or a barrier's event in Python terms.
func describeCond(r trace.Record) i18n.T {
	code := i18n.Code
	switch r.Kind {
	case trace.KindCondWait:
		v := payload[trace.CondWait](r)
		call := r.Obj + ".wait(" + timeoutText(valText(v.Timeout)) + ")"
		if v.How == "wait_for" {
			call = r.Obj + ".wait_for(...)"
		}
		if r.Err != "" {
			return code(call)
		}
		return i18n.Tf("%s  # releases %s and waits for a notify", call, v.Lock)
	case trace.KindCondNotify:
		v := payload[trace.CondNotify](r)
		call := r.Obj + ".notify()"
		switch {
		case v.All:
			call = r.Obj + ".notify_all()"
		case v.N != 1:
			call = r.Obj + ".notify(" + strconv.Itoa(v.N) + ")"
		}
		if r.Err != "" {
			return code(call)
		}
		if v.Woken == 1 {
			return i18n.Tf("%s  # wakes %d waiting process", call, v.Woken)
		}
		return i18n.Tf("%s  # wakes %d waiting processes", call, v.Woken)
	case trace.KindCondWake:
		v := payload[trace.CondWake](r)
		if v.How == "wait_for" {
			return i18n.Tf("%s  # woken, holding %s again", r.Obj+".wait_for(...)", v.Lock)
		}
		if !v.Notified {
			return i18n.Tf("%s  # timed out, holding %s again", r.Obj+".wait() → False", v.Lock)
		}
		return i18n.Tf("%s  # notified, holding %s again", r.Obj+".wait() → True", v.Lock)
	case trace.KindBarrierWait:
		v := payload[trace.BarrierWait](r)
		return i18n.Tf("%s  # waiting until %d parties have arrived", r.Obj+".wait("+timeoutText(valText(v.Timeout))+")", v.Parties)
	case trace.KindBarrierPass:
		return i18n.Tf("%s  # every party arrived", r.Obj+".wait() → "+valText(r.Val))
	case trace.KindBarrierBroken:
		return code(r.Obj + ".wait()") // → BrokenBarrierError, the record's err
	case trace.KindBarrierAbort:
		return i18n.Tf("%s  # the barrier is broken: its waiters raise BrokenBarrierError", r.Obj+".abort()")
	case trace.KindBarrierReset:
		return i18n.Tf("%s  # its waiters raise BrokenBarrierError", r.Obj+".reset()")
	}
	return code(fmt.Sprintf("%s %s", r.Kind, r.Obj))
}
