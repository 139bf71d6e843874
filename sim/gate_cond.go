package sim

import (
	"slices"

	"github.com/proctour/proctour/i18n"
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
