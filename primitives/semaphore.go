package primitives

import (
	"math"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/proctour/proctour/trace"
)

// Semaphore is multiprocessing.Semaphore: a counter that acquire decrements,
// waiting while it is zero, and release increments. At most its initial
// value of processes are inside at once.
//
// Layout: word 0 the value, word 1 the number of waiters, word 2 the
// initial value, word 3 whether it is bounded.
type Semaphore struct {
	rt   *Runtime
	name string
	seg  *segment
}

// NewSemaphore creates Semaphore(value).
func (rt *Runtime) NewSemaphore(name string, value int) (*Semaphore, error) {
	return rt.newSemaphore(name, value, false)
}

// NewBoundedSemaphore creates BoundedSemaphore(value): releasing it above its
// initial value is Python's ValueError.
func (rt *Runtime) NewBoundedSemaphore(name string, value int) (*Semaphore, error) {
	return rt.newSemaphore(name, value, true)
}

func (rt *Runtime) newSemaphore(name string, value int, bounded bool) (*Semaphore, error) {
	// As CPython: value is a C int, and sem_open refuses a negative one
	// with EINVAL, for both kinds (threading.BoundedSemaphore's ValueError
	// is not multiprocessing's). Unchecked, the uint32 word took -1 as
	// 4294967295 and 2**32 as 0.
	if value < math.MinInt32 || value > math.MaxInt32 {
		return nil, pyErr("OverflowError", "Python int too large to convert to C int") // CPython says "large" for both ends
	}
	if value < 0 {
		return nil, osError(syscall.EINVAL)
	}
	seg, err := newSegment(name)
	if err != nil {
		return nil, err
	}
	rt.track(seg)
	s := &Semaphore{rt: rt, name: name, seg: seg}
	atomic.StoreUint32(s.value(), uint32(value))
	atomic.StoreUint32(seg.u32(8), uint32(value))
	if bounded {
		atomic.StoreUint32(seg.u32(12), 1)
	}
	return s, nil
}

func (s *Semaphore) value() *uint32   { return s.seg.u32(0) }
func (s *Semaphore) waiters() *uint32 { return s.seg.u32(4) }
func (s *Semaphore) initial() int     { return int(atomic.LoadUint32(s.seg.u32(8))) }
func (s *Semaphore) bounded() bool    { return atomic.LoadUint32(s.seg.u32(12)) == 1 }

// Name is the semaphore's name in events.
func (s *Semaphore) Name() string { return s.name }

// Value is get_value(): a snapshot that may be stale as soon as it is read.
func (s *Semaphore) Value() int { return int(atomic.LoadUint32(s.value())) }

// Acquire waits for a free slot and takes it.
func (s *Semaphore) Acquire() { s.AcquireTimeout(-1) }

// TryAcquire is acquire(block=False).
func (s *Semaphore) TryAcquire() bool { return s.AcquireTimeout(0) }

// AcquireTimeout is acquire(timeout=seconds); negative seconds wait for ever.
func (s *Semaphore) AcquireTimeout(seconds float64) bool {
	s.rt.await(trace.KindSemAcquire, s.name, IntentVal{Timeout: seconds >= 0, Initial: s.initial()})
	return s.acquire(seconds)
}

func (s *Semaphore) take() (uint32, bool) {
	v := s.value()
	for {
		n := atomic.LoadUint32(v)
		if n == 0 {
			return 0, false
		}
		if atomic.CompareAndSwapUint32(v, n, n-1) {
			return n - 1, true
		}
	}
}

func (s *Semaphore) acquire(seconds float64) bool {
	if n, ok := s.take(); ok {
		s.emit(trace.KindSemAcquire, n)
		return true
	}
	if seconds == 0 {
		s.rt.Emit(trace.KindSemAcquire, s.name, false)
		return false
	}
	if s.rt.trace != nil {
		s.rt.Emit(trace.KindSemWait, s.name, trace.SemValue{Initial: s.initial(), Timeout: timeoutVal(seconds)})
	}
	d := s.rt.realTimeout(seconds)
	deadline := time.Now().Add(d)
	atomic.AddUint32(s.waiters(), 1)
	defer atomic.AddUint32(s.waiters(), ^uint32(0))
	for {
		if n, ok := s.take(); ok {
			s.emit(trace.KindSemAcquire, n)
			return true
		}
		left := time.Duration(-1)
		if d >= 0 {
			if left = time.Until(deadline); left <= 0 {
				s.rt.Emit(trace.KindSemAcquire, s.name, false)
				return false
			}
		}
		s.rt.waitWord(s.value(), 0, left)
	}
}

func (s *Semaphore) emit(kind string, value uint32) {
	if s.rt.trace != nil {
		s.rt.Emit(kind, s.name, trace.SemValue{Value: int(value), Initial: s.initial()})
	}
}

// Release frees a slot and wakes one waiter.
func (s *Semaphore) Release() error {
	s.rt.awaitOp(trace.KindSemRelease, s.name)
	v := s.value()
	n := atomic.LoadUint32(v)
	if s.bounded() && int(n) >= s.initial() {
		err := errReleasedTooMany()
		s.rt.emitErr(trace.KindSemRelease, s.name, nil, err.Type)
		return err
	}
	// Report first: the release must be in the trace before anyone can
	// take the slot it frees.
	s.emit(trace.KindSemRelease, n+1)
	atomic.AddUint32(v, 1)
	if atomic.LoadUint32(s.waiters()) > 0 {
		futexWakeOn(v, 1)
	}
	return nil
}

// MarshalJSON passes the semaphore to a child being started.
func (s *Semaphore) MarshalJSON() ([]byte, error) {
	return marshalHandle("semaphore", s.name, s.seg.f, 0)
}

// UnmarshalJSON maps, in a child, a semaphore its parent passed.
func (s *Semaphore) UnmarshalJSON(b []byte) error {
	h, seg, err := unmarshalHandle(b, "semaphore")
	if err != nil {
		return err
	}
	*s = Semaphore{rt: self, name: h.Name, seg: seg}
	return nil
}
