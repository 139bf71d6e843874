package primitives

import (
	"encoding/json"
	"errors"
	"math"
	"sync/atomic"
	"time"

	"github.com/proctour/proctour/trace"
)

// Barrier is multiprocessing.Barrier (threading.Barrier's algorithm over
// shared memory): wait() blocks until parties processes have called it,
// then all return at once, each with its arrival index (0 to parties-1).
// The last to arrive runs the action first, if there is one. A wait that
// times out, an action that fails or abort() breaks the barrier: its
// waiters, and whoever waits later, raise BrokenBarrierError until reset().
//
// Layout: word 0 a futexMutex guarding the rest, word 1 the wake-up word
// waiters sleep on, word 2 the state (0 filling, 1 draining, -1 resetting,
// -2 broken, as threading's _state), word 3 the count of processes inside
// wait(), word 4 the parties, word 5 whether there is a default timeout,
// words 6-7 that timeout (float64 bits, listing seconds).
type Barrier struct {
	rt     *Runtime
	name   string
	seg    *segment
	action string // a registered target's name, run by the last to arrive
}

// The states of a barrier.
const (
	barrierFilling   = 0
	barrierDraining  = 1
	barrierResetting = -1
	barrierBroken    = -2
)

// BrokenBarrierError is what wait() raises on a broken barrier.
func errBrokenBarrier() *Error { return pyErr("BrokenBarrierError", "") }

// IsBrokenBarrier reports whether err is a BrokenBarrierError.
func IsBrokenBarrier(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Type == "BrokenBarrierError"
}

// Named is anything with a name: a registered Target, as a barrier's
// action.
type Named interface{ Name() string }

// NewBarrier creates Barrier(parties, action, timeout): action (nil: none)
// is a target registered with Register, run with no arguments by the last
// process to arrive; timeout (listing seconds, negative: none) is the
// default of every wait().
func (rt *Runtime) NewBarrier(name string, parties int, action Named, timeout float64) (*Barrier, error) {
	// As CPython 3.11, parties is not checked: Barrier(0) is made, and
	// its waiters wait for ever.
	if parties < math.MinInt32 || parties > math.MaxInt32 {
		return nil, pyErr("OverflowError", "Python int too large to convert to C int")
	}
	seg, err := newSegment(name)
	if err != nil {
		return nil, err
	}
	rt.track(seg)
	b := &Barrier{rt: rt, name: name, seg: seg}
	if action != nil {
		b.action = action.Name()
	}
	atomic.StoreInt32(seg.i32(16), int32(parties))
	if timeout >= 0 {
		atomic.StoreUint32(seg.u32(20), 1)
		atomic.StoreUint64(seg.u64(24), math.Float64bits(timeout))
	}
	return b, nil
}

func (b *Barrier) mutex() *futexMutex { return mutexAt(b.seg.u32(0)) }
func (b *Barrier) wake() *uint32      { return b.seg.u32(4) }
func (b *Barrier) state() *int32      { return b.seg.i32(8) }
func (b *Barrier) count() *int32      { return b.seg.i32(12) }

// Name is the barrier's name in events.
func (b *Barrier) Name() string { return b.name }

// Parties is the number of processes that must arrive.
func (b *Barrier) Parties() int { return int(atomic.LoadInt32(b.seg.i32(16))) }

// Broken reports whether the barrier is broken.
func (b *Barrier) Broken() bool { return atomic.LoadInt32(b.state()) == barrierBroken }

// NWaiting is n_waiting: how many wait for the current round, a snapshot.
func (b *Barrier) NWaiting() int {
	if atomic.LoadInt32(b.state()) == barrierFilling {
		return int(atomic.LoadInt32(b.count()))
	}
	return 0
}

func (b *Barrier) defaultTimeout() float64 {
	if atomic.LoadUint32(b.seg.u32(20)) == 0 {
		return -1
	}
	return math.Float64frombits(atomic.LoadUint64(b.seg.u64(24)))
}

// Wait is wait(): it returns this process's arrival index once every party
// has arrived, or BrokenBarrierError.
func (b *Barrier) Wait() (int, error) { return b.WaitTimeout(-1) }

// WaitTimeout is wait(timeout=seconds); negative seconds: the barrier's
// own timeout, or none.
func (b *Barrier) WaitTimeout(seconds float64) (int, error) {
	given := seconds
	if seconds < 0 {
		seconds = b.defaultTimeout()
	}
	b.rt.await(trace.KindBarrierWait, b.name, IntentVal{Timeout: seconds >= 0})
	// Told before it counts: every arrival of a round is in the trace
	// before the last one lets anyone pass.
	b.rt.Emit(trace.KindBarrierWait, b.name, trace.BarrierWait{Parties: b.Parties(), Timeout: timeoutVal(given)})
	i, err := b.wait(seconds)
	if err != nil {
		b.rt.emitErr(trace.KindBarrierBroken, b.name, nil, errType(err))
		return 0, err
	}
	b.rt.Emit(trace.KindBarrierPass, b.name, i)
	return i, nil
}

func errType(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Type
	}
	return "Exception"
}

// sleep waits, the mutex held, for the wake-up word to move (at most d,
// d < 0: no limit), and takes the mutex again.
func (b *Barrier) sleep(d time.Duration, held *bool) {
	seq := atomic.LoadUint32(b.wake())
	b.mutex().unlock()
	*held = false // a stopped main script unwinds from here
	b.rt.waitWord(b.wake(), seq, d)
	b.mutex().lock(b.rt, -1)
	*held = true
}

// notifyAll wakes every sleeper; the mutex is held.
func (b *Barrier) notifyAll() {
	atomic.AddUint32(b.wake(), 1)
	futexWakeOn(b.wake(), 1<<30)
}

func (b *Barrier) wait(seconds float64) (index int, err error) {
	mu := b.mutex()
	mu.lock(b.rt, -1)
	held, inside := true, false
	defer func() {
		if !held { // stopped at the gate: nothing to undo that is safe
			return
		}
		if inside {
			b.exit()
		}
		mu.unlock()
	}()
	// Wait while the last round drains or a reset completes.
	for s := atomic.LoadInt32(b.state()); s == barrierDraining || s == barrierResetting; s = atomic.LoadInt32(b.state()) {
		b.sleep(-1, &held)
	}
	if atomic.LoadInt32(b.state()) < 0 {
		return 0, errBrokenBarrier()
	}
	index = int(atomic.AddInt32(b.count(), 1) - 1)
	inside = true
	if index+1 == b.Parties() {
		if err := b.runAction(); err != nil {
			b.breakIt()
			return 0, err
		}
		atomic.StoreInt32(b.state(), barrierDraining)
		b.notifyAll()
		return index, nil
	}
	// Held at the gate until the round is complete (step and seeded
	// modes), without the mutex.
	mu.unlock()
	held = false
	b.rt.await(trace.KindBarrierPass, b.name, IntentVal{Timeout: seconds >= 0})
	mu.lock(b.rt, -1)
	held = true
	d := b.rt.realTimeout(seconds)
	deadline := time.Now().Add(d)
	for atomic.LoadInt32(b.state()) == barrierFilling {
		left := time.Duration(-1)
		if d >= 0 {
			if left = time.Until(deadline); left <= 0 {
				b.breakIt() // timed out: the barrier is broken for everyone
				return 0, errBrokenBarrier()
			}
		}
		b.sleep(left, &held)
	}
	if atomic.LoadInt32(b.state()) < 0 {
		return 0, errBrokenBarrier()
	}
	return index, nil
}

// runAction runs the barrier's action in this process, the mutex held (as
// threading does, under the condition's lock).
func (b *Barrier) runAction() (err error) {
	if b.action == "" {
		return nil
	}
	registryMu.RLock()
	fn := registry[b.action]
	registryMu.RUnlock()
	if fn == nil {
		return pyErr("AttributeError", "no action %s", b.action)
	}
	defer func() {
		if r := recover(); r != nil {
			if r == ErrStopped {
				panic(r)
			}
			err = pyErr("Exception", "%v", r)
		}
	}()
	return fn(b.rt, nil)
}

// exit leaves wait(): the last one out of a draining or resetting barrier
// opens it for the next round. The mutex is held.
func (b *Barrier) exit() {
	if atomic.AddInt32(b.count(), -1) == 0 {
		if s := atomic.LoadInt32(b.state()); s == barrierDraining || s == barrierResetting {
			atomic.StoreInt32(b.state(), barrierFilling)
			b.notifyAll()
		}
	}
}

// breakIt breaks the barrier and wakes its waiters. The mutex is held.
func (b *Barrier) breakIt() {
	atomic.StoreInt32(b.state(), barrierBroken)
	b.notifyAll()
}

// Abort is abort(): the barrier is broken, and its waiters, and whoever
// waits later, raise BrokenBarrierError.
func (b *Barrier) Abort() {
	b.rt.awaitOp(trace.KindBarrierAbort, b.name)
	b.rt.Emit(trace.KindBarrierAbort, b.name, nil)
	mu := b.mutex()
	mu.lock(b.rt, -1)
	b.breakIt()
	mu.unlock()
}

// Reset is reset(): the barrier is whole and empty again; those waiting
// raise BrokenBarrierError.
func (b *Barrier) Reset() {
	b.rt.awaitOp(trace.KindBarrierReset, b.name)
	b.rt.Emit(trace.KindBarrierReset, b.name, nil)
	mu := b.mutex()
	mu.lock(b.rt, -1)
	if atomic.LoadInt32(b.count()) > 0 {
		if s := atomic.LoadInt32(b.state()); s == barrierFilling || s == barrierBroken {
			atomic.StoreInt32(b.state(), barrierResetting)
		}
	} else {
		atomic.StoreInt32(b.state(), barrierFilling)
	}
	b.notifyAll()
	mu.unlock()
}

// barrierJSON is a barrier as it travels to a child.
type barrierJSON struct {
	Seg    json.RawMessage `json:"seg"`
	Action string          `json:"action,omitempty"`
}

// MarshalJSON passes the barrier to a child being started.
func (b *Barrier) MarshalJSON() ([]byte, error) {
	h, err := marshalHandle("barrier", b.name, b.seg.f, 0)
	if err != nil {
		return nil, err
	}
	return json.Marshal(barrierJSON{Seg: h, Action: b.action})
}

// UnmarshalJSON maps, in a child, a barrier its parent passed.
func (b *Barrier) UnmarshalJSON(data []byte) error {
	var j barrierJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	h, seg, err := unmarshalHandle(j.Seg, "barrier")
	if err != nil {
		return err
	}
	*b = Barrier{rt: self, name: h.Name, seg: seg, action: j.Action}
	return nil
}
