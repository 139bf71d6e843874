package sim

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/proctour/proctour/trace"
)

// condWorld is a producer and two consumers on cond (its own RLock):
// both consumers wait, the producer notifies one of them.
func condWorld(t *testing.T, more ...trace.Record) *State {
	t.Helper()
	const main, c1, c2 = 1, 2, 3
	wait := trace.CondWait{Lock: "cond", Timeout: json.RawMessage("null")}
	events := []trace.Record{
		ev(main, "MainProcess", trace.KindProcStart, "", "x"),
		ev(c1, "c1", trace.KindProcStart, "", "t"),
		ev(c2, "c2", trace.KindProcStart, "", "t"),
		ev(c1, "c1", trace.KindLockAcquire, "cond", true),
		ev(c1, "c1", trace.KindCondWait, "cond", wait),
		ev(c2, "c2", trace.KindLockAcquire, "cond", true),
		ev(c2, "c2", trace.KindCondWait, "cond", wait),
		ev(main, "MainProcess", trace.KindLockAcquire, "cond", true),
		ev(main, "MainProcess", trace.KindCondNotify, "cond", trace.CondNotify{N: 1, Woken: 1}),
	}
	return foldOf(t, append(events, more...)...)
}

func TestCondFoldWaitersNotifiedAndTheLock(t *testing.T) {
	st := condWorld(t)
	if len(st.Violations) > 0 {
		t.Fatal(st.Violations)
	}
	c := st.FindCond("cond")
	if c == nil || !slices.Equal(c.Waiters, []int{2, 3}) || c.Notified != 1 {
		t.Fatalf("cond = %+v, want c1 and c2 waiting, one of them notified", c)
	}
	if p := st.Proc(2); p.Status != Blocked || p.On != "cond" || !p.Forever {
		t.Errorf("c1 is %s on %q (forever %v), want blocked on cond for good", p.Status, p.On, p.Forever)
	}
	if l := st.findLock("cond"); l.Holder != 1 {
		t.Errorf("cond's lock held by %d, want MainProcess (1): the waiters released it", l.Holder)
	}
	// The notified consumer takes the lock back only once main let it go.
	st = condWorld(t,
		ev(1, "MainProcess", trace.KindLockRelease, "cond", nil),
		ev(3, "c2", trace.KindCondWake, "cond", trace.CondWake{Lock: "cond", Notified: true}),
	)
	if len(st.Violations) > 0 {
		t.Fatal(st.Violations)
	}
	c = st.FindCond("cond")
	if !slices.Equal(c.Waiters, []int{2}) || c.Notified != 0 {
		t.Errorf("after the wake: %+v, want c1 still waiting and no one notified", c)
	}
	if l := st.findLock("cond"); l.Holder != 3 {
		t.Errorf("cond's lock held by %d, want c2 (3), which woke holding it", l.Holder)
	}
}

func TestCondFoldFindsBrokenInvariants(t *testing.T) {
	for _, c := range []struct {
		name   string
		events []trace.Record
		want   string
	}{
		{"a wake while the notifier holds the lock", []trace.Record{
			ev(3, "c2", trace.KindCondWake, "cond", trace.CondWake{Lock: "cond", Notified: true}),
		}, "took lock cond back from wait() while MainProcess held it"},
		{"a notified wake no notify woke", []trace.Record{
			ev(1, "MainProcess", trace.KindLockRelease, "cond", nil),
			ev(3, "c2", trace.KindCondWake, "cond", trace.CondWake{Lock: "cond", Notified: true}),
			ev(3, "c2", trace.KindLockRelease, "cond", nil),
			ev(2, "c1", trace.KindCondWake, "cond", trace.CondWake{Lock: "cond", Notified: true}),
		}, "c1 woke up notified from condition cond, which no notify woke"},
		{"a wait without the lock", []trace.Record{
			ev(1, "MainProcess", trace.KindLockRelease, "cond", nil),
			ev(1, "MainProcess", trace.KindCondWait, "cond", trace.CondWait{Lock: "cond"}),
		}, "MainProcess waits on condition cond without holding its lock cond"},
	} {
		st := condWorld(t, c.events...)
		if len(st.Violations) != 1 || !strings.Contains(st.Violations[0], c.want) {
			t.Errorf("%s: violations %q, want one saying %q", c.name, st.Violations, c.want)
		}
	}
	// A wait that timed out needs no notify; a notify refused (its lock
	// not held: AssertionError in multiprocessing) changes nothing.
	refused := ev(2, "c1", trace.KindCondNotify, "cond", trace.CondNotify{N: 1, Woken: 1})
	refused.Err = "AssertionError"
	st := condWorld(t,
		refused,
		ev(1, "MainProcess", trace.KindLockRelease, "cond", nil),
		ev(2, "c1", trace.KindCondWake, "cond", trace.CondWake{Lock: "cond", Notified: false}),
	)
	if len(st.Violations) > 0 || st.FindCond("cond").Notified != 1 {
		t.Errorf("violations %q, notified %d; want none and c2 still notified", st.Violations, st.FindCond("cond").Notified)
	}
}

// barrierWorld is three processes at a Barrier(2): two generations.
func barrierWorld(t *testing.T, more ...trace.Record) *State {
	t.Helper()
	wait := trace.BarrierWait{Parties: 2, Timeout: json.RawMessage("null")}
	events := []trace.Record{
		ev(1, "MainProcess", trace.KindProcStart, "", "x"),
		ev(2, "a", trace.KindProcStart, "", "t"),
		ev(3, "b", trace.KindProcStart, "", "t"),
		ev(4, "c", trace.KindProcStart, "", "t"),
		ev(2, "a", trace.KindBarrierWait, "barrier", wait),
		ev(3, "b", trace.KindBarrierWait, "barrier", wait),
		ev(4, "c", trace.KindBarrierWait, "barrier", wait),
	}
	return foldOf(t, append(events, more...)...)
}

func TestBarrierFoldPassesOnlyWholeGenerations(t *testing.T) {
	st := barrierWorld(t,
		ev(3, "b", trace.KindBarrierPass, "barrier", 1),
		ev(2, "a", trace.KindBarrierPass, "barrier", 0),
	)
	if len(st.Violations) > 0 {
		t.Fatal(st.Violations)
	}
	b := st.FindBarrier("barrier")
	if b.Parties != 2 || !slices.Equal(b.Waiters, []int{4}) || b.Broken {
		t.Errorf("barrier = %+v, want 2 parties, c waiting, not broken", b)
	}
	if p := st.Proc(4); p.Status != Blocked || p.On != "barrier" {
		t.Errorf("c is %s on %q, want blocked on barrier", p.Status, p.On)
	}
	st = barrierWorld(t,
		ev(3, "b", trace.KindBarrierPass, "barrier", 1),
		ev(2, "a", trace.KindBarrierPass, "barrier", 0),
		ev(4, "c", trace.KindBarrierPass, "barrier", 0),
	)
	if len(st.Violations) != 1 || !strings.Contains(st.Violations[0], "c passed barrier barrier before its 2 parties arrived") {
		t.Errorf("violations %q, want c's early pass", st.Violations)
	}
	// abort() breaks it: c's wait raises; reset() makes it whole again.
	broken := ev(4, "c", trace.KindBarrierBroken, "barrier", nil)
	broken.Err = "BrokenBarrierError"
	st = barrierWorld(t, ev(1, "MainProcess", trace.KindBarrierAbort, "barrier", nil), broken)
	if b := st.FindBarrier("barrier"); !b.Broken || slices.Contains(b.Waiters, 4) || len(st.Violations) > 0 {
		t.Errorf("after abort: %+v, violations %q; want it broken, c no longer waiting", b, st.Violations)
	}
	st = barrierWorld(t, ev(1, "MainProcess", trace.KindBarrierAbort, "barrier", nil), broken,
		ev(1, "MainProcess", trace.KindBarrierReset, "barrier", nil))
	if st.FindBarrier("barrier").Broken {
		t.Error("still broken after reset()")
	}
	// A party that exits while waiting waits no more.
	st = barrierWorld(t, ev(4, "c", trace.KindProcExit, "", -15))
	if slices.Contains(st.FindBarrier("barrier").Waiters, 4) {
		t.Error("c exited and still waits at the barrier")
	}
}

func TestCondAndBarrierDescribedInChinese(t *testing.T) {
	for _, c := range []struct {
		r      trace.Record
		en, zh string
	}{
		{ev(2, "c1", trace.KindCondWait, "cond", trace.CondWait{Lock: "cond", Timeout: json.RawMessage("null")}),
			"cond.wait()  # releases cond and waits for a notify", "cond.wait()  # 释放 cond，等待 notify"},
		{ev(1, "MainProcess", trace.KindCondNotify, "cond", trace.CondNotify{N: 0, All: true, Woken: 2}),
			"cond.notify_all()  # wakes 2 waiting processes", "cond.notify_all()  # 唤醒了 2 个等待的进程"},
		{ev(2, "c1", trace.KindCondWake, "cond", trace.CondWake{Lock: "lock", Notified: true}),
			"cond.wait() → True  # notified, holding lock again", "cond.wait() → True  # 收到 notify，重新持有 lock"},
		{ev(2, "a", trace.KindBarrierWait, "barrier", trace.BarrierWait{Parties: 3, Timeout: json.RawMessage("null")}),
			"barrier.wait()  # waiting until 3 parties have arrived", "barrier.wait()  # 等待，直到 3 方全部到齐"},
		{ev(2, "a", trace.KindBarrierPass, "barrier", 2),
			"barrier.wait() → 2  # every party arrived", "barrier.wait() → 2  # 各方都已到齐"},
		{trace.Record{Kind: trace.KindBarrierBroken, Obj: "barrier", Val: json.RawMessage("null"), Err: "BrokenBarrierError"},
			"barrier.wait() → BrokenBarrierError", "barrier.wait() → BrokenBarrierError"},
	} {
		if got := Describe(c.r); got != c.en {
			t.Errorf("%s: %q, want %q", c.r.Kind, got, c.en)
		}
		if got := DescribeIn(c.r, "zh"); got != c.zh {
			t.Errorf("%s in Chinese: %q, want %q", c.r.Kind, got, c.zh)
		}
	}
}

// An imap's iterator hands out an item only once it is done: a pool.get
// of one item (how imap) counts against the job's done items.
func TestImapHandsOutOnlyDoneItems(t *testing.T) {
	item := func(i int) *int { return &i }
	world := []trace.Record{
		ev(1, "MainProcess", trace.KindProcStart, "", "x"),
		ev(1, "MainProcess", trace.KindPoolNew, "pool", trace.PoolNew{Ctor: "Pool", Processes: 1}),
		ev(2, "w", trace.KindProcStart, "", trace.TargetPoolWorker),
		ev(2, "w", trace.KindPoolWorker, "pool", nil),
		ev(1, "MainProcess", trace.KindPoolSubmit, "pool", trace.PoolSubmit{Job: 3, Func: "square", Items: 2, Chunks: 2, How: "imap"}),
		ev(2, "w", trace.KindPoolTaskStart, "pool", trace.PoolTask{Job: 3, I: 0, Take: true}),
		ev(2, "w", trace.KindPoolTaskDone, "pool", trace.PoolTask{Job: 3, I: 0, Result: []byte("0")}),
		ev(1, "MainProcess", trace.KindPoolGet, "pool", trace.PoolGet{Job: 3, Value: []byte("0"), How: "imap", Item: item(0)}),
	}
	st := foldOf(t, world...)
	if j := st.Pools[0].Jobs[0]; len(st.Violations) > 0 || j.Delivered != 1 || j.Got {
		t.Errorf("after item 0: %+v, violations %q; want 1 handed out, the job not got", j, st.Violations)
	}
	early := ev(1, "MainProcess", trace.KindPoolGet, "pool", trace.PoolGet{Job: 3, Value: []byte("1"), How: "imap", Item: item(1)})
	st = foldOf(t, append(world, early)...)
	if len(st.Violations) != 1 || !strings.Contains(st.Violations[0], "imap of job 3 handed out 2 items, 1 of which were done") {
		t.Errorf("violations %q, want item 1 handed out before it was done", st.Violations)
	}
	st = foldOf(t, append(world,
		ev(2, "w", trace.KindPoolTaskStart, "pool", trace.PoolTask{Job: 3, I: 1, Take: true}),
		ev(2, "w", trace.KindPoolTaskDone, "pool", trace.PoolTask{Job: 3, I: 1, Result: []byte("1")}),
		early)...)
	if j := st.Pools[0].Jobs[0]; len(st.Violations) > 0 || !j.Got {
		t.Errorf("after both items: %+v, violations %q; want the job got", j, st.Violations)
	}
	if got, want := DescribeIn(early, "zh"), "next(pool.imap(...)) → 1  # 任务 3，第 1 项"; got != want {
		t.Errorf("described %q, want %q", got, want)
	}
}

// A poll that waited for a message and returned is no longer reading.
func TestPollWaitEndsWithItsPoll(t *testing.T) {
	st := pipeWorld(t,
		ev(2, "reader", trace.KindPipeBlock, "reader_conn", "poll"),
		ev(2, "reader", trace.KindPipePoll, "reader_conn", trace.PipePoll{Timeout: []byte("2"), Ready: true}),
	)
	if pp, i := st.FindEnd("reader_conn"); len(pp.Ends[i].Readers) != 0 || st.Proc(2).Status == Blocked {
		t.Errorf("reader still reads (%v) or blocked (%s) after poll returned", pp.Ends[i].Readers, st.Proc(2).Status)
	}
	if got := Describe(ev(2, "reader", trace.KindPipeBlock, "reader_conn", "poll")); got != "reader_conn.poll()  # nothing has arrived: waiting" {
		t.Errorf("described %q", got)
	}
}

// Processes waiting for a lock that is free do not wait forever: the lock
// goes to one of them, whose acquire is still on its way. Two processes
// each waiting for the lock the other holds do.
func TestWaitersOfAFreeLockAreNotStuck(t *testing.T) {
	deadlock := []trace.Record{
		ev(1, "MainProcess", trace.KindProcStart, "", "x"),
		ev(2, "a", trace.KindProcStart, "", "t"),
		ev(3, "b", trace.KindProcStart, "", "t"),
		ev(2, "a", trace.KindLockAcquire, "one", true),
		ev(3, "b", trace.KindLockAcquire, "two", true),
		ev(1, "MainProcess", trace.KindProcJoin, "a", nil),
		ev(2, "a", trace.KindLockWait, "two", nil),
		ev(3, "b", trace.KindLockWait, "one", nil),
	}
	if st := foldOf(t, deadlock...); !st.Stuck() {
		t.Errorf("a and b each wait for the other's lock: want stuck")
	}
	handover := append(deadlock[:6:6],
		ev(3, "b", trace.KindLockRelease, "two", nil),
		ev(2, "a", trace.KindLockWait, "two", nil),
		ev(3, "b", trace.KindLockWait, "one", nil))
	st := foldOf(t, handover...)
	if st.Stuck() {
		t.Errorf("two is free and a waits for it: not stuck (%s)", st.WhoWaits())
	}
}

// A process waiting on a condition waits forever though the condition's
// own lock, of the same name, is free: it waits for a notify, not the lock.
func TestConditionWaiterWithoutNotifierIsStuck(t *testing.T) {
	st := foldOf(t,
		ev(1, "MainProcess", trace.KindProcStart, "", "x"),
		ev(2, "a", trace.KindProcStart, "", "t"),
		ev(2, "a", trace.KindLockAcquire, "cond", true),
		ev(2, "a", trace.KindCondWait, "cond", trace.CondWait{Lock: "cond", Timeout: json.RawMessage("null")}),
		ev(1, "MainProcess", trace.KindProcJoin, "a", nil),
	)
	if !st.Stuck() || st.WhoWaits() != "MainProcess waits for join a; a waits for cond" {
		t.Errorf("stuck %v (%s), want a waiting for cond forever", st.Stuck(), st.WhoWaits())
	}
}
