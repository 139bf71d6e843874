package lessons

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

func TestSemaphoreNeverLetsMoreThanItsValueIn(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		sets          []string
		people, slots int
	}{
		{nil, 13, 3},
		{[]string{"people=6", "slots=2"}, 6, 2},
		{[]string{"people=4", "slots=1"}, 4, 1},
	} {
		events, st := run(t, "semaphore", tc.sets...)
		if len(st.Sems) != 1 || st.Sems[0].Name != "toilets" {
			t.Fatalf("%v: semaphores in the state: %+v, want toilets", tc.sets, st.Sems)
		}
		toilets := st.Sems[0]
		if len(st.Violations) > 0 {
			t.Errorf("%v: the fold found %q", tc.sets, st.Violations)
		}
		if toilets.MaxInside > tc.slots {
			t.Errorf("%v: %d inside at once with %d toilets", tc.sets, toilets.MaxInside, tc.slots)
		}
		// Whether the toilets fill up in a live run is the OS
		// scheduler's call (on a loaded machine people may arrive after
		// the first have left): a seeded run, the same seed the same run,
		// shows it.
		if _, seeded := runIn(t, sim.Options{Mode: sim.Seeded, Seed: 1}, "semaphore", tc.sets...); seeded.Sems[0].MaxInside != tc.slots {
			t.Errorf("%v, seeded: at most %d inside at once; with %d people all %d toilets should fill up", tc.sets, seeded.Sems[0].MaxInside, tc.people, tc.slots)
		}
		if toilets.Value != tc.slots || len(toilets.Holders) != 0 || len(toilets.Waiters) != 0 {
			t.Errorf("%v: toilets end as %+v, want all %d free and nobody waiting", tc.sets, toilets, tc.slots)
		}

		// Everyone got in exactly once, and left.
		in, out := map[string]int{}, map[string]int{}
		for _, e := range events {
			switch {
			case e.Kind == trace.KindSemAcquire && string(e.Val) != "false":
				in[e.Proc]++
			case e.Kind == trace.KindSemRelease && e.Err == "":
				out[e.Proc]++
			}
		}
		for i := range tc.people {
			name := fmt.Sprintf("person-%d", i)
			if in[name] != 1 || out[name] != 1 {
				t.Errorf("%v: %s went in %d time(s) and out %d time(s), want once each", tc.sets, name, in[name], out[name])
			}
		}
		if len(in) != tc.people {
			t.Errorf("%v: %d processes acquired the semaphore, want %d", tc.sets, len(in), tc.people)
		}
		lines := prints(events)
		if n := count(lines, " is in"); n != tc.people {
			t.Errorf("%v: %d 'is in' lines, want %d", tc.sets, n, tc.people)
		}
		if last := lines[len(lines)-1]; last != "MainProcess: everyone has been" {
			t.Errorf("%v: main's last print %q", tc.sets, last)
		}
	}
}

// TestSemaphoreQueueShowsWaiting checks what the student sees in the lanes:
// with more people than toilets some must wait — someone arrives while
// every toilet is taken — and the value each acquire and release reports
// stays within 0..3. Who arrives when is the OS scheduler's call in a live
// run, so the queue is looked for in seeded runs; the values in both.
func TestSemaphoreQueueShowsWaiting(t *testing.T) {
	t.Parallel()
	for _, mode := range []sim.Options{{Mode: sim.Live}, {Mode: sim.Seeded, Seed: 1}, {Mode: sim.Seeded, Seed: 2}} {
		events, _ := runIn(t, mode, "semaphore")
		releases, queued := 0, 0
		st := &sim.State{}
		for _, e := range events {
			st.Apply(e)
			switch e.Kind {
			case trace.KindStdout:
				var text string
				if json.Unmarshal(e.Val, &text) == nil && strings.HasSuffix(text, " arrives") && len(st.Sems) > 0 && st.Sems[0].Value == 0 {
					queued++
				}
			case trace.KindSemAcquire, trace.KindSemRelease:
				if e.Kind == trace.KindSemRelease {
					releases++
				}
				var v trace.SemValue
				if err := json.Unmarshal(e.Val, &v); err != nil {
					t.Fatalf("%s payload %s: %v", e.Kind, e.Val, err)
				}
				if v.Value < 0 || v.Value > 3 || v.Initial != 3 {
					t.Errorf("%s: %s reports %+v", e.Proc, e.Kind, v)
				}
			}
		}
		if mode.Mode == sim.Seeded && queued == 0 {
			t.Errorf("seed %d: nobody arrived while all 3 toilets were taken; 13 people and 3 toilets should queue", mode.Seed)
		}
		if releases != 13 {
			t.Errorf("%v: %d releases, want 13", mode.Mode, releases)
		}
	}
}

// max_inside, the measure lesson 6's prediction reads, is the most people
// inside at once: the semaphore's value, once everyone has been.
func TestSemaphoreMaxInsideMeasure(t *testing.T) {
	t.Parallel()
	m := Semaphore.Measure("max_inside")
	for _, tc := range []struct {
		sets []string
		want int
	}{
		{nil, 3},
		{[]string{"slots=5"}, 5},
	} {
		events, _ := runIn(t, sim.Options{Mode: sim.Seeded, Seed: 1}, "semaphore", tc.sets...) // (see above)
		if v, ok := m(events); !ok || v != tc.want {
			t.Errorf("%v: max_inside %d, %v; want %d, told", tc.sets, v, ok, tc.want)
		}
		if v, ok := m(events[:len(events)/2]); ok {
			t.Errorf("%v: half a run: max_inside %d, told", tc.sets, v)
		}
	}
}
