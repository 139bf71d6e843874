package sim

import "strings"

// WaitEdge is an arrow of the wait-for graph: process From waits for
// process To, which holds what From wants (On: a lock's name) or which
// From joins (On: "join").
type WaitEdge struct {
	From, To int
	On       string
}

// WaitsFor is the wait-for graph of the processes blocked now: an arrow
// from each process waiting for a lock to the lock's holder (alive or
// not), and from each process in join() to the process it joins. A cycle
// in it is a deadlock; a chain that ends at an exited holder is a hang
// that nobody can end. Waits with no one to point at (an Event nobody
// sets, an empty queue, a notify) have no arrow.
func (s *State) WaitsFor() []WaitEdge {
	var out []WaitEdge
	for _, p := range s.Live() {
		if p.Status != Blocked {
			continue
		}
		if l := s.findLock(p.On); l != nil && l.Holder != 0 && l.Holder != p.Pid {
			out = append(out, WaitEdge{From: p.Pid, To: l.Holder, On: l.Name})
			continue
		}
		if name, ok := strings.CutPrefix(p.On, "join "); ok {
			if q := s.byName(name); q != nil {
				out = append(out, WaitEdge{From: p.Pid, To: q.Pid, On: "join"})
			}
		}
	}
	return out
}
