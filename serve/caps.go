package serve

import (
	"strconv"
	"sync"
	"time"

	"github.com/proctour/proctour/i18n"
	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/tui"
)

// countsProcesses reports whether a variant counts a scenario's
// processes: a run starts about one process per unit of each
// (buyers=100: a hundred buyers). (A switch, not a map: package init
// runs in every demo child.)
func countsProcesses(key string) bool {
	switch key {
	case "buyers", "clients", "consumers", "producers", "people", "procs", "processes", "workers", "tasks":
		return true
	}
	return false
}

// estimate is how many processes a run with these values starts, at
// most: the process-counting variants summed, plus one for a helper (a
// manager's server, a pool's worker), and at least two.
// The main script runs in the server itself.
func estimate(scenario string, vars lessons.Vars) int {
	n := 1
	sc, err := lessons.Lookup(scenario)
	if err != nil {
		return 2
	}
	for _, v := range sc.Variants {
		if !countsProcesses(v.Key) {
			continue
		}
		val, ok := vars[v.Key]
		if !ok {
			val = v.Default
		}
		if k, err := strconv.Atoi(val); err == nil && k > 0 {
			n += k
		}
	}
	return max(n, 2)
}

// budget counts what a session runs, against its caps.
type budget struct {
	procs  int         // processes of its runs alive (estimated)
	starts []time.Time // when its runs of the last minute started
}

// caps are the server's process accounts. under mu.
type caps struct {
	mu    sync.Mutex
	procs int // every session's, estimated
}

// admit is a session's Admit: a run is refused while the session follows
// the instructor, past its runs per minute, or when its processes would
// pass the session's or the server's cap.
func (s *Server) admit(b *budget, m *member) func(string, lessons.Vars) (func(), error) {
	return func(scenario string, vars lessons.Vars) (func(), error) {
		if m != nil && s.hub != nil {
			s.hub.mu.Lock()
			follows := m.following && s.hub.driver != nil && s.hub.driver != m
			s.hub.mu.Unlock()
			if follows {
				return nil, tui.RefusedError{Why: i18n.Tf("you follow the instructor: B breaks away first")}
			}
		}
		n := estimate(scenario, vars)
		c := s.cfg.Caps
		now := time.Now()
		s.caps.mu.Lock()
		defer s.caps.mu.Unlock()
		recent := b.starts[:0]
		for _, t := range b.starts {
			if now.Sub(t) < time.Minute {
				recent = append(recent, t)
			}
		}
		b.starts = recent
		switch {
		case len(b.starts) >= c.RunsPerMinute:
			return nil, tui.RefusedError{Why: i18n.Tf("over this session's cap of %d runs a minute", c.RunsPerMinute)}
		case b.procs+n > c.ProcessesPerSession:
			return nil, tui.RefusedError{Why: i18n.Tf("about %d processes: over the cap of %d per session", n, c.ProcessesPerSession)}
		case s.caps.procs+n > c.Processes:
			return nil, tui.RefusedError{Why: i18n.Tf("over the server's cap of %d processes; try when a run ends", c.Processes)}
		}
		b.procs += n
		s.caps.procs += n
		if s.onRun != nil {
			s.onRun()
		}
		b.starts = append(b.starts, now)
		fewerProcs := moreProcs()
		var once sync.Once
		return func() {
			once.Do(func() {
				s.caps.mu.Lock()
				b.procs -= n
				s.caps.procs -= n
				s.caps.mu.Unlock()
				fewerProcs()
			})
		}, nil
	}
}
