package primitives

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/proctour/proctour/trace"
)

// appendLine appends one line to path: a write of a few bytes with
// O_APPEND is one piece, whichever process writes it.
func appendLine(path, line string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.WriteString(line + "\n")
	return err
}

func readInt(path string) int {
	b, _ := os.ReadFile(path)
	n, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return n
}

type bufferArgs struct {
	Cond        *Condition
	Count, Log  string
	Items, Size int
	Producer    bool
}

// A bounded buffer of Size items, its count in a file that only the
// condition's holder touches: a producer waits while it is full, a
// consumer while it is empty.
var bufferWorker = Register("test.cond.buffer", func(rt *Runtime, a bufferArgs) error {
	for range a.Items {
		a.Cond.Acquire()
		for {
			n := readInt(a.Count)
			if a.Producer && n < a.Size || !a.Producer && n > 0 {
				break
			}
			if err := a.Cond.Wait(); err != nil {
				return err
			}
		}
		n := readInt(a.Count)
		if a.Producer {
			n++
		} else {
			n--
		}
		if err := os.WriteFile(a.Count, []byte(strconv.Itoa(n)), 0o644); err != nil {
			return err
		}
		if err := appendLine(a.Log, strconv.Itoa(n)); err != nil {
			return err
		}
		if err := a.Cond.NotifyAll(); err != nil {
			return err
		}
		if err := a.Cond.Release(); err != nil {
			return err
		}
	}
	return nil
})

func TestConditionBoundedBufferAcrossProcesses(t *testing.T) {
	for _, own := range []bool{false, true} {
		t.Run(fmt.Sprintf("own lock %v", own), func(t *testing.T) {
			rt := quietMain(t)
			var lock any
			if !own {
				lock, _ = rt.NewLock("lock")
			}
			cond, err := rt.NewCondition("cond", lock)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			count, log := filepath.Join(dir, "count"), filepath.Join(dir, "log")
			os.WriteFile(count, []byte("0"), 0o644)
			var ps []*Process
			for i := range 4 {
				ps = append(ps, start(t, NewProcess(rt, bufferWorker, bufferArgs{Cond: cond, Count: count, Log: log, Items: 30, Size: 2, Producer: i%2 == 0})))
			}
			for _, p := range ps {
				p.Join()
				if c, _ := p.ExitCode(); c != 0 {
					t.Fatalf("%s exited with %d", p.Name, c)
				}
			}
			b, _ := os.ReadFile(log)
			lines := strings.Fields(string(b))
			if len(lines) != 120 {
				t.Errorf("%d puts and gets, want 120", len(lines))
			}
			for i, l := range lines {
				if n, _ := strconv.Atoi(l); n < 0 || n > 2 {
					t.Fatalf("step %d: the buffer held %d items, want 0 to 2", i, n)
				}
			}
			if n := readInt(count); n != 0 {
				t.Errorf("%d items left, want 0", n)
			}
		})
	}
}

// As multiprocessing: wait and notify without the lock raise
// AssertionError (not threading's RuntimeError), and change nothing.
func TestConditionErrorsWithoutTheLock(t *testing.T) {
	rt, events := tracedMain(t)
	cond, _ := rt.NewCondition("cond", nil)
	_, err := cond.WaitTimeout(0.1)
	if err == nil || err.Error() != "AssertionError: must acquire() condition before using wait()" {
		t.Errorf("wait without the lock: %v", err)
	}
	if err := cond.Notify(1); err == nil || err.Error() != "AssertionError: lock is not owned" {
		t.Errorf("notify without the lock: %v", err)
	}
	if err := cond.NotifyAll(); err == nil || !strings.HasPrefix(err.Error(), "AssertionError") {
		t.Errorf("notify_all without the lock: %v", err)
	}
	// Held by another process: not this one's either.
	lock, _ := rt.NewLock("lock")
	cond2, _ := rt.NewCondition("cond2", lock)
	ready, _ := rt.NewEvent("ready")
	p := start(t, NewProcess(rt, holdLock, struct {
		Lock  *Lock
		Ready *Event
	}{lock, ready}))
	ready.WaitTimeout(25)
	if err := cond2.Notify(1); err == nil || !strings.HasPrefix(err.Error(), "AssertionError") {
		t.Errorf("notify while another process holds the lock: %v", err)
	}
	p.Terminate()
	p.Join()
	var errs []string
	for _, w := range events() {
		if w.Kind == trace.KindCondWait || w.Kind == trace.KindCondNotify {
			errs = append(errs, w.Kind+" "+w.Obj+" "+w.Err)
		}
	}
	want := []string{"cond.wait cond AssertionError", "cond.notify cond AssertionError", "cond.notify cond AssertionError", "cond.notify cond2 AssertionError"}
	if !slices.Equal(errs, want) {
		t.Errorf("events %q, want %q", errs, want)
	}
}

type waiterArgs struct {
	Cond  *Condition
	Log   string
	Name  string
	Ready *Semaphore
}

var condWaiter = Register("test.cond.waiter", func(rt *Runtime, a waiterArgs) error {
	a.Cond.Acquire()
	a.Ready.Release()
	if err := a.Cond.Wait(); err != nil {
		return err
	}
	if err := appendLine(a.Log, a.Name); err != nil {
		return err
	}
	return a.Cond.Release()
})

// notify(1) wakes one waiter, the one that has waited longest; it takes
// the lock back only once the notifier lets it go; notify_all wakes the
// rest.
func TestConditionNotifyWakesTheOldestFirst(t *testing.T) {
	rt := quietMain(t)
	cond, _ := rt.NewCondition("cond", nil)
	ready, _ := rt.NewSemaphore("ready", 0)
	log := filepath.Join(t.TempDir(), "log")
	var ps []*Process
	for i := range 3 {
		ps = append(ps, start(t, NewProcess(rt, condWaiter, waiterArgs{cond, log, "w" + strconv.Itoa(i), ready})))
		if !ready.AcquireTimeout(25) {
			t.Fatal("a waiter never came")
		}
	}
	// each has released the lock in wait() once it can be taken
	cond.Acquire()
	if n := cond.Waiting(); n != 3 {
		t.Fatalf("%d waiting, want 3", n)
	}
	if err := cond.Notify(1); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if b, _ := os.ReadFile(log); len(b) != 0 {
		t.Errorf("%q went on while the notifier held the lock", b)
	}
	cond.Release()
	ps[0].Join()
	if b, _ := os.ReadFile(log); string(b) != "w0\n" {
		t.Errorf("after notify(1): %q, want w0 alone", b)
	}
	cond.Acquire()
	if err := cond.NotifyAll(); err != nil {
		t.Fatal(err)
	}
	cond.Release()
	for _, p := range ps {
		p.Join()
	}
	b, _ := os.ReadFile(log)
	if got := strings.Fields(string(b)); len(got) != 3 {
		t.Errorf("woken: %q, want all three", got)
	}
}

type notifierArgs struct {
	Cond *Condition
	Flag string
}

var condNotifier = Register("test.cond.notifier", func(rt *Runtime, a notifierArgs) error {
	a.Cond.Acquire()
	if err := os.WriteFile(a.Flag, nil, 0o644); err != nil {
		return err
	}
	if err := a.Cond.NotifyAll(); err != nil {
		return err
	}
	return a.Cond.Release()
})

// wait(timeout) returns False holding the lock again, as deep as it was;
// meanwhile the lock is free for others. wait_for returns once its
// predicate holds.
func TestConditionTimeoutDepthAndWaitFor(t *testing.T) {
	rt, events := tracedMain(t)
	cond, _ := rt.NewCondition("cond", nil)
	cond.Acquire()
	cond.Acquire()
	ok, err := cond.WaitTimeout(0.2)
	if ok || err != nil {
		t.Errorf("wait(0.2) with no notify: %v %v, want False", ok, err)
	}
	if mine, depth := cond.mine(); !mine || depth != 2 {
		t.Errorf("after the wait: held %v, depth %d; want held twice", mine, depth)
	}
	flag := filepath.Join(t.TempDir(), "flag")
	start(t, NewProcess(rt, condNotifier, notifierArgs{cond, flag}))
	calls := 0
	ok, err = cond.WaitFor(func() bool { calls++; _, err := os.Stat(flag); return err == nil }, 100)
	if !ok || err != nil || calls < 2 {
		t.Errorf("wait_for: %v %v after %d calls, want True after 2 or more", ok, err, calls)
	}
	ok, _ = cond.WaitFor(func() bool { return false }, 0.2)
	if ok {
		t.Error("wait_for a predicate that never holds returned True")
	}
	cond.Release()
	cond.Release()
	var kinds []string
	for _, w := range events() {
		if w.Kind == trace.KindCondWait || w.Kind == trace.KindCondWake {
			kinds = append(kinds, w.Kind+" "+string(w.Val))
		}
	}
	if len(kinds) < 2 || kinds[0] != `cond.wait {"lock":"cond","depth":2,"timeout":0.2}` || kinds[1] != `cond.wake {"lock":"cond","depth":2,"notified":false}` {
		t.Errorf("events %q", kinds)
	}
}
