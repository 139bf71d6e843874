package lessons

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// poolRun is what a student reads off a pool run: the results and worker
// pids main printed, the workers the pool started, and how many tasks ran
// at once.
type poolRun struct {
	results []int
	pids    []int // distinct, as printed
	workers []int // the pool's worker processes, from their starts
	most    int   // the most tasks running at once
}

func watchPool(t *testing.T, events []trace.Record, st *sim.State) poolRun {
	t.Helper()
	var r poolRun
	out := prints(events)
	if len(out) != 2 {
		t.Fatalf("main printed %q, want the results and the pids", out)
	}
	res, ok := strings.CutPrefix(out[0], "MainProcess: results: ")
	if !ok || json.Unmarshal([]byte(res), &r.results) != nil {
		t.Errorf("first print %q, want results: [...]", out[0])
	}
	var tasks, n int
	head, pids, _ := strings.Cut(out[1], "workers: ")
	if _, err := fmt.Sscanf(head, "MainProcess: %d tasks ran in %d", &tasks, &n); err != nil || json.Unmarshal([]byte(pids), &r.pids) != nil {
		t.Errorf("second print %q, want N tasks ran in N workers: [...]", out[1])
	}
	if tasks != 10 || n != len(r.pids) {
		t.Errorf("main printed %q: %d pids listed", out[1], len(r.pids))
	}
	for _, p := range st.Procs {
		if p.Target == "pool.worker" {
			r.workers = append(r.workers, p.Pid)
			if p.ExitCode != 0 {
				t.Errorf("%s exited with %d", p.Name, p.ExitCode)
			}
		}
	}
	// Who ran what: each task in a worker, returning that worker's pid.
	running := 0
	for _, e := range events {
		switch e.Kind {
		case trace.KindPoolTaskStart:
			running++
			r.most = max(r.most, running)
			if !slices.Contains(r.workers, e.Pid) {
				t.Errorf("%s (pid %d) ran a task, and is not one of the pool's workers %v", e.Proc, e.Pid, r.workers)
			}
		case trace.KindPoolTaskDone:
			running--
			var v struct{ Result [2]int }
			json.Unmarshal(e.Val, &v)
			if v.Result[1] != e.Pid {
				t.Errorf("%s (pid %d) returned pid %d", e.Proc, e.Pid, v.Result[1])
			}
		}
	}
	for _, pid := range r.pids {
		if !slices.Contains(r.workers, pid) {
			t.Errorf("printed pid %d is not one of the pool's workers %v", pid, r.workers)
		}
	}
	return r
}

var poolSquares = []int{0, 1, 4, 9, 16, 25, 36, 49, 64, 81}

func TestPoolSyncRunsOneTaskAtATime(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		mode  sim.Options
		procs int
	}{{sim.Options{Mode: sim.Live}, 3}, {sim.Options{Mode: sim.Live}, 5}, {sim.Options{Mode: sim.Seeded, Seed: 3}, 3}} {
		events, st := runIn(t, tc.mode, "pool", "mode=sync", fmt.Sprintf("processes=%d", tc.procs))
		r := watchPool(t, events, st)
		if !slices.Equal(r.results, poolSquares) {
			t.Errorf("%v processes=%d: results %v, want %v", tc.mode.Mode, tc.procs, r.results, poolSquares)
		}
		if len(r.workers) != tc.procs || len(r.pids) > tc.procs || len(r.pids) < 1 {
			t.Errorf("%v processes=%d: %d workers started, tasks ran in %v", tc.mode.Mode, tc.procs, len(r.workers), r.pids)
		}
		if r.most != 1 {
			t.Errorf("%v processes=%d: %d tasks ran at once with apply(), want one at a time", tc.mode.Mode, tc.procs, r.most)
		}
	}
}

func TestPoolAsyncRunsProcessesAtOnceInTheSameWorkers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		mode  sim.Options
		procs int
	}{{sim.Options{Mode: sim.Live}, 3}, {sim.Options{Mode: sim.Live}, 2}, {sim.Options{Mode: sim.Live}, 5}, {sim.Options{Mode: sim.Seeded, Seed: 1}, 3}} {
		name := fmt.Sprintf("%v processes=%d", tc.mode.Mode, tc.procs)
		events, st := runIn(t, tc.mode, "pool", fmt.Sprintf("processes=%d", tc.procs))
		r := watchPool(t, events, st)
		if !slices.Equal(r.results, poolSquares) {
			t.Errorf("%s: results %v, want %v", name, r.results, poolSquares)
		}
		if len(r.workers) != tc.procs {
			t.Errorf("%s: the pool started %d workers", name, len(r.workers))
		}
		// Ten tasks in the same few processes, never more at once than
		// there are workers. That more than one worker takes tasks, and
		// several run at once, is the OS scheduler's call in a live run
		// (on a loaded machine one worker may be running before the
		// others have started, and take task after task): it is checked
		// in the seeded run, the same seed the same run.
		if len(r.pids) > tc.procs || len(r.pids) < 1 || r.most > tc.procs {
			t.Errorf("%s: ten tasks ran in %d workers %v, at most %d at once", name, len(r.pids), r.pids, r.most)
		}
		if tc.mode.Mode == sim.Seeded && (len(r.pids) < 2 || r.most < 2) {
			t.Errorf("%s: ten tasks ran in %d workers %v, at most %d at once with apply_async(); want 2 to %d of each", name, len(r.pids), r.pids, r.most, tc.procs)
		}
		t.Logf("%s: ten tasks in %d workers, %d at once at most", name, len(r.pids), r.most)
	}
	// A pool of one is the same as apply(): one task at a time, one pid.
	events, st := run(t, "pool", "processes=1")
	if r := watchPool(t, events, st); len(r.pids) != 1 || r.most != 1 || !slices.Equal(r.results, poolSquares) {
		t.Errorf("processes=1: results %v in workers %v, %d at once", r.results, r.pids, r.most)
	}
}
