package sim

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

// foldOf builds a State from a few hand-written events.
func foldOf(t *testing.T, events ...trace.Record) *State {
	t.Helper()
	st := &State{}
	for i, e := range events {
		e.Seq = int64(i + 1)
		st.Apply(e)
	}
	return st
}

func ev(pid int, proc, kind, obj string, val any) trace.Record {
	raw, _ := json.Marshal(val)
	return trace.Record{Pid: pid, Proc: proc, Kind: kind, Obj: obj, Val: raw}
}

func TestJudge(t *testing.T) {
	world := foldOf(t,
		ev(1, "MainProcess", trace.KindProcStart, "", "x"),
		ev(2, "a", trace.KindProcStart, "", "t"),
		ev(3, "b", trace.KindProcStart, "", "t"),
		ev(4, "c", trace.KindProcStart, "", "t"),
		ev(2, "a", trace.KindLockAcquire, "lock", true),
		ev(2, "a", trace.KindSemAcquire, "full", trace.SemValue{Value: 0, Initial: 1}),
		ev(3, "b", trace.KindSemAcquire, "roomy", trace.SemValue{Value: 1, Initial: 2}),
		ev(1, "MainProcess", trace.KindEventSet, "green", nil),
		ev(4, "c", trace.KindProcExit, "", 0),
	)
	for _, tc := range []struct {
		name    string
		in      Intent
		can     bool
		blocked string
	}{
		{"free lock", Intent{Pid: 3, Op: trace.KindLockAcquire, Obj: "other"}, true, ""},
		{"held lock", Intent{Pid: 3, Op: trace.KindLockAcquire, Obj: "lock"}, false, "lock, held by a"},
		{"held lock, with a timeout", Intent{Pid: 3, Op: trace.KindLockAcquire, Obj: "lock", timeout: true}, true, ""},
		{"RLock again by its holder", Intent{Pid: 2, Op: trace.KindLockAcquire, Obj: "lock", reentrant: true}, true, ""},
		{"Lock again by its holder: a self-deadlock", Intent{Pid: 2, Op: trace.KindLockAcquire, Obj: "lock"}, false, "lock, held by a"},
		{"semaphore with no slot", Intent{Pid: 3, Op: trace.KindSemAcquire, Obj: "full"}, false, "full, no free slot"},
		{"semaphore with a slot", Intent{Pid: 4, Op: trace.KindSemAcquire, Obj: "roomy"}, true, ""},
		{"new semaphore: its initial value", Intent{Pid: 3, Op: trace.KindSemAcquire, Obj: "new", initial: 2}, true, ""},
		{"new semaphore of value 0", Intent{Pid: 3, Op: trace.KindSemAcquire, Obj: "new0"}, false, "new0, no free slot"},
		{"event set", Intent{Pid: 3, Op: trace.KindEventWait, Obj: "green"}, true, ""},
		{"event never set", Intent{Pid: 3, Op: trace.KindEventWait, Obj: "red"}, false, "red, not set"},
		{"join a running process", Intent{Pid: 1, Op: trace.KindProcJoin, Obj: "a"}, false, "join a, still running"},
		{"join an exited one", Intent{Pid: 1, Op: trace.KindProcJoin, Obj: "c"}, true, ""},
		{"a release never blocks", Intent{Pid: 2, Op: trace.KindLockRelease, Obj: "lock"}, true, ""},
	} {
		c := &gateCtl{pending: map[int]*Intent{tc.in.Pid: &tc.in}}
		c.judge(world)
		if tc.in.CanProceed != tc.can || tc.in.Blocked.String() != tc.blocked {
			t.Errorf("%s: can proceed %v (%q), want %v (%q)", tc.name, tc.in.CanProceed, tc.in.Blocked, tc.can, tc.blocked)
		}
	}
}

// The seeded choice depends on the seed and the candidates' names only, not
// on their pids or the order in which they reached the gate.
func TestSeededChoiceIgnoresArrivalOrder(t *testing.T) {
	g, err := primitives.NewGate()
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	st := foldOf(t, ev(1, "MainProcess", trace.KindProcStart, "", "x"))
	pick := func(seed uint64, arrivals []string) (chosen []string) {
		c := newGateCtl(Seeded, seed, true, g)
		for i, name := range arrivals {
			c.pending[10+i] = &Intent{Pid: 10 + i, Proc: name, Op: trace.KindSleep, Arrived: int64(i)}
		}
		for range 3 {
			c.schedule(st)
			for pid := range c.inflight {
				chosen = append(chosen, arrivals[pid-10])
				delete(c.inflight, pid)
			}
		}
		return chosen
	}
	a := pick(3, []string{"p1", "p2", "p3", "p4"})
	b := pick(3, []string{"p4", "p2", "p1", "p3"})
	if len(a) != 3 || strings.Join(a, " ") != strings.Join(b, " ") {
		t.Errorf("seed 3 chose %v, and %v with the arrivals reordered", a, b)
	}
}

func TestStepReleasesTheOldestThatCanProceed(t *testing.T) {
	g, err := primitives.NewGate()
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	st := foldOf(t,
		ev(1, "MainProcess", trace.KindProcStart, "", "x"),
		ev(2, "a", trace.KindProcStart, "", "t"),
		ev(2, "a", trace.KindLockAcquire, "lock", true),
	)
	c := newGateCtl(Step, 0, false, g)
	c.pending[3] = &Intent{Pid: 3, Proc: "b", Op: trace.KindLockAcquire, Obj: "lock", Arrived: 1}
	c.pending[4] = &Intent{Pid: 4, Proc: "c", Op: trace.KindSleep, Arrived: 2}
	c.pending[2] = &Intent{Pid: 2, Proc: "a", Op: trace.KindLockRelease, Obj: "lock", Arrived: 3}
	err = c.releaseOldest(st)
	if _, released := c.inflight[4]; err != nil || !released {
		t.Fatalf("released %v (%v); want c's sleep, the oldest that can proceed", c.inflight, err)
	}
	if err := c.releaseOldest(st); err != ErrBusy {
		t.Errorf("a second release while c runs: %v, want ErrBusy", err)
	}
	delete(c.inflight, 4)
	if err := c.releasePid(3, st); err == nil {
		t.Error("b's acquire of a held lock was released")
	}
}

func TestQueueFoldAndJudge(t *testing.T) {
	world := foldOf(t,
		ev(1, "MainProcess", trace.KindProcStart, "", "x"),
		ev(2, "p", trace.KindProcStart, "", "t"),
		ev(3, "c", trace.KindProcStart, "", "t"),
		ev(2, "p", trace.KindQueuePut, "q", "bun-1"),
		ev(2, "p", trace.KindQueuePut, "q", "bun-2"),
		ev(3, "c", trace.KindQueueGet, "q", "bun-1"),
		ev(3, "c", trace.KindQueueTaskDone, "q", 1),
		ev(3, "c", trace.KindQueueBlock, "empty", map[string]any{"op": "get", "timeout": nil}),
	)
	if len(world.Violations) > 0 {
		t.Fatal(world.Violations)
	}
	q := world.findQueue("q")
	if len(q.Items) != 1 || string(q.Items[0]) != `"bun-2"` || q.Unfinished != 1 || q.MaxItems != 2 {
		t.Errorf("queue q: %+v", q)
	}
	if c := world.Proc(3); c.Status != Blocked || c.On != "empty" || !slices.Equal(world.findQueue("empty").Getters, []int{3}) {
		t.Errorf("the consumer is %v on %q, getters %v", c.Status, c.On, world.findQueue("empty").Getters)
	}
	for _, tc := range []struct {
		in      Intent
		can     bool
		blocked string
	}{
		{Intent{Pid: 3, Op: trace.KindQueueGet, Obj: "q"}, true, ""},
		{Intent{Pid: 3, Op: trace.KindQueueGet, Obj: "empty"}, false, "empty, empty"},
		{Intent{Pid: 3, Op: trace.KindQueueGet, Obj: "never-used"}, false, "never-used, empty"},
		{Intent{Pid: 2, Op: trace.KindQueuePut, Obj: "q", initial: 1}, false, "q, full"},
		{Intent{Pid: 2, Op: trace.KindQueuePut, Obj: "q", initial: 3}, true, ""},
		{Intent{Pid: 2, Op: trace.KindQueuePut, Obj: "q"}, true, ""},
		{Intent{Pid: 1, Op: trace.KindQueueJoin, Obj: "q"}, false, "join q, items not done"},
	} {
		c := &gateCtl{pending: map[int]*Intent{tc.in.Pid: &tc.in}}
		c.judge(world)
		if tc.in.CanProceed != tc.can || tc.in.Blocked.String() != tc.blocked {
			t.Errorf("%s %s: can proceed %v (%q), want %v (%q)", tc.in.Op, tc.in.Obj, tc.in.CanProceed, tc.in.Blocked, tc.can, tc.blocked)
		}
	}
	// A get of something never put breaks the trace's invariant.
	bad := foldOf(t,
		ev(1, "MainProcess", trace.KindProcStart, "", "x"),
		ev(1, "MainProcess", trace.KindQueuePut, "q", 1),
		ev(1, "MainProcess", trace.KindQueueGet, "q", 1),
		ev(1, "MainProcess", trace.KindQueueGet, "q", 1),
	)
	if len(bad.Violations) != 1 {
		t.Errorf("a second get of one put: violations %v", bad.Violations)
	}
}

func TestDescribeQueuesAndPipes(t *testing.T) {
	for _, tc := range []struct {
		r    trace.Record
		want string
	}{
		{ev(1, "p", trace.KindQueuePut, "q", "bun-3"), "q.put('bun-3')"},
		{ev(1, "c", trace.KindQueueGet, "q", "bun-3"), "q.get() → 'bun-3'"},
		{ev(1, "c", trace.KindQueueBlock, "q", map[string]any{"op": "get", "timeout": nil}), "q.get()  # empty: waiting for an item"},
		{ev(1, "p", trace.KindQueueBlock, "q", map[string]any{"op": "put", "timeout": nil}), "q.put(...)  # full: waiting for a free slot"},
		{ev(1, "p", trace.KindQueueBlock, "q", map[string]any{"op": "get", "timeout": 1.5}), "q.get()  # empty: waiting for an item, at most 1.5 s"},
		{ev(1, "c", trace.KindQueueTaskDone, "q", 2), "q.task_done()  # 2 not done yet"},
		{ev(1, "p", trace.KindPipeSend, "parent_conn", []int{1, 2}), "parent_conn.send([1, 2])"},
		{ev(1, "c", trace.KindPipeRecv, "child_conn", map[string]int{"x": 1}), `child_conn.recv() → {'x': 1}`},
		{ev(1, "c", trace.KindPipeRecv, "child_conn", json.RawMessage(`{"b": [1, {"a": null}], "a": true}`)), "child_conn.recv() → {'b': [1, {'a': None}], 'a': True}"},
		{withErr(ev(1, "c", trace.KindPipeEOF, "child_conn", nil), "EOFError"), "child_conn.recv() → EOFError: every copy of the other end is closed"},
		{ev(1, "m", trace.KindPipeNew, "parent_conn, child_conn", trace.PipeNew{Ends: []string{"parent_conn", "child_conn"}, Duplex: true}), "parent_conn, child_conn = Pipe()"},
		{ev(1, "m", trace.KindPipeNew, "r, w", trace.PipeNew{Ends: []string{"r", "w"}}), "r, w = Pipe(duplex=False)"},
		{ev(1, "c", trace.KindPipeBlock, "child_conn", "recv"), "child_conn.recv()  # nothing has arrived: waiting"},
		{ev(1, "c", trace.KindPipePoll, "child_conn", map[string]any{"timeout": 0.5, "ready": false}), "child_conn.poll(0.5) → False"},
		{ev(1, "c", trace.KindPipePoll, "child_conn", map[string]any{"timeout": nil, "ready": true}), "child_conn.poll(None) → True"},
		{withErr(ev(1, "c", trace.KindPipeSend, "child_conn", nil), "OSError"), "child_conn.send(...) → OSError"},
		{withErr(ev(1, "c", trace.KindPipeRecv, "child_conn", nil), "OSError"), "child_conn.recv() → OSError"},
		{ev(1, "p", trace.KindQueueClose, "q", nil), "q.close()  # no more puts from this process"},
	} {
		if got := Describe(tc.r); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.r.Kind, got, tc.want)
		}
	}
}

func withErr(r trace.Record, err string) trace.Record {
	r.Err = err
	return r
}

// A process released for an operation that has not come back to the gate
// for awayAfter waits outside it (a socket, a file): the others may move.
// One that starts or sleeps is waited for however long it takes.
func TestGateWaitsForSleepersNotForTheAway(t *testing.T) {
	c := newGateCtl(Step, 0, true, nil)
	long := time.Now().Add(-2 * awayAfter)
	c.inflight[1] = flight{since: time.Now()}
	if c.quiet() {
		t.Error("quiet while a process released a moment ago runs")
	}
	c.inflight[1] = flight{since: long}
	if !c.quiet() {
		t.Error("not quiet though the only process running has been away for long")
	}
	c.inflight[2] = flight{since: long, sure: true}
	if c.quiet() {
		t.Error("quiet while a process sleeps or starts")
	}
	delete(c.inflight, 2)
	c.pending[3] = &Intent{Pid: 3, Proc: "c", Op: trace.KindEventWait, Obj: "never"}
	if c.stuck(&State{}) {
		t.Error("a deadlock reported while a process is away: it may yet come back")
	}
}
