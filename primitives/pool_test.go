package primitives

import (
	"encoding/json"
	"errors"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/proctour/proctour/trace"
)

var (
	poolSquare = RegisterTask("test.pool.square", func(rt *Runtime, x int) (int, error) { return x * x, nil })
	poolPid    = RegisterTask("test.pool.pid", func(rt *Runtime, _ int) (int, error) {
		rt.Sleep(0.05) // long enough that one worker cannot take every task
		return rt.Pid(), nil
	})
	poolFail = RegisterTask("test.pool.fail", func(rt *Runtime, x int) (int, error) {
		if x == 3 {
			return 0, pyErr("ZeroDivisionError", "division by zero")
		}
		return x, nil
	})
	poolSlow = RegisterTask("test.pool.slow", func(rt *Runtime, x int) (int, error) {
		rt.Sleep(50) // 10 s
		return x, nil
	})
	poolGreeting string
	poolInit     = RegisterTask("test.pool.init", func(rt *Runtime, g string) (struct{}, error) {
		poolGreeting = g + " from " + rt.Name()
		return struct{}{}, nil
	})
	poolGreet = RegisterTask("test.pool.greet", func(rt *Runtime, _ int) (string, error) { return poolGreeting, nil })
)

func newPool(t *testing.T, rt *Runtime, o PoolOptions) *Pool {
	t.Helper()
	p, err := rt.NewPool("pool", o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Terminate)
	return p
}

func closeJoin(t *testing.T, p *Pool) {
	t.Helper()
	p.Close()
	if err := p.Join(); err != nil {
		t.Fatal(err)
	}
}

func TestPoolApplyAndMapReuseTheirWorkers(t *testing.T) {
	rt := quietMain(t)
	p := newPool(t, rt, PoolOptions{Processes: 3})
	for x := range 4 {
		if v, err := Apply(p, poolSquare, x); err != nil || v != x*x {
			t.Errorf("apply(square, %d) = %d, %v", x, v, err)
		}
	}
	var rs []*AsyncResult[int]
	for range 10 {
		r, err := ApplyAsync(p, poolPid, 0, Callbacks[int]{})
		if err != nil {
			t.Fatal(err)
		}
		rs = append(rs, r)
	}
	pids := map[int]bool{}
	for _, r := range rs {
		pid, err := r.Get()
		if err != nil {
			t.Fatal(err)
		}
		pids[pid] = true
	}
	if len(pids) < 2 || len(pids) > 3 {
		t.Errorf("10 tasks ran in %d distinct workers, want 2 or 3 of the pool's 3", len(pids))
	}
	items := make([]int, 100)
	for i := range items {
		items[i] = i
	}
	for _, chunk := range []int{0, 1, 7, 200} {
		got, err := Map(p, poolSquare, items, chunk)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range got {
			if v != i*i {
				t.Fatalf("map(chunksize=%d)[%d] = %d, want %d (in input order)", chunk, i, v, i*i)
			}
		}
	}
	closeJoin(t, p)
	for _, w := range p.Workers() {
		if code, ok := w.ExitCode(); !ok || code != 0 {
			t.Errorf("%s after close and join: %d, %v", w.Name, code, ok)
		}
	}
	if n := DefaultChunksize(10000, 2); n != 1250 {
		t.Errorf("default chunksize for 10000 items in Pool(2) = %d, Python's is 1250", n)
	}
	if n := DefaultChunksize(10, 4); n != 1 {
		t.Errorf("default chunksize for 10 items in Pool(4) = %d, Python's is 1", n)
	}
}

func TestPoolErrorsReachGetAndErrorCallback(t *testing.T) {
	rt := quietMain(t)
	p := newPool(t, rt, PoolOptions{Processes: 2})
	var mu sync.Mutex
	var errs []string
	var cbPid int
	r, err := ApplyAsync(p, poolFail, 3, Callbacks[int]{
		Callback: func(rt *Runtime, v int) { t.Error("callback called for a task that raised") },
		ErrorCallback: func(rt *Runtime, err error) {
			mu.Lock()
			errs = append(errs, err.Error())
			cbPid = rt.Pid()
			mu.Unlock()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Get()
	wantPyErr(t, "get() of a task that raised", err, "ZeroDivisionError", "division by zero")
	if ok, e := r.Successful(); ok || e != nil {
		t.Errorf("successful() = %v, %v", ok, e)
	}
	mu.Lock()
	if len(errs) != 1 || cbPid != os.Getpid() {
		t.Errorf("error_callback calls %q in pid %d, want one in this process (%d)", errs, cbPid, os.Getpid())
	}
	mu.Unlock()
	_, err = Map(p, poolFail, []int{1, 2, 3, 4}, 1)
	wantPyErr(t, "map with a raising item", err, "ZeroDivisionError", "")
	slow, _ := ApplyAsync(p, poolSlow, 1, Callbacks[int]{})
	if _, e := slow.Successful(); e == nil {
		t.Error("successful() of a running task: no ValueError")
	}
	_, err = slow.GetTimeout(0.5)
	wantPyErr(t, "get(timeout=0.5) of a 10 s task", err, "multiprocessing.TimeoutError", "")
	if err := p.Join(); err == nil {
		t.Error("join() of a running pool: no error")
	} else {
		wantPyErr(t, "join() of a running pool", err, "ValueError", "Pool is still running")
	}
}

func TestPoolCallbacksRunInTheParentOneAtATime(t *testing.T) {
	rt, events := tracedMain(t)
	p := newPool(t, rt, PoolOptions{Processes: 3})
	var mu sync.Mutex
	inside, most, calls := 0, 0, 0
	var got []int
	for x := range 12 {
		_, err := ApplyAsync(p, poolSquare, x, Callbacks[int]{CallbackName: "collect", Callback: func(rt *Runtime, v int) {
			mu.Lock()
			inside++
			most = max(most, inside)
			mu.Unlock()
			time.Sleep(time.Millisecond)
			mu.Lock()
			inside--
			calls++
			got = append(got, v)
			mu.Unlock()
		}})
		if err != nil {
			t.Fatal(err)
		}
	}
	closeJoin(t, p)
	mu.Lock()
	if calls != 12 || most != 1 {
		t.Errorf("%d callbacks, at most %d at once; want 12, one at a time", calls, most)
	}
	slices.Sort(got)
	mu.Unlock()
	for i, v := range got {
		if v != i*i {
			t.Errorf("callback values %v", got)
			break
		}
	}
	var cb, done int
	for _, e := range events() {
		switch e.Kind {
		case trace.KindPoolCallback:
			cb++
			if e.Pid != rt.Pid() || e.Proc != "MainProcess" {
				t.Errorf("pool.callback from %s (%d), want the main process", e.Proc, e.Pid)
			}
		case trace.KindPoolTaskDone:
			done++
			if e.Pid == rt.Pid() {
				t.Error("a task ran in the main process")
			}
		}
	}
	if cb != 12 || done != 12 {
		t.Errorf("%d pool.callback and %d pool.task_done events, want 12 each", cb, done)
	}
}

func TestPoolMaxTasksPerChildAndInitializer(t *testing.T) {
	rt := quietMain(t)
	p := newPool(t, rt, PoolOptions{Processes: 2, MaxTasksPerChild: 1, Initializer: poolInit, InitArgs: "hello"})
	var rs []*AsyncResult[int]
	for range 6 {
		r, _ := ApplyAsync(p, poolPid, 0, Callbacks[int]{})
		rs = append(rs, r)
	}
	pids := map[int]bool{}
	for _, r := range rs {
		pid, err := r.Get()
		if err != nil {
			t.Fatal(err)
		}
		pids[pid] = true
	}
	if len(pids) != 6 {
		t.Errorf("6 tasks with maxtasksperchild=1 ran in %d processes, want 6", len(pids))
	}
	g, err := Apply(p, poolGreet, 0)
	if err != nil || len(g) < len("hello from SpawnPoolWorker-") || g[:len("hello from SpawnPoolWorker-")] != "hello from SpawnPoolWorker-" {
		t.Errorf("the initializer's global in a worker: %q, %v", g, err)
	}
	closeJoin(t, p)
	if n := len(p.Workers()); n < 7 {
		t.Errorf("%d workers started, want 2 and a replacement for each task", n)
	}
}

func TestPoolTerminateWithTasksPending(t *testing.T) {
	rt := quietMain(t)
	p := newPool(t, rt, PoolOptions{Processes: 1})
	var rs []*AsyncResult[int]
	for x := range 3 {
		r, _ := ApplyAsync(p, poolSlow, x, Callbacks[int]{})
		rs = append(rs, r)
	}
	time.Sleep(50 * time.Millisecond)
	began := time.Now()
	p.Terminate()
	if d := time.Since(began); d > 5*time.Second {
		t.Errorf("terminate() took %v", d)
	}
	for _, w := range p.Workers() {
		if code, ok := w.ExitCode(); !ok || code != -15 {
			t.Errorf("%s after terminate: exitcode %d, exited %v; want -15", w.Name, code, ok)
		}
	}
	for _, r := range rs {
		if r.Ready() {
			t.Error("a task of a terminated pool is ready")
		}
	}
	if _, err := ApplyAsync(p, poolSquare, 1, Callbacks[int]{}); err == nil {
		t.Error("apply_async on a terminated pool: no error")
	} else {
		var pe *Error
		if !errors.As(err, &pe) || pe.Msg != "Pool not running" {
			t.Errorf("apply_async on a terminated pool: %v", err)
		}
	}
	if err := p.Join(); err != nil {
		t.Errorf("join() after terminate(): %v", err)
	}
}

// Tasks and results are written and read by hand (no second scan of their
// arguments): what encode writes, parsePoolMsg reads back.
func TestPoolMessagesRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		raw  rawItem
		want poolMsg
	}{
		{poolTask{Job: 3, I: 10, N: 2, Func: `lessons.sq"uare`, Args: json.RawMessage(`[1,{"a":"}"}]`)}.encode(),
			poolMsg{Job: 3, I: 10, N: 2, Func: `lessons.sq"uare`, Args: json.RawMessage(`[1,{"a":"}"}]`)}},
		{poolTask{}.encode(), poolMsg{}},
		{poolResult{Job: 7, I: 4, N: 2, Vals: json.RawMessage(`[16,"}"]`)}.encode(), poolMsg{Job: 7, I: 4, N: 2, Args: json.RawMessage(`[16,"}"]`)}},
		{poolResult{Job: -1}.encode(), poolMsg{Job: -1}},
	} {
		got, err := parsePoolMsg(tc.raw)
		if err != nil || got.Job != tc.want.Job || got.I != tc.want.I || got.N != tc.want.N || got.Func != tc.want.Func || string(got.Args) != string(tc.want.Args) {
			t.Errorf("%s: parsed %+v, %v; want %+v", tc.raw, got, err, tc.want)
		}
	}
	failed, err := parsePoolMsg(poolResult{Job: 2, Err: &Error{Type: "ZeroDivisionError", Msg: "division by zero"}}.encode())
	if err != nil || failed.err == nil || failed.err.Type != "ZeroDivisionError" || failed.err.Msg != "division by zero" {
		t.Errorf("a failed result: %+v, %v", failed, err)
	}
	for _, bad := range []string{``, `{}`, `{"j":1,"i":2}`, `{"j":x,"i":2,"n":1}`, `{"j":1,"i":2,"n":1,"q":3}`} {
		if _, err := parsePoolMsg([]byte(bad)); err == nil {
			t.Errorf("%q parsed without an error", bad)
		}
	}
}

func TestPoolIntListCodec(t *testing.T) {
	for _, in := range [][]int{{}, {0}, {1, -2, 300000000000}, {-9223372036854775807}} {
		b, _ := encodeList(in)
		want, _ := json.Marshal(in)
		if string(b) != string(want) {
			t.Errorf("encodeList(%v) = %s, json.Marshal says %s", in, b, want)
		}
		var got []int
		if err := decodeInto(b, &got); err != nil || len(got) != len(in) {
			t.Errorf("decodeInto(%s) = %v, %v", b, got, err)
		}
	}
	for _, s := range []string{`[1, 2]`, `[1.5]`, `[01]`, `[1,]`, `["a"]`, `[]`, `[-]`} {
		var fast, slow []int
		ferr := decodeInto([]byte(s), &fast)
		serr := json.Unmarshal([]byte(s), &slow)
		if (ferr == nil) != (serr == nil) || len(fast) != len(slow) {
			t.Errorf("%s: decodeInto %v, %v; json.Unmarshal %v, %v", s, fast, ferr, slow, serr)
		}
	}
}
