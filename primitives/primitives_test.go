package primitives

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/proctour/proctour/trace"
)

func TestMain(m *testing.M) {
	MaybeRunChild()
	os.Exit(m.Run())
}

// Targets used by the tests below.
var (
	exitWith = Register("test.exit", func(rt *Runtime, code int) error {
		if code == 1 {
			return errors.New("failed on purpose")
		}
		os.Exit(code)
		return nil
	})
	sleepLong = Register("test.sleep", func(rt *Runtime, _ struct{}) error {
		time.Sleep(time.Minute)
		return nil
	})
	holdLock = Register("test.hold", func(rt *Runtime, a struct {
		Lock  *Lock
		Ready *Event
	}) error {
		a.Lock.Acquire()
		a.Ready.Set()
		time.Sleep(time.Minute)
		return nil
	})
	countUnderLock = Register("test.count", func(rt *Runtime, a struct {
		Lock *Lock
		Path string
		N    int
	}) error {
		for range a.N {
			a.Lock.Acquire()
			b, err := os.ReadFile(a.Path)
			if err != nil {
				return err
			}
			n, _ := strconv.Atoi(string(b))
			if err := os.WriteFile(a.Path, []byte(strconv.Itoa(n+1)), 0o644); err != nil {
				return err
			}
			if err := a.Lock.Release(); err != nil {
				return err
			}
		}
		return nil
	})
	waitThenMark = Register("test.wait", func(rt *Runtime, a struct {
		Go   *Event
		Path string
	}) error {
		a.Go.Wait()
		return os.WriteFile(a.Path, []byte("woken"), 0o644)
	})
	startGrandchild = Register("test.grandchild", func(rt *Runtime, _ struct{}) error {
		return NewProcess(rt, exitWith, 0).Start()
	})
	insideSem = Register("test.sem", func(rt *Runtime, a struct {
		Sem  *Semaphore
		Lock *Lock
		Path string
	}) error {
		bump := func(d int) (int, error) {
			a.Lock.Acquire()
			defer a.Lock.Release()
			b, _ := os.ReadFile(a.Path)
			f := strings.Fields(string(b)) // "inside max"
			in, _ := strconv.Atoi(f[0])
			mx, _ := strconv.Atoi(f[1])
			in += d
			mx = max(mx, in)
			return in, os.WriteFile(a.Path, []byte(strconv.Itoa(in)+" "+strconv.Itoa(mx)), 0o644)
		}
		a.Sem.Acquire()
		if _, err := bump(1); err != nil {
			return err
		}
		time.Sleep(20 * time.Millisecond)
		if _, err := bump(-1); err != nil {
			return err
		}
		return a.Sem.Release()
	})
)

func quietMain(t *testing.T) *Runtime {
	t.Helper()
	rt := NewMain(MainOptions{})
	t.Cleanup(func() { rt.KillAll(9); rt.Finish(); rt.Close() })
	return rt
}

// tracedMain is a main runtime whose events are collected, in arrival order.
func tracedMain(t *testing.T) (*Runtime, func() []Wire) {
	t.Helper()
	tr, err := NewTrace()
	if err != nil {
		t.Fatal(err)
	}
	rt := NewMain(MainOptions{Trace: tr})
	var (
		mu  sync.Mutex
		got []Wire
	)
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(tr.Reader())
		for sc.Scan() {
			var w Wire
			if err := json.Unmarshal(sc.Bytes(), &w); err != nil {
				t.Errorf("bad wire line %q: %v", sc.Text(), err)
				continue
			}
			mu.Lock()
			got = append(got, w)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() { tr.Close() })
	return rt, func() []Wire {
		rt.Finish()
		tr.CloseWriter()
		<-done
		mu.Lock()
		defer mu.Unlock()
		return got
	}
}

func start(t *testing.T, p *Process) *Process {
	t.Helper()
	if err := p.Start(); err != nil {
		t.Fatalf("start %s: %v", p.Name, err)
	}
	return p
}

func TestExitCodes(t *testing.T) {
	rt := quietMain(t)
	for _, tc := range []struct {
		name string
		code int
	}{{"clean", 0}, {"exception", 1}, {"sys.exit(3)", 3}} {
		p := start(t, NewProcess(rt, exitWith, tc.code))
		if err := p.Join(); err != nil {
			t.Fatal(err)
		}
		got, ok := p.ExitCode()
		if !ok || got != tc.code {
			t.Errorf("%s: exitcode = %d, %v; want %d", tc.name, got, ok, tc.code)
		}
	}
	for _, tc := range []struct {
		kill func(*Process) error
		want int
	}{{(*Process).Terminate, -15}, {(*Process).Kill, -9}} {
		p := start(t, NewProcess(rt, sleepLong, struct{}{}))
		if _, ok := p.ExitCode(); ok || !p.IsAlive() {
			t.Fatal("a running child has an exit code or is not alive")
		}
		if err := tc.kill(p); err != nil {
			t.Fatal(err)
		}
		p.Join()
		if got, ok := p.ExitCode(); !ok || got != tc.want || p.IsAlive() {
			t.Errorf("killed child: exitcode %d, %v, alive %v; want %d", got, ok, p.IsAlive(), tc.want)
		}
	}
}

func TestProcessNamesAndJoinTimeout(t *testing.T) {
	rt := quietMain(t)
	p := start(t, NewProcess(rt, sleepLong, struct{}{}))
	q := NewProcess(rt, exitWith, 0)
	if p.Name != "Process-1" || q.Name != "Process-2" {
		t.Errorf("names %q %q, want Process-1 Process-2", p.Name, q.Name)
	}
	begin := time.Now()
	p.JoinTimeout(0.25) // 0.25 listing seconds = 50 ms at speed 1
	if !p.IsAlive() {
		t.Fatal("join with a timeout killed or waited out the child")
	}
	if el := time.Since(begin); el < 40*time.Millisecond {
		t.Errorf("join(timeout) returned after %v, before its timeout", el)
	}
	if err := q.Join(); err == nil {
		t.Error("joining a process that was never started is not an error")
	}
	if err := p.Start(); err == nil {
		t.Error("starting a process twice is not an error")
	}
}

func TestLockMutualExclusionAcrossProcesses(t *testing.T) {
	rt := quietMain(t)
	lock, err := rt.NewLock("lock")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "n")
	os.WriteFile(path, []byte("0"), 0o644)
	type args = struct {
		Lock *Lock
		Path string
		N    int
	}
	var ps []*Process
	for range 4 {
		ps = append(ps, start(t, NewProcess(rt, countUnderLock, args{lock, path, 200})))
	}
	for _, p := range ps {
		p.Join()
		if c, _ := p.ExitCode(); c != 0 {
			t.Fatalf("%s exited with %d", p.Name, c)
		}
	}
	b, _ := os.ReadFile(path)
	if string(b) != "800" {
		t.Errorf("4 processes × 200 locked increments gave %s, want 800", b)
	}
}

func TestLockTimeoutsAndErrors(t *testing.T) {
	rt := quietMain(t)
	lock, _ := rt.NewLock("lock")
	if err := lock.Release(); err == nil || !strings.HasPrefix(err.Error(), "ValueError") {
		t.Errorf("releasing a free lock: %v, want ValueError", err)
	}
	if !lock.TryAcquire() {
		t.Fatal("free lock not acquired")
	}
	if lock.TryAcquire() {
		t.Error("a held Lock was acquired again: it is not recursive")
	}
	begin := time.Now()
	if lock.AcquireTimeout(0.25) {
		t.Error("a held lock was acquired with a timeout")
	}
	if el := time.Since(begin); el < 40*time.Millisecond {
		t.Errorf("acquire(timeout) gave up after %v", el)
	}
	if err := lock.Release(); err != nil {
		t.Fatal(err)
	}
	rl, _ := rt.NewRLock("rlock")
	rl.Acquire()
	rl.Acquire()
	rl.Release()
	if rl.Holder() != rt.Pid() {
		t.Error("RLock freed after one release of two acquires")
	}
	rl.Release()
	if err := rl.Release(); err == nil || !strings.HasPrefix(err.Error(), "AssertionError") {
		t.Errorf("releasing an RLock not held: %v, want AssertionError", err)
	}
}

func TestKilledHolderKeepsLock(t *testing.T) {
	rt := quietMain(t)
	lock, _ := rt.NewLock("lock")
	ready, _ := rt.NewEvent("ready")
	p := start(t, NewProcess(rt, holdLock, struct {
		Lock  *Lock
		Ready *Event
	}{lock, ready}))
	if !ready.WaitTimeout(25) {
		t.Fatal("holder never signalled")
	}
	if lock.Holder() != p.Pid() {
		t.Errorf("holder %d, want the child %d", lock.Holder(), p.Pid())
	}
	p.Terminate()
	p.Join()
	if lock.AcquireTimeout(0.5) {
		t.Error("a lock held by a terminated process was acquired: Python's lock stays held")
	}
}

func TestEventWakesAllWaiters(t *testing.T) {
	rt := quietMain(t)
	ev, _ := rt.NewEvent("go")
	dir := t.TempDir()
	type args = struct {
		Go   *Event
		Path string
	}
	var ps []*Process
	for i := range 5 {
		ps = append(ps, start(t, NewProcess(rt, waitThenMark, args{ev, filepath.Join(dir, strconv.Itoa(i))})))
	}
	time.Sleep(100 * time.Millisecond)
	for _, p := range ps {
		if !p.IsAlive() {
			t.Fatalf("%s did not wait for the event", p.Name)
		}
	}
	if ev.WaitTimeout(0.1) {
		t.Error("wait(timeout) on a clear event returned true")
	}
	ev.Set()
	for i, p := range ps {
		p.Join()
		if b, _ := os.ReadFile(filepath.Join(dir, strconv.Itoa(i))); string(b) != "woken" {
			t.Errorf("%s was not woken", p.Name)
		}
	}
}

func TestSemaphoreBoundsConcurrency(t *testing.T) {
	rt := quietMain(t)
	sem, _ := rt.NewSemaphore("toilets", 3)
	lock, _ := rt.NewLock("lock")
	path := filepath.Join(t.TempDir(), "inside")
	os.WriteFile(path, []byte("0 0"), 0o644)
	type args = struct {
		Sem  *Semaphore
		Lock *Lock
		Path string
	}
	var ps []*Process
	for range 10 {
		ps = append(ps, start(t, NewProcess(rt, insideSem, args{sem, lock, path})))
	}
	for _, p := range ps {
		p.Join()
	}
	b, _ := os.ReadFile(path)
	f := strings.Fields(string(b))
	if f[0] != "0" || f[1] > "3" || f[1] == "0" {
		t.Errorf("inside/max = %v: want 0 inside at the end and at most 3 at once", f)
	}
	if sem.Value() != 3 {
		t.Errorf("value %d after all released, want 3", sem.Value())
	}
	b3, _ := rt.NewBoundedSemaphore("b", 1)
	if err := b3.Release(); err == nil || !strings.HasPrefix(err.Error(), "ValueError") {
		t.Errorf("over-releasing a BoundedSemaphore: %v, want ValueError", err)
	}
}

func TestDaemonRules(t *testing.T) {
	rt, events := tracedMain(t)
	d := NewProcess(rt, startGrandchild, struct{}{})
	d.Daemon = true
	start(t, d)
	d.Join()
	if c, _ := d.ExitCode(); c != 1 {
		t.Errorf("daemon starting a child exited with %d, want 1 (an error)", c)
	}
	long := NewProcess(rt, sleepLong, struct{}{})
	long.Daemon = true
	start(t, long)
	all := events() // Finish: the daemon is terminated, not waited for
	if c, _ := long.ExitCode(); c != -15 {
		t.Errorf("daemon at the end of main: exitcode %d, want -15", c)
	}
	var saw bool
	for _, w := range all {
		if w.Kind == trace.KindStdout && strings.Contains(string(w.Val), "daemonic processes are not allowed to have children") {
			saw = true
			if w.Err != "AssertionError" {
				t.Errorf("err = %q, want AssertionError", w.Err)
			}
		}
	}
	if !saw {
		t.Error("the daemon's AssertionError is not in its events")
	}
}

func TestEventsCarryCausalOrder(t *testing.T) {
	rt, events := tracedMain(t)
	lock, _ := rt.NewLock("lock")
	path := filepath.Join(t.TempDir(), "n")
	os.WriteFile(path, []byte("0"), 0o644)
	type args = struct {
		Lock *Lock
		Path string
		N    int
	}
	for range 3 {
		start(t, NewProcess(rt, countUnderLock, args{lock, path, 50}))
	}
	all := events()
	// Sorted by N, the lock's holder changes only at a release.
	byN := map[uint64]Wire{}
	var maxN uint64
	for _, w := range all {
		if _, dup := byN[w.N]; dup {
			t.Fatalf("two events numbered %d", w.N)
		}
		byN[w.N] = w
		maxN = max(maxN, w.N)
	}
	holder, acquires := 0, 0
	for n := uint64(1); n <= maxN; n++ {
		w, ok := byN[n]
		if !ok {
			t.Fatalf("event %d missing", n)
		}
		switch w.Kind {
		case trace.KindLockAcquire:
			if holder != 0 {
				t.Fatalf("event %d: %d acquired the lock held by %d", n, w.Pid, holder)
			}
			holder = w.Pid
			acquires++
		case trace.KindLockRelease:
			holder = 0
		}
	}
	if acquires != 150 {
		t.Errorf("%d acquires, want 150", acquires)
	}
}

// An event that comes after the session has closed its trace (a goroutine
// that outlived it) is dropped: it must not touch the unmapped counter.
func TestEventAfterTraceCloseIsDropped(t *testing.T) {
	tr, err := NewTrace()
	if err != nil {
		t.Fatal(err)
	}
	rt := NewMain(MainOptions{Trace: tr})
	rt.Emit(trace.KindStdout, "", "before")
	if err := tr.Close(); err != nil {
		t.Fatal(err)
	}
	rt.Emit(trace.KindStdout, "", "after") // would fault on the unmapped counter
	if n, _ := tr.Stamp(); n != 0 {
		t.Errorf("a closed trace stamped %d", n)
	}
	if err := tr.Close(); err != nil {
		t.Errorf("closing twice: %v", err)
	}
}
