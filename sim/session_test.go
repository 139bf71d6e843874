package sim

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

func TestMain(m *testing.M) {
	primitives.MaybeRunChild()
	os.Exit(m.Run())
}

type lockArgs struct {
	Lock *primitives.Lock
	N    int
}

var (
	worker = primitives.Register("simtest.worker", func(rt *primitives.Runtime, a lockArgs) error {
		for i := range a.N {
			a.Lock.Acquire()
			rt.Printf("item %d", i)
			a.Lock.Release()
		}
		return nil
	})
	holder = primitives.Register("simtest.holder", func(rt *primitives.Runtime, a lockArgs) error {
		a.Lock.Acquire()
		rt.Sleep(1000)
		return nil
	})
	sleeper = primitives.Register("simtest.sleeper", func(rt *primitives.Runtime, _ struct{}) error {
		rt.Sleep(1000)
		return nil
	})
)

// run starts a session and returns its whole timeline.
func run(t *testing.T, script Script, o Options) ([]trace.Record, *Session) {
	t.Helper()
	s, err := Start(script, o)
	if err != nil {
		t.Fatal(err)
	}
	var got []trace.Record
	for r := range s.Events() {
		got = append(got, r)
	}
	return got, s
}

func noViolations(t *testing.T, events []trace.Record) {
	t.Helper()
	for _, v := range Check(events) {
		t.Error(v)
	}
}

func TestSessionTimelineIsOrderedAndComplete(t *testing.T) {
	events, s := run(t, func(rt *primitives.Runtime) error {
		lock, err := rt.NewLock("lock")
		if err != nil {
			return err
		}
		for range 4 {
			if err := primitives.NewProcess(rt, worker, lockArgs{lock, 25}).Start(); err != nil {
				return err
			}
		}
		return nil
	}, Options{Name: "workers"})
	if err := s.Wait(); err != nil {
		t.Fatal(err)
	}
	noViolations(t, events)
	st := Fold(events)
	if len(st.Procs) != 5 {
		t.Fatalf("%d processes in the timeline, want MainProcess and 4 workers", len(st.Procs))
	}
	prints := 0
	for _, e := range events {
		if e.Kind == trace.KindStdout {
			prints++
		}
	}
	if prints != 100 {
		t.Errorf("%d prints, want 100", prints)
	}
	last := mainExit(t, events)
	if last.Kind != trace.KindProcExit || last.Proc != "MainProcess" || string(last.Val) != "0" {
		t.Errorf("final event of the processes %+v, want MainProcess's exit 0", last)
	}
	if e := runEnd(t, events); e.Exit != 0 || e.StoppedBy != "" || e.Outcome != nil {
		t.Errorf("run.end %+v, want exit 0, not stopped, no outcome", e)
	}
}

// mainExit is MainProcess's exit: the event before run.end, the last.
func mainExit(t *testing.T, events []trace.Record) trace.Record {
	t.Helper()
	if n := len(events); n < 2 || events[n-1].Kind != trace.KindRunEnd {
		t.Fatalf("the timeline does not end with run.end: %+v", events[n-1])
	}
	return events[len(events)-2]
}

// runEnd is the timeline's run.end, read.
func runEnd(t *testing.T, events []trace.Record) trace.RunEnd {
	t.Helper()
	mainExit(t, events)
	var e trace.RunEnd
	if err := json.Unmarshal(events[len(events)-1].Val, &e); err != nil {
		t.Fatalf("run.end %s: %v", events[len(events)-1].Val, err)
	}
	return e
}

// A session's timeline says what ran and how, first, and how it ended,
// last: the values, mode, seed and speed it was given, and the outcome the
// scenario reads from its run.
func TestSessionRecordsItsSettingsAndOutcome(t *testing.T) {
	events, s := run(t, func(rt *primitives.Runtime) error {
		rt.Print("one")
		rt.Print("two")
		return nil
	}, Options{Name: "prints", Vars: map[string]string{"n": "2", "lock": "on"}, Mode: Seeded, Seed: 7, Speed: 4,
		Outcome: func(events []trace.Record) (int, bool) {
			n := 0
			for _, e := range events {
				if e.Kind == trace.KindStdout {
					n++
				}
			}
			return n, true
		}, OutcomeLabel: "lines printed"})
	if err := s.Wait(); err != nil {
		t.Fatal(err)
	}
	noViolations(t, events)
	first := events[0]
	if first.Kind != trace.KindRunBegin || first.Seq != 1 || first.Proc != trace.RunProc {
		t.Fatalf("first event %+v, want run.begin", first)
	}
	var b trace.RunBegin
	if err := json.Unmarshal(first.Val, &b); err != nil {
		t.Fatal(err)
	}
	if b.Scenario != "prints" || b.Vars["n"] != "2" || b.Vars["lock"] != "on" || b.Mode != "seeded" || b.Seed != 7 || b.Speed != 4 || b.Proctour == "" {
		t.Errorf("run.begin %s", first.Val)
	}
	if events[1].Kind != trace.KindProcStart || events[1].Proc != "MainProcess" {
		t.Errorf("second event %+v, want MainProcess's start", events[1])
	}
	if e := runEnd(t, events); e.Exit != 0 || e.Outcome == nil || *e.Outcome != 2 || e.OutcomeLabel != "lines printed" {
		t.Errorf("run.end %s, want exit 0 and 2 lines printed", events[len(events)-1].Val)
	}
	st := Fold(events)
	if st.Run == nil || st.End == nil || st.Run.Seed != 7 || *st.End.Outcome != 2 {
		t.Errorf("the fold's run %+v and end %+v", st.Run, st.End)
	}
	if got := DescribeIn(events[len(events)-1], "en"); got != "the run ends  # the main script ended with exit code 0; lines printed: 2" {
		t.Errorf("run.end is described as %q", got)
	}
	if got := DescribeIn(first, "zh"); !strings.Contains(got, "运行 prints  # lock=on n=2 · 种子模式，种子 7 · ×4，proctour ") {
		t.Errorf("run.begin in Chinese is %q", got)
	}
}

func TestWatchdogNamesTheDeadHolder(t *testing.T) {
	events, _ := run(t, func(rt *primitives.Runtime) error {
		lock, err := rt.NewLock("lock")
		if err != nil {
			return err
		}
		h := primitives.NewProcess(rt, holder, lockArgs{Lock: lock})
		if err := h.Start(); err != nil {
			return err
		}
		for lock.Holder() == 0 {
			time.Sleep(time.Millisecond)
		}
		h.Terminate()
		h.Join()
		w := primitives.NewProcess(rt, worker, lockArgs{lock, 1})
		if err := w.Start(); err != nil {
			return err
		}
		return w.Join()
	}, Options{Name: "deadlock", Idle: 200 * time.Millisecond, Timeout: 20 * time.Second})
	noViolations(t, events)
	st := Fold(events)
	if !strings.Contains(st.Watchdog, "Process-2 waits for lock, held by Process-1, which exited with -15") {
		t.Errorf("watchdog said %q", st.Watchdog)
	}
	if p := st.Procs[len(st.Procs)-1]; p.Name != "Process-2" || p.ExitCode != -15 {
		t.Errorf("the blocked worker ended as %+v, want terminated by the watchdog", p)
	}
}

func TestBudgetStopsALongDemo(t *testing.T) {
	begin := time.Now()
	events, _ := run(t, func(rt *primitives.Runtime) error {
		p := primitives.NewProcess(rt, sleeper, struct{}{})
		if err := p.Start(); err != nil {
			return err
		}
		rt.Sleep(1000)
		return nil
	}, Options{Name: "long", Timeout: 300 * time.Millisecond})
	noViolations(t, events)
	st := Fold(events)
	if !strings.Contains(st.Watchdog, "budget") {
		t.Errorf("watchdog said %q, want a budget report", st.Watchdog)
	}
	if el := time.Since(begin); el > 10*time.Second {
		t.Errorf("a stopped session took %v to end", el)
	}
}

func TestStopLeavesNoProcess(t *testing.T) {
	s, err := Start(func(rt *primitives.Runtime) error {
		for range 5 {
			if err := primitives.NewProcess(rt, sleeper, struct{}{}).Start(); err != nil {
				return err
			}
		}
		rt.Sleep(1000)
		return nil
	}, Options{Name: "stop"})
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for r := range s.Events() {
		if r.Kind == trace.KindProcStart && r.Proc != "MainProcess" {
			pids = append(pids, r.Pid)
			if len(pids) == 5 {
				s.Stop()
			}
		}
	}
	noViolations(t, s.Timeline())
	for _, pid := range pids {
		// Reaped children are gone: signal 0 finds no process.
		if err := syscall.Kill(pid, 0); err == nil {
			t.Errorf("pid %d is still there after Stop", pid)
		}
	}
	tl := s.Timeline()
	if last := mainExit(t, tl); string(last.Val) != "-15" {
		t.Errorf("a stopped session's MainProcess exit is %s, want -15", last.Val)
	}
	if e := runEnd(t, tl); e.StoppedBy != trace.StoppedByUser || e.Exit != -15 {
		t.Errorf("a stopped session's run.end %s, want stopped by the user", tl[len(tl)-1].Val)
	}
	if m := Fold(tl).Procs[0]; m.StoppedBy != trace.StoppedByUser {
		t.Errorf("a stopped session's main script: stopped by %q", m.StoppedBy)
	}
}

func TestScriptErrorIsReported(t *testing.T) {
	events, s := run(t, func(rt *primitives.Runtime) error {
		lock, _ := rt.NewLock("lock")
		return lock.Release()
	}, Options{Name: "err"})
	if err := s.Wait(); err == nil || !strings.Contains(err.Error(), "ValueError") {
		t.Errorf("Wait = %v, want the ValueError", err)
	}
	noViolations(t, events)
	if last := mainExit(t, events); string(last.Val) != "1" {
		t.Errorf("MainProcess exit %s after an exception, want 1", last.Val)
	}
}

func TestTraceRoundTripAndMalformed(t *testing.T) {
	events, _ := run(t, func(rt *primitives.Runtime) error {
		rt.Print("hello")
		return nil
	}, Options{Name: "hello"})
	var buf bytes.Buffer
	for _, e := range events {
		if err := trace.Write(&buf, e); err != nil {
			t.Fatal(err)
		}
	}
	back, err := trace.Read(bytes.NewReader(buf.Bytes()))
	if err != nil || len(back) != len(events) {
		t.Fatalf("read back %d events, %v; want %d", len(back), err, len(events))
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	for _, tc := range []struct{ name, trace, want string }{
		{"not json", "{nope\n", "line 1: not a JSON object"},
		{"missing field", `{"seq":1,"t_ns":0,"pid":1,"proc":"a","kind":"stdout","val":null}` + "\n", `line 1: no "obj" field`},
		{"seq gap", lines[0] + "\n" + strings.Replace(lines[1], `"seq":2`, `"seq":5`, 1) + "\n", "line 2: seq is 5, want 2"},
		{"empty", "", "empty"},
	} {
		if _, err := trace.Read(strings.NewReader(tc.trace)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}

// A session followed only through Snapshot (as the UI does) still ends.
func TestSessionEndsWithoutAnEventsReader(t *testing.T) {
	s, err := Start(func(rt *primitives.Runtime) error {
		for i := range 600 { // more than any channel buffer
			rt.Printf("line %d", i)
		}
		return nil
	}, Options{Name: "quiet"})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.Done():
	case <-time.After(20 * time.Second):
		t.Fatal("Done never closed with nobody reading Events")
	}
	if events, _, done, _ := s.Snapshot(0); !done || len(events) != 604 {
		t.Errorf("snapshot after the end: %d events, done %v; want 604 (run.begin, start, 600 prints, exit, run.end), true", len(events), done)
	}
}

type queueArgs struct {
	Q *primitives.Queue
	N int
}

var producer = primitives.Register("simtest.producer", func(rt *primitives.Runtime, a queueArgs) error {
	for i := range a.N {
		if err := a.Q.Put(i); err != nil {
			return err
		}
	}
	return nil
})

// A real queue's trace folds cleanly: every get after its put, never more
// items than maxsize, and the queue empty at the end.
func TestQueueTraceFolds(t *testing.T) {
	events, _ := run(t, func(rt *primitives.Runtime) error {
		q, err := rt.NewQueue("q", 2)
		if err != nil {
			return err
		}
		for range 2 {
			if err := primitives.NewProcess(rt, producer, queueArgs{q, 20}).Start(); err != nil {
				return err
			}
		}
		for range 40 {
			var v int
			if err := q.Get(&v); err != nil {
				return err
			}
		}
		return nil
	}, Options{Name: "queue"})
	noViolations(t, events)
	st := Fold(events)
	if len(st.Queues) != 1 {
		t.Fatalf("%d queues in the fold", len(st.Queues))
	}
	if q := st.Queues[0]; q.Capacity != 2 || len(q.Items) != 0 || q.MaxItems == 0 || q.MaxItems > 2 {
		t.Errorf("queue at the end: %+v", q)
	}
}
