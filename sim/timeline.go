package sim

import (
	"bufio"
	"encoding/json"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

// collect reads the event pipe until every writer has closed it.
func (s *Session) collect(collected chan<- struct{}) {
	defer close(collected)
	wires := make(chan primitives.Wire, 1024)
	go func() {
		defer close(wires)
		sc := bufio.NewScanner(s.trace.Reader())
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			var w primitives.Wire
			if json.Unmarshal(sc.Bytes(), &w) == nil {
				wires <- w
			}
		}
	}()
	c := newCollector(s.begin, s.append, s.arrive)
	c.seq = 1 // run.begin's (see header)
	if s.gate != nil {
		c.skip = s.formality
		c.caught = &s.caught
	}
	const gapWait = 100 * time.Millisecond
	tick := time.NewTicker(gapWait)
	defer tick.Stop()
	stale := false
	for {
		select {
		case w, ok := <-wires:
			if !ok {
				c.flush()
				return
			}
			c.add(w)
			stale = false
		case <-tick.C:
			if stale && c.waiting() {
				c.skipGap()
			}
			stale = c.waiting()
		}
	}
}

// append adds an event to the timeline and the session's own fold, and
// lets the scheduler act on it.
func (s *Session) append(r trace.Record) {
	s.mu.Lock()
	if s.tailing {
		s.tail = append(s.tail, r)
		s.mu.Unlock()
		return
	}
	if s.gate != nil && r.Kind == trace.KindWatchdog {
		s.tailing = true
	}
	s.timeline = append(s.timeline, r)
	s.state.Apply(r)
	s.lastAt = time.Now()
	if s.gate != nil {
		s.gate.observe(r)
		s.gate.schedule(&s.state)
	}
	s.broadcast()
	s.mu.Unlock()
	select {
	case s.changed <- struct{}{}:
	default:
	}
}

// formality reports an event that step and seeded modes leave out (see
// gateCtl.formality).
func (s *Session) formality(r trace.Record) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gate.formality(r, s.rt.Pid())
}

// arrive takes an operation announced at the gate.
func (s *Session) arrive(w primitives.Wire) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gate == nil {
		return
	}
	s.gate.arrive(w)
	s.gate.schedule(&s.state)
	s.lastAt = time.Now()
	s.broadcast()
}

// publish forwards the timeline to Events without ever making the collector
// wait for a slow reader.
func (s *Session) publish() {
	defer close(s.out)
	sent := 0
	for {
		s.mu.Lock()
		batch := s.timeline[sent:]
		closed := s.closed
		s.mu.Unlock()
		for _, r := range batch {
			s.out <- r
		}
		sent += len(batch)
		if closed && len(batch) == 0 {
			return
		}
		if len(batch) == 0 {
			<-s.changed
		}
	}
}

// header puts run.begin, what is run and how, first in the timeline,
// before anything is collected.
func (s *Session) header() {
	o := s.opts
	b := trace.RunBegin{Scenario: o.Name, Vars: o.Vars, Mode: o.Mode.String(), Seed: o.Seed, Speed: o.Speed,
		Timeout: o.Timeout.Seconds(), Proctour: trace.Version()}
	if o.Schedule != nil {
		b.Schedule = EncodeSchedule(o.Schedule)
	}
	s.append(trace.Record{Seq: 1, Pid: s.rt.Pid(), Proc: trace.RunProc, Kind: trace.KindRunBegin, Val: mustJSON(b)})
}

// mustJSON is v as JSON: a payload of package trace, which always
// encodes.
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
