package lessons

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// runEnd is a timeline's run.end.
func runEnd(t *testing.T, events []trace.Record) trace.RunEnd {
	t.Helper()
	last := events[len(events)-1]
	if last.Kind != trace.KindRunEnd {
		t.Fatalf("the run does not end with run.end: %+v", last)
	}
	var e trace.RunEnd
	if err := json.Unmarshal(last.Val, &e); err != nil {
		t.Fatal(err)
	}
	return e
}

// runSchedule runs a scenario re-executing steps, and returns its timeline.
func runSchedule(t *testing.T, id string, steps []int, sets ...string) []trace.Record {
	t.Helper()
	sc, _ := Lookup(id)
	v, err := sc.Resolve(sets)
	if err != nil {
		t.Fatal(err)
	}
	o := sc.Options(1, 4*sc.Budget)
	o.Schedule = steps
	o.Outcome, o.OutcomeLabel = nil, ""
	if sc.Outcome != nil {
		o.Outcome, o.OutcomeLabel = sc.Outcome.Measure, sc.Outcome.Label
	}
	s, err := StartSession(sc, v, o)
	if err != nil {
		t.Fatal(err)
	}
	s.Wait()
	events := s.Timeline()
	for _, msg := range sim.Check(events) {
		t.Errorf("%s re-executed: %s", id, msg)
	}
	return events
}

// offPlan is the watchdog's report that the schedule did not fit, or "".
func offPlan(events []trace.Record) string {
	for _, e := range events {
		if e.Kind == trace.KindWatchdog && e.Obj == "schedule" {
			var s string
			json.Unmarshal(e.Val, &s)
			return s
		}
	}
	return ""
}

// A seeded run's schedule, given back, re-executes the same run: the same
// events (kinds, processes, objects, values; not pids or times).
func TestScheduleReexecutesASeededRun(t *testing.T) {
	t.Parallel()
	cases := []struct {
		id   string
		sets []string
		seed uint64
	}{
		{"tickets", []string{"buyers=8"}, 1}, {"tickets", []string{"buyers=8"}, 2},
		{"queue", nil, 3}, {"joinable", nil, 4}, {"pipe-eof", []string{"forget_close=on"}, 5}, {"semaphore", nil, 6}, {"deadlock", nil, 7},
	}
	for _, c := range cases {
		name := fmt.Sprintf("%s,%v,seed=%d", c.id, c.sets, c.seed)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			first := runSeeded(t, c.seed, c.id, c.sets...)
			sched := runEnd(t, first).Schedule
			steps, err := sim.ParseSchedule(sched)
			if err != nil {
				t.Fatalf("the run's schedule %q: %v", sched, err)
			}
			again := runSchedule(t, c.id, steps, c.sets...)
			if why := offPlan(again); why != "" {
				t.Fatalf("its own schedule did not fit: %s", why)
			}
			if k, a, b := sameRun(c.id, first[1:len(first)-1], again[1:len(again)-1]); k >= 0 {
				t.Errorf("event %d differs: seeded %q, re-executed %q", k+1, a, b)
			}
			if got := runEnd(t, again).Schedule; got != sched {
				t.Errorf("the re-execution's own schedule is %q, want %q", got, sched)
			}
		})
	}
}

// A live tickets run that oversold, its order of operations taken as a
// schedule, sells the same number again in step mode. (Where the live run
// did what the gate orders otherwise, the re-execution stops at that step
// and says which; some live run among ten re-executes whole.)
func TestScheduleFromALiveRaceSellsTheSame(t *testing.T) {
	t.Parallel()
	whole := 0
	for i := 0; i < 10 && whole == 0; i++ {
		live, _ := run(t, "tickets", "buyers=8")
		sold := runEnd(t, live).Outcome
		steps, err := sim.ScheduleFromTrace(live)
		if err != nil {
			t.Fatal(err)
		}
		again := runSchedule(t, "tickets", steps, "buyers=8")
		if why := offPlan(again); why != "" {
			if !strings.Contains(why, "of the schedule") && !strings.Contains(why, "the schedule ends") {
				t.Errorf("a schedule that did not fit says %q: it should name the step", why)
			}
			continue
		}
		got := runEnd(t, again).Outcome
		if sold == nil || got == nil || *got != *sold {
			t.Fatalf("live sold %v, the re-execution of its order sold %v", deref(sold), deref(got))
		}
		if *sold > 1 {
			whole++
		}
	}
	if whole == 0 {
		t.Error("no live run that oversold re-executed whole in ten tries")
	}
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

// A schedule that no longer fits the program stops at the first step it
// cannot take and says which.
func TestScheduleThatNoLongerFits(t *testing.T) {
	t.Parallel()
	first := runSeeded(t, 1, "tickets", "buyers=8")
	steps, _ := sim.ParseSchedule(runEnd(t, first).Schedule)
	again := runSchedule(t, "tickets", steps, "buyers=2") // fewer buyers: process 5 never starts
	why := offPlan(again)
	if !strings.Contains(why, "step ") || !strings.Contains(why, "of the schedule") {
		t.Fatalf("the misfit is reported as %q; want the step it could not take", why)
	}
	end := runEnd(t, again)
	if end.StoppedBy != trace.StoppedByWatchdog {
		t.Errorf("run.end says stopped by %q, want the watchdog", end.StoppedBy)
	}
}
