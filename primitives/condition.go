package primitives

import (
	"encoding/json"
	"sync/atomic"
	"time"

	"github.com/proctour/proctour/trace"
)

// Condition is multiprocessing.Condition: a lock, and a place where holders
// of the lock wait for a notify. wait() releases the lock (every level of an
// RLock), sleeps until notified or timed out, and takes the lock back;
// notify(n) wakes up to n waiters, the ones that have waited longest first.
// Waiting or notifying without holding the lock raises AssertionError, as in
// multiprocessing ("must acquire() condition before using wait()", "lock is
// not owned"; threading's RuntimeError is not multiprocessing's).
//
// Its lock is told by the lock kinds under the lock's own name: the one it
// was given, or the condition's when it made its own RLock.
//
// Layout: word 0 a futexMutex guarding the rest, word 1 the wake-up word
// that waiters sleep on, word 2 the next waiter's ticket, then condSlots
// waiters, three words each: pid, ticket, state (condFree, condWaiting,
// condNotified).
type Condition struct {
	rt   *Runtime
	name string
	seg  *segment
	lock *Lock  // the lock, when it is a Lock
	rl   *RLock // or an RLock (the condition's own, or one given)
	own  bool   // it made its own RLock
}

const (
	condFree = iota
	condWaiting
	condNotified

	condHeader = 12
	condSlot   = 12
	condSlots  = (segmentSize - condHeader) / condSlot
)

// NewCondition creates Condition(lock): lock is a *Lock or an *RLock, or
// nil for a condition with an RLock of its own, told under the condition's
// name.
func (rt *Runtime) NewCondition(name string, lock any) (*Condition, error) {
	c := &Condition{rt: rt, name: name}
	switch l := lock.(type) {
	case *Lock:
		c.lock = l
	case *RLock:
		c.rl = l
	case nil:
		r, err := rt.NewRLock(name)
		if err != nil {
			return nil, err
		}
		c.rl, c.own = r, true
	default:
		return nil, pyErr("TypeError", "Condition() needs a Lock or an RLock")
	}
	seg, err := newSegment(name)
	if err != nil {
		return nil, err
	}
	rt.track(seg)
	c.seg = seg
	return c, nil
}

// Name is the condition's name in events.
func (c *Condition) Name() string { return c.name }

// LockName is the name its lock is told by.
func (c *Condition) LockName() string {
	if c.lock != nil {
		return c.lock.name
	}
	return c.rl.name
}

func (c *Condition) mutex() *futexMutex { return mutexAt(c.seg.u32(0)) }
func (c *Condition) wake() *uint32      { return c.seg.u32(4) }
func (c *Condition) slot(i int) (pid *int32, ticket, state *uint32) {
	off := condHeader + i*condSlot
	return c.seg.i32(off), c.seg.u32(off + 4), c.seg.u32(off + 8)
}

// Acquire takes the condition's lock.
func (c *Condition) Acquire() { c.AcquireTimeout(-1) }

// AcquireTimeout is acquire(timeout=seconds) on the condition's lock.
func (c *Condition) AcquireTimeout(seconds float64) bool {
	if c.lock != nil {
		return c.lock.AcquireTimeout(seconds)
	}
	return c.rl.AcquireTimeout(seconds)
}

// Release releases the condition's lock.
func (c *Condition) Release() error {
	if c.lock != nil {
		return c.lock.Release()
	}
	return c.rl.Release()
}

// With runs fn holding the condition's lock: `with cond:`.
func (c *Condition) With(fn func() error) error {
	c.Acquire()
	err := fn()
	if rerr := c.Release(); err == nil {
		err = rerr
	}
	return err
}

// mine reports whether this process holds the lock, and how many times.
func (c *Condition) mine() (bool, int) {
	if c.lock != nil {
		l := c.lock
		return l.mutex().held() && int(atomic.LoadInt32(l.seg.i32(4))) == c.rt.pid, 1
	}
	if !c.rl.mine() {
		return false, 0
	}
	return true, int(atomic.LoadUint32(c.rl.count()))
}

func (c *Condition) base() *Lock {
	if c.lock != nil {
		return c.lock
	}
	return &c.rl.Lock
}

// letGo releases the lock, every level, without a word: wait()'s own
// release, which the trace tells as part of cond.wait.
func (c *Condition) letGo() {
	l := c.base()
	if c.rl != nil {
		atomic.StoreUint32(c.rl.count(), 0)
	}
	atomic.StoreInt32(l.seg.i32(4), 0)
	l.mutex().unlock()
}

// takeBack takes the lock again, depth levels, without a word: the
// caller tells it as cond.wake, before the holder is published.
func (c *Condition) takeBack(depth int, tell func()) {
	l := c.base()
	l.mutex().lock(c.rt, -1)
	tell()
	if c.rl != nil {
		atomic.StoreUint32(c.rl.count(), uint32(depth))
	}
	atomic.StoreInt32(l.seg.i32(4), int32(c.rt.pid))
}

// Wait is wait(): it returns once notified, holding the lock again.
func (c *Condition) Wait() error {
	_, err := c.WaitTimeout(-1)
	return err
}

// WaitTimeout is wait(timeout=seconds): false when the time ran out before
// a notify. Either way it returns holding the lock again.
func (c *Condition) WaitTimeout(seconds float64) (bool, error) {
	return c.wait(seconds, "")
}

// WaitFor is wait_for(predicate, timeout=seconds): it waits until predicate
// holds, checking it first and after every wake-up, and returns its last
// value (false when the time ran out first). Negative seconds: no limit.
func (c *Condition) WaitFor(predicate func() bool, seconds float64) (bool, error) {
	if predicate() {
		return true, nil
	}
	var end time.Time
	if seconds >= 0 {
		end = time.Now().Add(c.rt.Real(seconds))
	}
	for {
		left := -1.0
		if seconds >= 0 {
			d := time.Until(end)
			if d <= 0 {
				return false, nil
			}
			left = seconds * float64(d) / float64(c.rt.Real(seconds))
		}
		if _, err := c.wait(left, "wait_for"); err != nil {
			return false, err
		}
		if predicate() {
			return true, nil
		}
	}
}

func (c *Condition) wait(seconds float64, how string) (bool, error) {
	c.rt.await(trace.KindCondWait, c.name, IntentVal{Timeout: seconds >= 0})
	mine, depth := c.mine()
	w := trace.CondWait{Lock: c.LockName(), Timeout: timeoutVal(seconds), How: how}
	if depth > 1 {
		w.Depth = depth
	}
	if !mine {
		err := pyErr("AssertionError", "must acquire() condition before using wait()")
		c.rt.emitErr(trace.KindCondWait, c.name, w, err.Type)
		return false, err
	}
	i, err := c.enqueue()
	if err != nil {
		return false, err
	}
	// Told before the lock is let go: a notify, which needs the lock,
	// comes after it in the trace.
	c.rt.Emit(trace.KindCondWait, c.name, w)
	c.letGo()
	c.rt.await(trace.KindCondWake, c.name, IntentVal{Timeout: seconds >= 0})
	notified := c.sleep(i, c.rt.realTimeout(seconds))
	wk := trace.CondWake{Lock: c.LockName(), Notified: notified, How: how}
	if depth > 1 {
		wk.Depth = depth
	}
	c.takeBack(depth, func() { c.rt.Emit(trace.KindCondWake, c.name, wk) })
	return notified, nil
}

// enqueue takes a waiter's slot and the next ticket.
func (c *Condition) enqueue() (int, error) {
	mu := c.mutex()
	mu.lock(c.rt, -1)
	defer mu.unlock()
	for i := range condSlots {
		pid, ticket, state := c.slot(i)
		if atomic.LoadUint32(state) == condFree {
			t := atomic.AddUint32(c.seg.u32(8), 1)
			atomic.StoreInt32(pid, int32(c.rt.pid))
			atomic.StoreUint32(ticket, t)
			atomic.StoreUint32(state, condWaiting)
			return i, nil
		}
	}
	return 0, pyErr("OSError", "Condition %s: more than %d waiters", c.name, condSlots)
}

// sleep waits in slot i until a notify marks it or d runs out (d < 0: no
// limit), and frees the slot. It reports whether it was notified.
func (c *Condition) sleep(i int, d time.Duration) bool {
	_, _, state := c.slot(i)
	deadline := time.Now().Add(d)
	mu := c.mutex()
	for {
		seq := atomic.LoadUint32(c.wake())
		if atomic.LoadUint32(state) == condNotified {
			break
		}
		left := time.Duration(-1)
		if d >= 0 {
			if left = time.Until(deadline); left <= 0 {
				break
			}
		}
		c.rt.waitWord(c.wake(), seq, left)
	}
	mu.lock(c.rt, -1)
	notified := atomic.LoadUint32(state) == condNotified
	atomic.StoreUint32(state, condFree)
	mu.unlock()
	return notified
}

// Notify is notify(n): it wakes the n processes that have waited longest
// (fewer if fewer wait).
func (c *Condition) Notify(n int) error { return c.notify(n, false) }

// NotifyAll is notify_all(): it wakes every waiting process.
func (c *Condition) NotifyAll() error { return c.notify(condSlots, true) }

func (c *Condition) notify(n int, all bool) error {
	v := trace.CondNotify{N: n, All: all}
	method := "notify"
	if all {
		v.N, method = 0, "notify_all"
	}
	c.rt.await(trace.KindCondNotify, c.name, IntentVal{Method: method})
	if mine, _ := c.mine(); !mine {
		err := pyErr("AssertionError", "lock is not owned")
		c.rt.emitErr(trace.KindCondNotify, c.name, v, err.Type)
		return err
	}
	mu := c.mutex()
	mu.lock(c.rt, -1)
	// the waiting, oldest first
	type waiter struct {
		i      int
		ticket uint32
	}
	var ws []waiter
	for i := range condSlots {
		_, ticket, state := c.slot(i)
		if atomic.LoadUint32(state) == condWaiting {
			ws = append(ws, waiter{i, atomic.LoadUint32(ticket)})
		}
	}
	for a := 1; a < len(ws); a++ { // few waiters: insertion sort
		for b := a; b > 0 && ws[b].ticket < ws[b-1].ticket; b-- {
			ws[b], ws[b-1] = ws[b-1], ws[b]
		}
	}
	v.Woken = min(max(n, 0), len(ws))
	c.rt.Emit(trace.KindCondNotify, c.name, v) // told first: the wake-ups follow it
	for _, w := range ws[:v.Woken] {
		_, _, state := c.slot(w.i)
		atomic.StoreUint32(state, condNotified)
	}
	if v.Woken > 0 {
		atomic.AddUint32(c.wake(), 1)
	}
	mu.unlock()
	if v.Woken > 0 {
		futexWakeOn(c.wake(), 1<<30)
	}
	return nil
}

// Waiting is how many processes wait to be notified: a snapshot.
func (c *Condition) Waiting() int {
	n := 0
	for i := range condSlots {
		if _, _, state := c.slot(i); atomic.LoadUint32(state) == condWaiting {
			n++
		}
	}
	return n
}

// conditionJSON is a condition as it travels to a child: its own segment
// and its lock's.
type conditionJSON struct {
	Cond  json.RawMessage `json:"cond"`
	Lock  json.RawMessage `json:"lock"`
	RLock bool            `json:"rlock,omitempty"`
	Own   bool            `json:"own,omitempty"`
}

// MarshalJSON passes the condition, and its lock, to a child being started.
func (c *Condition) MarshalJSON() ([]byte, error) {
	h, err := marshalHandle("condition", c.name, c.seg.f, 0)
	if err != nil {
		return nil, err
	}
	j := conditionJSON{Cond: h, RLock: c.rl != nil, Own: c.own}
	if c.lock != nil {
		j.Lock, err = c.lock.MarshalJSON()
	} else {
		j.Lock, err = c.rl.MarshalJSON()
	}
	if err != nil {
		return nil, err
	}
	return json.Marshal(j)
}

// UnmarshalJSON maps, in a child, a condition its parent passed.
func (c *Condition) UnmarshalJSON(b []byte) error {
	var j conditionJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	h, seg, err := unmarshalHandle(j.Cond, "condition")
	if err != nil {
		return err
	}
	*c = Condition{rt: self, name: h.Name, seg: seg, own: j.Own}
	if j.RLock {
		c.rl = new(RLock)
		return c.rl.UnmarshalJSON(j.Lock)
	}
	c.lock = new(Lock)
	return c.lock.UnmarshalJSON(j.Lock)
}
