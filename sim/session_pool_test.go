package sim

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

var cube = primitives.RegisterTask("simtest.cube", func(rt *primitives.Runtime, x int) (int, error) {
	rt.Sleep(0.05)
	return x * x * x, nil
})

func poolScript(rt *primitives.Runtime) error {
	p, err := rt.NewPool("pool", primitives.PoolOptions{Processes: 2})
	if err != nil {
		return err
	}
	var rs []*primitives.AsyncResult[int]
	for x := range 4 {
		r, err := primitives.ApplyAsync(p, cube, x, primitives.Callbacks[int]{
			CallbackName: "show", Callback: func(rt *primitives.Runtime, v int) { rt.Printf("cube: %d", v) },
		})
		if err != nil {
			return err
		}
		rs = append(rs, r)
	}
	for _, r := range rs {
		if _, err := r.Get(); err != nil {
			return err
		}
	}
	if _, err := primitives.Map(p, cube, []int{1, 2, 3, 4, 5, 6}, 2); err != nil {
		return err
	}
	p.Close()
	return p.Join()
}

// A pool's trace folds cleanly in every mode: every job done and got,
// callbacks in the main process, the workers ended by close and join.
func TestPoolSessionInEveryMode(t *testing.T) {
	for _, mode := range []Mode{Live, Step, Seeded} {
		events, _ := run(t, poolScript, Options{Name: "pool", Mode: mode, Auto: true, Seed: 11})
		noViolations(t, events)
		st := Fold(events)
		if st.Watchdog != "" {
			t.Fatalf("%s: watchdog: %s", mode, st.Watchdog)
		}
		if len(st.Pools) != 1 {
			t.Fatalf("%s: %d pools", mode, len(st.Pools))
		}
		p := st.Pools[0]
		if len(p.Workers) != 2 || len(p.Jobs) != 5 || p.Queued != 0 || !p.Closed {
			t.Errorf("%s: pool at the end: %d workers, %d jobs, %d queued, closed %v", mode, len(p.Workers), len(p.Jobs), p.Queued, p.Closed)
		}
		for _, j := range p.Jobs {
			if !j.Ready() || !j.Got {
				t.Errorf("%s: job %d: %d of %d done, got %v", mode, j.ID, j.Done, j.Items, j.Got)
			}
		}
		callbacks := 0
		for _, e := range events {
			if e.Kind == trace.KindPoolCallback {
				callbacks++
				if e.Proc != "MainProcess" {
					t.Errorf("%s: callback in %s", mode, e.Proc)
				}
			}
		}
		if callbacks != 4 {
			t.Errorf("%s: %d callbacks, want 4", mode, callbacks)
		}
		var text []string
		for _, e := range events {
			if strings.HasPrefix(e.Kind, "pool.") {
				text = append(text, Describe(e))
			}
		}
		all := strings.Join(text, "\n")
		for _, want := range []string{"pool = Pool(2)", "pool.apply_async(cube, (2,))  # job 3", "cube(2)  # job 3, item 0", "cube → 8  # job 3, item 0",
			"show(8)  # callback of job 3, in the main process", "result.get() → 8  # job 3", "pool.map_async(cube, <6 items>)  # job 5, 3 chunks",
			"result.get() → [1, 8, 27, 64, 125, 216]  # job 5", "pool.close()", "pool.join()"} {
			if !strings.Contains(all, want) {
				t.Errorf("%s: no %q in the described events:\n%s", mode, want, all)
			}
		}
	}
}

// Stopping a step-mode session while the end of its main code terminates a
// pool left running (the stop interrupts that terminate at the gate) still
// ends the session cleanly: the pool's workers are reaped and nothing of
// the pool emits after the session has closed its trace.
func TestStopWhileTheEndTerminatesAPool(t *testing.T) {
	script := func(rt *primitives.Runtime) error {
		p, err := rt.NewPool("pool", primitives.PoolOptions{Processes: 2})
		if err != nil {
			return err
		}
		for x := range 4 {
			_, err := primitives.ApplyAsync(p, cube, x, primitives.Callbacks[int]{
				CallbackName: "show", Callback: func(rt *primitives.Runtime, v int) { rt.Printf("cube: %d", v) },
			})
			if err != nil {
				return err
			}
		}
		return nil // no close, no join: the end of the main code terminates it
	}
	s, err := Start(script, Options{Name: "pool-stop", Mode: Step})
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	for from := 0; ; {
		events, pending, done, changed := s.Snapshot(from)
		from += len(events)
		if done {
			break
		}
		if !stopped && !s.Busy() {
			for _, in := range pending {
				if in.Op == trace.KindProcTerminate && in.Proc == "MainProcess" {
					s.Stop() // the main code is terminating the pool's workers
					stopped = true
				}
			}
			if !stopped && len(pending) > 0 {
				s.ReleaseNext()
			}
		}
		select {
		case <-changed:
		case <-time.After(20 * time.Second):
			t.Fatal("the session did not end after Stop")
		}
	}
	if !stopped {
		t.Fatal("the main code never came to terminate the pool")
	}
	noViolations(t, s.Timeline())
	for _, e := range s.Timeline() {
		if e.Kind == trace.KindProcStart && e.Proc != "MainProcess" {
			if syscall.Kill(e.Pid, 0) == nil {
				t.Errorf("worker %s (pid %d) is still there after the stop", e.Proc, e.Pid)
			}
		}
	}
}
