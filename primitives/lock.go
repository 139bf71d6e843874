package primitives

import (
	"encoding/json"
	"sync/atomic"

	"github.com/proctour/proctour/trace"
)

// Lock is multiprocessing.Lock: a non-recursive lock shared by processes.
// Any process may release it, and a process that dies holding it leaves it
// held — exactly as in Python, where nobody else will ever get it.
//
// Layout: word 0 a futexMutex, word 1 the holder's pid (for reports only).
type Lock struct {
	rt   *Runtime
	name string
	seg  *segment
}

// NewLock creates a lock named name (the name labels its events).
func (rt *Runtime) NewLock(name string) (*Lock, error) {
	seg, err := newSegment(name)
	if err != nil {
		return nil, err
	}
	rt.track(seg)
	return &Lock{rt: rt, name: name, seg: seg}, nil
}

// Name is the lock's name in events.
func (l *Lock) Name() string { return l.name }

// Acquire blocks until the lock is this process's.
func (l *Lock) Acquire() { l.AcquireTimeout(-1) }

// TryAcquire is acquire(block=False).
func (l *Lock) TryAcquire() bool { return l.AcquireTimeout(0) }

// AcquireTimeout is acquire(timeout=seconds), in listing seconds; negative
// seconds wait for ever.
func (l *Lock) AcquireTimeout(seconds float64) bool {
	l.rt.await(trace.KindLockAcquire, l.name, IntentVal{Timeout: seconds >= 0})
	return l.acquire(seconds)
}

func (l *Lock) mutex() *futexMutex { return mutexAt(l.seg.u32(0)) }

func (l *Lock) acquire(seconds float64) bool {
	mu := l.mutex()
	if mu.tryLock() {
		l.got()
		return true
	}
	if seconds == 0 {
		l.rt.Emit(trace.KindLockAcquire, l.name, false)
		return false
	}
	l.rt.Emit(trace.KindLockWait, l.name, timeoutVal(seconds))
	if !mu.lockSlow(l.rt, l.rt.realTimeout(seconds)) {
		l.rt.Emit(trace.KindLockAcquire, l.name, false)
		return false
	}
	l.got()
	return true
}

// got records the new holder. The event is written before the holder's pid
// is published, so whoever sees the pid (Holder) knows the trace has the
// acquisition even if the holder is killed the next instant.
func (l *Lock) got() {
	if l.rt.trace != nil {
		l.rt.Emit(trace.KindLockAcquire, l.name, true)
	}
	atomic.StoreInt32(l.seg.i32(4), int32(l.rt.pid))
}

// Release frees the lock; releasing a free lock is Python's ValueError.
func (l *Lock) Release() error {
	l.rt.awaitOp(trace.KindLockRelease, l.name)
	return l.release()
}

func (l *Lock) release() error {
	mu := l.mutex()
	if !mu.held() {
		err := errReleasedTooMany()
		l.rt.emitErr(trace.KindLockRelease, l.name, nil, err.Type)
		return err
	}
	if l.rt.trace != nil {
		l.rt.Emit(trace.KindLockRelease, l.name, nil)
	}
	atomic.StoreInt32(l.seg.i32(4), 0)
	mu.unlock()
	return nil
}

// Holder is the pid of the process that last acquired the lock while it is
// held, 0 when it is free.
func (l *Lock) Holder() int {
	if !l.mutex().held() {
		return 0
	}
	return int(atomic.LoadInt32(l.seg.i32(4)))
}

// MarshalJSON passes the lock to a child being started.
func (l *Lock) MarshalJSON() ([]byte, error) { return marshalHandle("lock", l.name, l.seg.f, 0) }

// UnmarshalJSON maps, in a child, a lock its parent passed.
func (l *Lock) UnmarshalJSON(b []byte) error {
	h, seg, err := unmarshalHandle(b, "lock")
	if err != nil {
		return err
	}
	*l = Lock{rt: self, name: h.Name, seg: seg}
	return nil
}

// RLock is multiprocessing.RLock: the holder may acquire it again, and must
// release it as many times; only the holder may release it.
//
// Layout: a Lock's two words, then the recursion count.
type RLock struct{ Lock }

// NewRLock creates a recursive lock.
func (rt *Runtime) NewRLock(name string) (*RLock, error) {
	l, err := rt.NewLock(name)
	if err != nil {
		return nil, err
	}
	return &RLock{*l}, nil
}

func (r *RLock) count() *uint32 { return r.seg.u32(8) }

func (r *RLock) mine() bool {
	return r.mutex().held() && int(atomic.LoadInt32(r.seg.i32(4))) == r.rt.pid
}

// Acquire blocks until the lock is this process's, or counts one more level
// if it already is.
func (r *RLock) Acquire() { r.AcquireTimeout(-1) }

// TryAcquire is acquire(block=False).
func (r *RLock) TryAcquire() bool { return r.AcquireTimeout(0) }

// AcquireTimeout is acquire(timeout=seconds).
func (r *RLock) AcquireTimeout(seconds float64) bool {
	r.rt.await(trace.KindLockAcquire, r.name, IntentVal{Timeout: seconds >= 0, Reentrant: true})
	if r.mine() {
		n := atomic.AddUint32(r.count(), 1)
		r.rt.Emit(trace.KindLockAcquire, r.name, n)
		return true
	}
	if !r.Lock.acquire(seconds) {
		return false
	}
	atomic.StoreUint32(r.count(), 1)
	return true
}

// Release drops one level; the lock is free when the count reaches zero.
func (r *RLock) Release() error {
	r.rt.awaitOp(trace.KindLockRelease, r.name)
	if !r.mine() {
		err := errRLockNotOwned()
		r.rt.emitErr(trace.KindLockRelease, r.name, nil, err.Type)
		return err
	}
	if n := atomic.AddUint32(r.count(), ^uint32(0)); n > 0 {
		r.rt.Emit(trace.KindLockRelease, r.name, n)
		return nil
	}
	return r.Lock.release()
}

// MarshalJSON passes the lock to a child being started.
func (r *RLock) MarshalJSON() ([]byte, error) { return marshalHandle("rlock", r.name, r.seg.f, 0) }

// UnmarshalJSON maps, in a child, a lock its parent passed.
func (r *RLock) UnmarshalJSON(b []byte) error {
	h, seg, err := unmarshalHandle(b, "rlock")
	if err != nil {
		return err
	}
	*r = RLock{Lock{rt: self, name: h.Name, seg: seg}}
	return nil
}

var _ json.Marshaler = (*Lock)(nil)
