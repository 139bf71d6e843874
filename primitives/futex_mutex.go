package primitives

import (
	"sync/atomic"
	"time"
)

// A futex mutex's states (Drepper's "Futexes Are Tricky", mutex 2).
const (
	unlocked  = 0
	locked    = 1
	contended = 2 // locked, and someone may be waiting
)

// futexMutex is a mutex in one word of shared memory, for processes: Lock's
// word and a queue's reader, writer and task locks. It knows no owner and
// reports nothing; whoever uses it keeps a holder and writes events. A
// process that dies holding it leaves it held.
type futexMutex uint32

// mutexAt is the mutex whose word is at w.
func mutexAt(w *uint32) *futexMutex { return (*futexMutex)(w) }

func (m *futexMutex) word() *uint32 { return (*uint32)(m) }

// tryLock takes the mutex if it is free.
func (m *futexMutex) tryLock() bool {
	return atomic.CompareAndSwapUint32(m.word(), unlocked, locked)
}

// held reports whether someone holds the mutex. A snapshot.
func (m *futexMutex) held() bool { return atomic.LoadUint32(m.word()) != unlocked }

// lock takes the mutex, waiting at most d (d < 0: no limit); a stopped
// session interrupts the wait in a main script (rt.waitWord).
func (m *futexMutex) lock(rt *Runtime, d time.Duration) bool {
	return m.tryLock() || m.lockSlow(rt, d)
}

// lockSlow is lock after tryLock failed: it marks the mutex contended and
// sleeps on its word until it finds it free.
func (m *futexMutex) lockSlow(rt *Runtime, d time.Duration) bool {
	w := m.word()
	deadline := time.Now().Add(d)
	for atomic.SwapUint32(w, contended) != unlocked {
		left := time.Duration(-1)
		if d >= 0 {
			if left = time.Until(deadline); left <= 0 {
				return false
			}
		}
		rt.waitWord(w, contended, left)
	}
	return true
}

// lockQuiet is lock without limit for a goroutine that must not panic (a
// queue's feeder): it gives up, false, when stop is closed.
func (m *futexMutex) lockQuiet(stop <-chan struct{}) bool {
	if m.tryLock() {
		return true
	}
	w := m.word()
	for atomic.SwapUint32(w, contended) != unlocked {
		if queueStopped(stop) {
			return false
		}
		futexWaitOn(w, contended, queueStopCheck)
	}
	return true
}

// unlock frees the mutex and wakes one waiter if there may be one.
func (m *futexMutex) unlock() {
	if atomic.SwapUint32((*uint32)(m), unlocked) == contended {
		m.wakeOne()
	}
}

// wakeOne is unlock's slow path, kept out of line so that unlock is inlined
// where Lock.release used to do the same inline.
//
//go:noinline
func (m *futexMutex) wakeOne() { futexWakeOn(m.word(), 1) }
