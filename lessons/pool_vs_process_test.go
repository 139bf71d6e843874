package lessons

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// The same tasks both ways, and the same, correct, results: the pool's map
// in input order, the processes' squares each sent back with its index.
// Each way is timed; which is quicker is not asserted here (no timing
// assertions in tests), only logged.
func TestPoolVsProcessSameResultsBothTimed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		mode  sim.Options
		tasks int
	}{{sim.Options{Mode: sim.Live}, 100}, {sim.Options{Mode: sim.Live}, 10}, {sim.Options{Mode: sim.Seeded, Seed: 4}, 30}} {
		name := fmt.Sprintf("%v tasks=%d", tc.mode.Mode, tc.tasks)
		events, st := runIn(t, tc.mode, "pool-vs-process", fmt.Sprintf("tasks=%d", tc.tasks))

		// The pool's result, as get() returned it.
		var byPool []int
		byProcess := make([]int, tc.tasks)
		got := make([]int, tc.tasks)
		for _, e := range events {
			switch {
			case e.Kind == trace.KindPoolGet:
				var v struct{ Value []int }
				json.Unmarshal(e.Val, &v)
				byPool = v.Value
			case e.Kind == trace.KindQueueGet && e.Proc == "MainProcess" && e.Err == "":
				var r [2]int
				if json.Unmarshal(e.Val, &r) != nil || r[0] < 0 || r[0] >= tc.tasks {
					t.Errorf("%s: main got %s from q", name, e.Val)
					continue
				}
				byProcess[r[0]] = r[1]
				got[r[0]]++
			}
		}
		if len(byPool) != tc.tasks {
			t.Fatalf("%s: pool.map returned %d results, want %d", name, len(byPool), tc.tasks)
		}
		for i := range tc.tasks {
			if byPool[i] != i*i || byProcess[i] != i*i || got[i] != 1 {
				t.Errorf("%s: square(%d): %d by the pool, %d by the processes (got %d times), want %d", name, i, byPool[i], byProcess[i], got[i], i*i)
			}
		}

		// How many processes each way started.
		workers, perTask := 0, 0
		for _, p := range st.Procs {
			switch p.Target {
			case "pool.worker":
				workers++
			case "pool-vs-process.square_into":
				perTask++
			default:
				if p.Name != "MainProcess" {
					t.Errorf("%s: an unexpected process %s (target %q)", name, p.Name, p.Target)
				}
			}
			if p.ExitCode != 0 {
				t.Errorf("%s: %s exited with %d", name, p.Name, p.ExitCode)
			}
		}
		if workers != 5 || perTask != tc.tasks {
			t.Errorf("%s: %d pool workers and %d Process()es started, want 5 and %d", name, workers, perTask, tc.tasks)
		}

		// What main printed: the same results, the two times, the counts.
		out := prints(events)
		if len(out) != 4 {
			t.Fatalf("%s: main printed %q", name, out)
		}
		if out[0] != "MainProcess: same results: True" {
			t.Errorf("%s: first print %q", name, out[0])
		}
		var poolTime, procTime float64
		if _, err := fmt.Sscanf(out[1], "MainProcess: pool: %f s", &poolTime); err != nil || poolTime <= 0 {
			t.Errorf("%s: %q: want pool: N.NNN s (%v)", name, out[1], err)
		}
		if _, err := fmt.Sscanf(out[2], "MainProcess: processes: %f s", &procTime); err != nil || procTime <= 0 {
			t.Errorf("%s: %q: want processes: N.NNN s (%v)", name, out[2], err)
		}
		if want := fmt.Sprintf("MainProcess: %d tasks: 5 processes started with the pool, %d without", tc.tasks, tc.tasks); out[3] != want {
			t.Errorf("%s: last print %q, want %q", name, out[3], want)
		}
		t.Logf("%s: pool %.3f s, processes %.3f s", name, poolTime, procTime)
	}
}
