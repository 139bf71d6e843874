package lessons

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// lightRun is what a student checks on a traffic-light run, gathered by
// replaying the timeline and looking at the light at each car's step.
type lightRun struct {
	sets, clears int
	waitedOnRed  []string // cars that blocked in wait() while the light was red
	passes       map[string]int
	policeWake   []string // the police car's wait() results, "true"/"false"
	policeOnRed  bool     // the police car's wait began on red
	problems     []string
}

func watchLight(events []trace.Record) lightRun {
	r := lightRun{passes: map[string]int{}}
	st := &sim.State{}
	red := func() bool { return len(st.Flags) == 0 || !st.Flags[0].Set }
	for _, e := range events {
		st.Apply(e)
		car := strings.HasPrefix(e.Proc, "car-")
		var text string
		if e.Kind == trace.KindStdout {
			json.Unmarshal(e.Val, &text)
		}
		switch {
		case e.Kind == trace.KindEventSet:
			r.sets++
		case e.Kind == trace.KindEventClear:
			r.clears++
		case car && e.Kind == trace.KindEventWait:
			if red() {
				r.waitedOnRed = append(r.waitedOnRed, e.Proc)
			}
		case car && e.Kind == trace.KindEventWake:
			if string(e.Val) != "true" || red() || r.sets == 0 {
				r.problems = append(r.problems, e.Proc+" woke with "+string(e.Val)+" while the light was red")
			}
		case car && e.Kind == trace.KindStdout && strings.HasSuffix(text, " passes"):
			r.passes[e.Proc]++
			if red() {
				r.problems = append(r.problems, e.Proc+" passed on red")
			}
		case e.Proc == "police" && e.Kind == trace.KindEventWait:
			r.policeOnRed = red()
		case e.Proc == "police" && e.Kind == trace.KindEventWake:
			r.policeWake = append(r.policeWake, string(e.Val))
			if string(e.Val) == "false" && !red() {
				r.problems = append(r.problems, "the police car timed out on green")
			}
		}
	}
	return r
}

func TestEventCarsWaitForGreenAndThePoliceGoesAnyway(t *testing.T) {
	t.Parallel()
	for range repeats(3) {
		events, st := run(t, "event")
		r := watchLight(events)
		for _, p := range r.problems {
			t.Error(p)
		}
		if r.sets != 2 || r.clears != 2 {
			t.Errorf("the light turned green %d and red %d times, want 2 cycles", r.sets, r.clears)
		}
		if len(r.waitedOnRed) == 0 {
			t.Errorf("no car ever waited at a red light")
		}
		for _, car := range []string{"car-1", "car-2", "car-3", "car-4"} {
			if r.passes[car] != 1 {
				t.Errorf("%s passed %d times, want once", car, r.passes[car])
			}
		}
		if !r.policeOnRed || len(r.policeWake) != 1 || r.policeWake[0] != "false" {
			t.Errorf("police car: wait began on red %v, wait() returned %v; want one wait(1) on red that times out (False)", r.policeOnRed, r.policeWake)
		}
		out := prints(events)
		if count(out, "police: still red, goes anyway") != 1 || count(out, "police: green") != 0 {
			t.Errorf("the police car should say it went anyway: %q", out)
		}
		if out[len(out)-1] != "MainProcess: every car is through" {
			t.Errorf("main's last print %q", out[len(out)-1])
		}
		for _, p := range st.Procs[1:] {
			if p.ExitCode != 0 {
				t.Errorf("%s exited with %d", p.Name, p.ExitCode)
			}
		}
	}
}

func TestEventPoliceWaitingLongerSeesGreen(t *testing.T) {
	t.Parallel()
	events, _ := run(t, "event", "police_wait=5")
	r := watchLight(events)
	for _, p := range r.problems {
		t.Error(p)
	}
	if !r.policeOnRed || len(r.policeWake) != 1 || r.policeWake[0] != "true" {
		t.Errorf("police car: wait began on red %v, wait(5) returned %v; want True when the light turns green", r.policeOnRed, r.policeWake)
	}
	if out := prints(events); count(out, "police: green, passes") != 1 || count(out, "goes anyway") != 0 {
		t.Errorf("the police car should pass on green: %q", out)
	}
}
