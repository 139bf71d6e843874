package pytrace

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// condSrc is the producer and consumers of a tutorial's Condition: the
// baker steams buns one at a time and notifies one customer each; the
// customers wait_for a bun (or wait in a loop); OWN_LOCK chooses between
// Condition() and Condition(lock).
const condSrc = `import time
from multiprocessing import Process, Condition, Lock, Value

def customer(cond, stock, arrived, name):
    with cond:
        arrived.value += 1
        if name == '顾客0':
            while stock.value == 0:
                cond.wait()
        else:
            cond.wait_for(lambda: stock.value > 0)
        stock.value -= 1
        print(f'{name} 买到了一个包子')

if __name__ == '__main__':
    lock = Lock()
    cond = Condition() if OWN_LOCK else Condition(lock)
    stock = Value('i', 0, lock=False)
    arrived = Value('i', 0, lock=False)
    ps = [Process(target=customer, args=(cond, stock, arrived, f'顾客{i}')) for i in range(3)]
    for p in ps:
        p.start()
    while arrived.value < 3:  # every customer waits before the first bun
        time.sleep(0.01)
    for i in range(3):
        with cond:
            stock.value += 1
            print('蒸好了一个包子')
            cond.notify()
        time.sleep(0.05)
    for p in ps:
        p.join()
    try:
        cond.notify_all()
    except AssertionError:
        print('没有拿锁就 notify: AssertionError')
`

// A Condition's wait, wait_for, notify and notify_all are told in their
// own kinds, at the program's lines, with the lock under its own name;
// the semaphores multiprocessing builds a Condition from are never told.
func TestConditionProducerConsumer(t *testing.T) {
	needPython(t)
	for _, m := range methodsFor(t) {
		for _, own := range []bool{true, false} {
			lockName, prefix := "lock", "OWN_LOCK = False\n"
			if own {
				lockName, prefix = "cond", "OWN_LOCK = True\n"
			}
			t.Run(m+"/"+lockName, func(t *testing.T) {
				tl := traced(t, prefix+condSrc, m, nil)
				if n := len(prints(tl, "买到了一个包子")); n != 3 {
					t.Errorf("%d customers got a bun, want 3\n%s", n, dump(tl))
				}
				if n := len(prints(tl, "AssertionError")); n != 1 {
					t.Errorf("notify_all without the lock: %d prints of its AssertionError, want 1", n)
				}
				notifies := kinds(tl, trace.KindCondNotify)
				if len(notifies) != 4 {
					t.Fatalf("%d cond.notify events, want 3 notify() and the refused notify_all()\n%s", len(notifies), dump(tl))
				}
				for i, r := range notifies {
					want := 30 // cond.notify() in the loop (the prefix line counted)
					if i == 3 {
						want = 35
						var v trace.CondNotify
						json.Unmarshal(r.Val, &v)
						if r.Err != "AssertionError" || !v.All {
							t.Errorf("the last notify: %s err %q, want notify_all refused with AssertionError", r.Val, r.Err)
						}
					} else if r.Err != "" {
						t.Errorf("notify %d raised %s", i, r.Err)
					}
					if r.Obj != "cond" || r.Line != want {
						t.Errorf("cond.notify on %q at line %d, want cond at line %d", r.Obj, r.Line, want)
					}
				}
				for _, r := range slices.Concat(kinds(tl, trace.KindCondWait), kinds(tl, trace.KindCondWake)) {
					var v trace.CondWait
					json.Unmarshal(r.Val, &v)
					if r.Obj != "cond" || v.Lock != lockName {
						t.Errorf("%s on %q releasing %q, want cond and its lock %s", r.Kind, r.Obj, v.Lock, lockName)
					}
					if r.Line != 10 && r.Line != 12 {
						t.Errorf("%s at line %d, want the customer's wait (10) or wait_for (12)", r.Kind, r.Line)
					}
				}
				for _, r := range tl {
					switch {
					case strings.HasPrefix(r.Kind, "sem."), strings.HasPrefix(r.Kind, "event."):
						t.Errorf("%s %s: the condition's inner semaphores are told", r.Kind, r.Obj)
					case strings.HasPrefix(r.Kind, "lock.") && r.Obj != lockName:
						t.Errorf("%s %s: want the condition's lock told as %s", r.Kind, r.Obj, lockName)
					}
				}
				if w, k := kinds(tl, trace.KindCondWait), kinds(tl, trace.KindCondWake); len(w) < 3 || len(k) != len(w) {
					t.Errorf("%d cond.wait and %d cond.wake events, want each customer waiting, and a wake per wait", len(w), len(k))
				}
				customers := 0
				for _, r := range kinds(tl, trace.KindLockAcquire) {
					if r.Proc != "MainProcess" {
						customers++
					}
				}
				if customers != 3 {
					t.Errorf("%d lock.acquire events of the customers, want 3 (one with cond: each)", customers)
				}
				st := sim.Fold(tl)
				if c := st.FindCond("cond"); c == nil || len(c.Waiters) != 0 || c.Lock != lockName {
					t.Errorf("cond at the end: %+v, want no waiter and lock %s", c, lockName)
				}
			})
		}
	}
}

const barrierSrc = `import time, threading
from multiprocessing import Process, Barrier

def runner(b, i):
    n = b.wait()
    print(f'选手{i} 出发')

def late(b):
    try:
        b.wait()
    except threading.BrokenBarrierError:
        print('屏障被打破了')

if __name__ == '__main__':
    start = Barrier(3)
    ps = [Process(target=runner, args=(start, i)) for i in range(3)]
    for p in ps:
        p.start()
    for p in ps:
        p.join()
    gate = Barrier(2)
    p = Process(target=late, args=(gate,))
    p.start()
    time.sleep(0.2)
    gate.abort()
    p.join()
    print('broken:', gate.broken)
`

// A Barrier's waits pass only once every party arrived, each told with
// the index wait() returned; abort() breaks it and the waiter raises.
func TestBarrierPassesWhenEveryPartyArrived(t *testing.T) {
	needPython(t)
	for _, m := range methodsFor(t) {
		t.Run(m, func(t *testing.T) {
			tl := traced(t, barrierSrc, m, nil)
			var passed []int
			for _, r := range kinds(tl, trace.KindBarrierPass) {
				var i int
				json.Unmarshal(r.Val, &i)
				passed = append(passed, i)
				if r.Obj != "start" || r.Line != 5 {
					t.Errorf("barrier.pass on %q at line %d, want start at line 5", r.Obj, r.Line)
				}
			}
			slices.Sort(passed)
			if !slices.Equal(passed, []int{0, 1, 2}) {
				t.Errorf("wait() returned %v, want 0, 1 and 2 once each\n%s", passed, dump(tl))
			}
			if n := len(kinds(tl, trace.KindBarrierWait)); n != 4 {
				t.Errorf("%d barrier.wait events, want 4 (3 runners, 1 late)", n)
			}
			if a := kinds(tl, trace.KindBarrierAbort); len(a) != 1 || a[0].Obj != "gate" || a[0].Proc != "MainProcess" {
				t.Errorf("abort events %v, want main's gate.abort()", a)
			}
			if b := kinds(tl, trace.KindBarrierBroken); len(b) != 1 || b[0].Obj != "gate" || b[0].Err != "BrokenBarrierError" {
				t.Errorf("broken events %v, want the late one's wait on gate raising BrokenBarrierError", b)
			}
			if len(prints(tl, "屏障被打破了")) != 1 || len(prints(tl, "broken: True")) != 1 {
				t.Errorf("the prints of the broken barrier are missing\n%s", dump(tl))
			}
			for _, r := range tl {
				if strings.HasPrefix(r.Kind, "lock.") || strings.HasPrefix(r.Kind, "sem.") || strings.HasPrefix(r.Kind, "cond.") {
					t.Errorf("%s %s: a barrier's inner condition is told", r.Kind, r.Obj)
				}
			}
			st := sim.Fold(tl)
			if g := st.FindBarrier("gate"); g == nil || !g.Broken || g.Parties != 2 {
				t.Errorf("gate at the end: %+v, want broken, 2 parties", g)
			}
			if s := st.FindBarrier("start"); s == nil || s.Broken || len(s.Waiters) != 0 || s.Parties != 3 {
				t.Errorf("start at the end: %+v, want whole, 3 parties, no one waiting", s)
			}
		})
	}
}

const imapSrc = `import time
from multiprocessing import Pool, Pipe, Process

def square(x):
    time.sleep(0.01 * (5 - x))
    return x * x

def late(conn):
    time.sleep(0.2)
    conn.send('到了')

if __name__ == '__main__':
    with Pool(2) as pool:
        for r in pool.imap(square, range(5)):
            print('imap', r)
        print(sorted(pool.imap_unordered(square, range(5), chunksize=2)))
        print(list(pool.imap(square, range(4), chunksize=3)))
    a, b = Pipe()
    p = Process(target=late, args=(b,))
    p.start()
    print('poll(0):', a.poll(0))
    print('poll(2):', a.poll(2))
    print(a.recv())
    p.join()
`

// Each item imap and imap_unordered hand out is told as it is handed
// out (a pool.get of that item, after its task was done), and a
// Connection's poll is told with what it returned.
func TestImapItemsAndPoll(t *testing.T) {
	needPython(t)
	for _, m := range methodsFor(t) {
		t.Run(m, func(t *testing.T) {
			tl := traced(t, imapSrc, m, nil)
			type got struct{ job, item, value int }
			var items []got
			jobs := map[string]int{}
			for _, r := range kinds(tl, trace.KindPoolGet) {
				var v trace.PoolGet
				json.Unmarshal(r.Val, &v)
				if v.Item == nil {
					t.Errorf("pool.get without its item: %s", r.Val)
					continue
				}
				var n int
				json.Unmarshal(v.Value, &n)
				if n != *v.Item**v.Item {
					t.Errorf("%s item %d → %d, want its square", v.How, *v.Item, n)
				}
				items = append(items, got{v.Job, *v.Item, n})
				jobs[v.How]++
			}
			if jobs["imap"] != 9 || jobs["imap_unordered"] != 5 {
				t.Errorf("items handed out: %v, want 9 by imap (5 and 4) and 5 by imap_unordered\n%s", jobs, dump(tl))
			}
			var first []int
			for _, g := range items {
				if g.job == items[0].job {
					first = append(first, g.item)
				}
			}
			if !slices.Equal(first, []int{0, 1, 2, 3, 4}) {
				t.Errorf("imap's items handed out in the order %v, want 0 to 4 in order", first)
			}
			for _, r := range kinds(tl, trace.KindPoolSubmit) {
				var v trace.PoolSubmit
				json.Unmarshal(r.Val, &v)
				if v.Job < 0 {
					t.Errorf("%s submitted as job %d", v.How, v.Job)
				}
			}
			polls := kinds(tl, trace.KindPipePoll)
			if len(polls) != 2 {
				t.Fatalf("%d pipe.poll events, want 2\n%s", len(polls), dump(tl))
			}
			for i, want := range []string{`{"timeout":0,"ready":false}`, `{"timeout":2,"ready":true}`} {
				if string(polls[i].Val) != want || polls[i].Obj != "a" {
					t.Errorf("poll %d: %s %s, want a %s", i, polls[i].Obj, polls[i].Val, want)
				}
			}
			if b := kinds(tl, trace.KindPipeBlock); len(b) != 1 || str(b[0].Val) != "poll" {
				t.Errorf("pipe.block events %v, want one of poll(2) waiting", b)
			}
		})
	}
}

const condHangSrc = `from multiprocessing import Process, Condition, Barrier

def waiter(cond):
    with cond:
        cond.wait()

def party(b):
    b.wait()

if __name__ == '__main__':
    cond = Condition()
    b = Barrier(3)
    ps = [Process(target=waiter, args=(cond,)), Process(target=party, args=(b,))]
    for p in ps:
        p.start()
    for p in ps:
        p.join()
`

// A condition nobody notifies and a barrier short of parties hang; the
// watchdog stops the run and says who waits on what.
func TestConditionAndBarrierHangStoppedByTheWatchdog(t *testing.T) {
	needPython(t)
	for _, m := range methodsFor(t) {
		t.Run(m, func(t *testing.T) {
			tl := traced(t, condHangSrc, m, nil)
			wd := kinds(tl, trace.KindWatchdog)
			if len(wd) != 1 {
				t.Fatalf("%d watchdog events, want 1\n%s", len(wd), dump(tl))
			}
			msg := str(wd[0].Val)
			for _, want := range []string{"Process-1 waits for cond", "Process-2 waits for b"} {
				if !strings.Contains(msg, want) {
					t.Errorf("watchdog says %q, want it to say %q", msg, want)
				}
			}
		})
	}
}
