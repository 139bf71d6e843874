package sim

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

type counterArgs struct {
	D, Lock *primitives.Proxy
	N       int
}

var decrementer = primitives.Register("simtest.decrementer", func(rt *primitives.Runtime, a counterArgs) error {
	for range a.N {
		if err := a.Lock.Acquire(); err != nil {
			return err
		}
		var n int
		if err := a.D.Get("count", &n); err != nil {
			return err
		}
		if err := a.D.Set("count", n-1); err != nil {
			return err
		}
		if err := a.Lock.Release(); err != nil {
			return err
		}
	}
	return nil
})

// managerScript: three processes take 3 each from d['count'] under a
// manager's lock.
func managerScript(rt *primitives.Runtime) error {
	m, err := rt.NewManager()
	if err != nil {
		return err
	}
	d, err := m.Dict("d", map[string]int{"count": 9})
	if err != nil {
		return err
	}
	lock, err := m.Lock("lock")
	if err != nil {
		return err
	}
	var ps []*primitives.Process
	for range 3 {
		p := primitives.NewProcess(rt, decrementer, counterArgs{d, lock, 3})
		if err := p.Start(); err != nil {
			return err
		}
		ps = append(ps, p)
	}
	for _, p := range ps {
		p.Join()
	}
	return nil
}

// In every mode a manager's trace folds cleanly: the server is a lane of
// its own that the gate does not wait for, the dict ends at 0, and the
// lock is free; in step mode a locked acquire is judged as blocked.
func TestManagerSessionInEveryMode(t *testing.T) {
	for _, mode := range []Mode{Live, Step, Seeded} {
		events, _ := run(t, managerScript, Options{Name: "manager", Mode: mode, Auto: true, Seed: 3})
		noViolations(t, events)
		st := Fold(events)
		if st.Watchdog != "" {
			t.Fatalf("%s: watchdog: %s", mode, st.Watchdog)
		}
		if len(st.Managers) != 1 {
			t.Fatalf("%s: %d managers in the fold", mode, len(st.Managers))
		}
		m := st.Managers[0]
		if srv := st.Proc(m.Pid); srv == nil || !srv.Server || !strings.HasPrefix(srv.Name, "SyncManager-") || srv.ExitCode != 0 {
			t.Errorf("%s: server process %+v", mode, srv)
		}
		_, d := st.FindManaged("d")
		_, lock := st.FindManaged("lock")
		if d == nil || string(d.Value) != `{"count":0}` || d.Calls != 18 {
			t.Errorf("%s: d at the end %+v, want {'count': 0} after 18 calls", mode, d)
		}
		if lock == nil || string(lock.Value) != "null" || len(lock.Waiters) != 0 {
			t.Errorf("%s: lock at the end %+v, want free", mode, lock)
		}
		var text []string
		for _, e := range events {
			if strings.HasPrefix(e.Kind, "manager.") {
				text = append(text, Describe(e))
			}
		}
		all := strings.Join(text, "\n")
		for _, want := range []string{"d = manager.dict({'count': 9})", "d['count'] → 9", "d['count'] = 8", "lock.acquire() → True", "serves d['count'] = 8 for Process-"} {
			if !strings.Contains(all, want) {
				t.Errorf("%s: no %q in the described events:\n%s", mode, want, all)
			}
		}
	}
}

func TestJudgeManagerCalls(t *testing.T) {
	lockVal, _ := json.Marshal(map[string]any{"type": "Lock", "value": 2, "caller": "a", "pid": 2, "method": "acquire"})
	world := foldOf(t,
		ev(1, "MainProcess", trace.KindProcStart, "", "x"),
		ev(2, "a", trace.KindProcStart, "", "t"),
		ev(9, "SyncManager-1", trace.KindProcStart, "", trace.TargetManagerServer),
		ev(9, "SyncManager-1", trace.KindManagerNew, "lock", map[string]any{"type": "Lock", "value": nil}),
		ev(9, "SyncManager-1", trace.KindManagerNew, "q", map[string]any{"type": "Queue", "value": []int{}}),
		ev(9, "SyncManager-1", trace.KindManagerServe, "lock", json.RawMessage(lockVal)),
	)
	for _, tc := range []struct {
		in      Intent
		can     bool
		blocked string
	}{
		{Intent{Pid: 1, Op: trace.KindManagerCall, Obj: "lock", method: "acquire"}, false, "lock, held by a"},
		{Intent{Pid: 1, Op: trace.KindManagerCall, Obj: "lock", method: "acquire", timeout: true}, true, ""},
		{Intent{Pid: 2, Op: trace.KindManagerCall, Obj: "lock", method: "release"}, true, ""},
		{Intent{Pid: 1, Op: trace.KindManagerCall, Obj: "q", method: "get"}, false, "q, empty"},
		{Intent{Pid: 1, Op: trace.KindManagerCall, Obj: "q", method: "put"}, true, ""},
	} {
		c := &gateCtl{pending: map[int]*Intent{tc.in.Pid: &tc.in}}
		c.judge(world)
		if tc.in.CanProceed != tc.can || tc.in.Blocked.String() != tc.blocked {
			t.Errorf("%s.%s: can proceed %v (%q), want %v (%q)", tc.in.Obj, tc.in.method, tc.in.CanProceed, tc.in.Blocked, tc.can, tc.blocked)
		}
	}
	// The server waits for calls: it never makes the state stuck.
	if world.Stuck() {
		t.Error("a state with only a running process and a server is stuck")
	}
}
