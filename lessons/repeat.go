package lessons

import (
	"context"
	"slices"
	"time"

	"github.com/proctour/proctour/sim"
)

// Tally is a scenario's outcome counted over repeated runs: one run shows
// what happened once, many show what happens.
type Tally struct {
	Counts   map[int]int // outcome → how many runs ended with it
	Runs     int         // runs that ended
	Measured int         // runs with an outcome
	Stopped  int         // runs the watchdog stopped
}

// Values are the outcomes seen, smallest first.
func (t Tally) Values() []int {
	values := make([]int, 0, len(t.Counts))
	for v := range t.Counts {
		values = append(values, v)
	}
	slices.Sort(values)
	return values
}

// Mean is the mean outcome of the measured runs.
func (t Tally) Mean() float64 {
	sum := 0
	for v, n := range t.Counts {
		sum += v * n
	}
	return float64(sum) / float64(max(t.Measured, 1))
}

// Starter starts a run of a scenario: sim.Start, or a runner that keeps
// track of its sessions.
type Starter func(sc *Scenario, vars Vars, o sim.Options) (*sim.Session, error)

// StartSession starts a run with sim.Start, its values in o.Vars (for
// the trace's run.begin).
func StartSession(sc *Scenario, vars Vars, o sim.Options) (*sim.Session, error) {
	o.Vars = vars
	if sc.Serves != nil && sc.Serves(vars) {
		o.Timeout, o.Idle = 0, 24*time.Hour // it waits for other machines: the user ends it
	}
	return sim.Start(sc.Script(vars), o)
}

// Repeat runs sc n times, one after another, and tallies its outcome.
// After each run, each (if not nil) is told the tally so far and that
// run's outcome. Cancelling ctx stops the run under way and ends the
// repeat with ctx's error.
func (sc *Scenario) Repeat(ctx context.Context, vars Vars, o sim.Options, n int, start Starter, each func(t Tally, v int, ok bool)) (Tally, error) {
	t := Tally{Counts: map[int]int{}}
	for range n {
		if err := ctx.Err(); err != nil {
			return t, err
		}
		s, err := start(sc, vars, o)
		if err != nil {
			return t, err
		}
		select {
		case <-s.Done():
		case <-ctx.Done():
			s.Stop()
			<-s.Done()
			return t, ctx.Err()
		}
		events := s.Timeline()
		t.Runs++
		if sim.Fold(events).Watchdog != "" {
			t.Stopped++
		}
		v, ok := sc.Outcome.Measure(events)
		if ok {
			t.Counts[v]++
			t.Measured++
		}
		if each != nil {
			each(t, v, ok)
		}
	}
	return t, nil
}
