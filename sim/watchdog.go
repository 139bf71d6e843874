package sim

import (
	"encoding/json"
	"time"

	"github.com/proctour/proctour/i18n"
	"github.com/proctour/proctour/trace"
)

// watch is the watchdog: it stops a session past its budget, or one where
// every process has waited forever for Idle with nothing happening.
func (s *Session) watch(scriptDone <-chan struct{}) {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	begin := time.Now()
	for {
		select {
		case <-scriptDone:
			return
		case <-s.stop:
			return
		case <-tick.C:
		}
		s.reapOrphans(false)
		s.mu.Lock()
		if s.gate != nil && s.gate.schedule(&s.state) { // a process has gone away (see awayAfter)
			s.broadcast()
		}
		idle := time.Since(s.lastAt) >= s.opts.Idle
		stuck := s.state.Stuck() && idle
		who := s.state.WhoWaitsText()
		var waits []trace.Record
		if s.gate != nil && s.gate.stuck(&s.state) && idle {
			stuck, who = true, s.gate.whoWaits()
			waits = s.gate.stuckWaits(&s.state)
		}
		var offPlan i18n.T
		if s.gate != nil {
			offPlan = s.gate.offPlan
		}
		s.mu.Unlock()
		switch {
		case !offPlan.IsZero():
			s.bark("schedule", i18n.Join(i18n.Tf("the schedule no longer fits: "), offPlan))
			return
		case stuck:
			// Held at the gate, a process never told that it waits: the
			// trace says so now, as a live run's would have, so that the
			// wait-for graph and a replay see it.
			for _, r := range waits {
				s.trace.WriteFor(r, r.Val)
			}
			s.bark("deadlock", i18n.Tf("every process waits forever: %s", who))
			return
		case s.opts.Timeout > 0 && time.Since(begin) > s.opts.Timeout && !(s.opts.Mode == Step && (!s.opts.Auto || s.opts.ScheduleThenStep)):
			// (A person stepping through a demo takes the time they need.)
			budget := s.opts.Timeout.Round(time.Millisecond).String()
			msg := i18n.Tf("still running after its budget of %s", budget)
			if !who.IsZero() {
				msg = i18n.Tf("still running after its budget of %s: %s", budget, who)
			}
			s.bark("timeout", msg)
			return
		}
	}
}

// bark reports the watchdog's finding, in English as the trace's value and
// as a format and its values (the record's text) for other languages, and
// stops the session.
func (s *Session) bark(obj string, msg i18n.T) {
	text, _ := json.Marshal(msg)
	s.rt.EmitText(trace.KindWatchdog, obj, msg.String(), text)
	s.Stop()
}
