package primitives

import (
	"sync"
	"testing"

	"github.com/proctour/proctour/trace"
)

func TestExecutorFutures(t *testing.T) {
	rt, events := tracedMain(t)
	e, err := rt.NewExecutor("executor", 2)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var doneIn []int
	var seen []int
	var futures []*Future[int]
	for x := range 5 {
		f, err := Submit(e, poolSquare, x)
		if err != nil {
			t.Fatal(err)
		}
		f.AddDoneCallback("report", func(rt *Runtime, f *Future[int]) {
			v, err := f.Result() // done: returns at once
			mu.Lock()
			defer mu.Unlock()
			doneIn = append(doneIn, rt.Pid())
			if err == nil {
				seen = append(seen, v)
			}
		})
		futures = append(futures, f)
	}
	for i, f := range futures {
		if v, err := f.Result(); err != nil || v != i*i {
			t.Errorf("future %d: result() = %d, %v", i, v, err)
		}
		if !f.Done() || f.Exception() != nil {
			t.Errorf("future %d: done %v, exception %v", i, f.Done(), f.Exception())
		}
	}
	bad, _ := Submit(e, poolFail, 3)
	if err := bad.Exception(); err == nil {
		t.Error("exception() of a raising call is None")
	}
	if _, err := bad.Result(); err == nil {
		t.Error("result() of a raising call did not raise")
	}
	// A callback added to a done future runs at once, in the caller.
	ran := false
	futures[0].AddDoneCallback("late", func(rt *Runtime, f *Future[int]) { ran = true })
	if !ran {
		t.Error("add_done_callback on a done future did not run at once")
	}
	got, err := ExecutorMap(e, poolSquare, []int{5, 4, 3, 2, 1})
	if err != nil || len(got) != 5 || got[0] != 25 || got[4] != 1 {
		t.Errorf("executor.map = %v, %v; want the squares in input order", got, err)
	}
	if err := e.Shutdown(true); err != nil {
		t.Fatal(err)
	}
	for _, w := range e.Pool().Workers() {
		if _, ok := w.ExitCode(); !ok {
			t.Errorf("%s still running after shutdown(wait=True)", w.Name)
		}
	}
	if _, err := Submit(e, poolSquare, 1); err == nil {
		t.Error("submit after shutdown: no error")
	}
	mu.Lock()
	if len(seen) != 5 {
		t.Errorf("done callbacks saw %v, want 5 results", seen)
	}
	for _, pid := range doneIn {
		if pid != rt.Pid() {
			t.Errorf("a done callback ran in pid %d, want the main process %d", pid, rt.Pid())
		}
	}
	mu.Unlock()
	n := 0
	for _, ev := range events() {
		if ev.Kind == trace.KindPoolCallback {
			n++
		}
	}
	if n != 6 {
		t.Errorf("%d pool.callback events, want 6 (5 report, 1 late)", n)
	}
}
