package primitives

import (
	"runtime"
	"sync/atomic"

	"github.com/proctour/proctour/trace"
)

// JoinableQueue is multiprocessing.JoinableQueue: a Queue that also counts
// unfinished items — each put adds one, each TaskDone removes one — so that
// Join can wait until every item put has been processed. The count lives in
// the queue's shared memory.
type JoinableQueue struct{ Queue }

// NewJoinableQueue creates JoinableQueue(maxsize); maxsize <= 0: unbounded.
func (rt *Runtime) NewJoinableQueue(name string, maxsize int) (*JoinableQueue, error) {
	q, err := rt.newQueue(name, maxsize, true)
	if err != nil {
		return nil, err
	}
	return &JoinableQueue{*q}, nil
}

// TaskDone is task_done(): one item got earlier is processed. More calls
// than items put is Python's ValueError.
func (q *JoinableQueue) TaskDone() error {
	q.rt.awaitOp(trace.KindQueueTaskDone, q.name)
	p := q.p
	defer runtime.KeepAlive(p)
	un := p.word(qUnfinished)
	var left uint32
	if q.rt.trace != nil {
		lk := p.mutex(qTaskLock)
		lk.lock(q.rt, -1)
		n := atomic.LoadUint32(un)
		if n == 0 {
			lk.unlock()
			return q.tooManyTaskDone()
		}
		q.rt.Emit(trace.KindQueueTaskDone, q.name, n-1)
		left = atomic.AddUint32(un, ^uint32(0))
		lk.unlock()
	} else {
		for {
			n := atomic.LoadUint32(un)
			if n == 0 {
				return q.tooManyTaskDone()
			}
			if atomic.CompareAndSwapUint32(un, n, n-1) {
				left = n - 1
				break
			}
		}
	}
	if left == 0 {
		gen := p.word(qDoneGen)
		atomic.AddUint32(gen, 1)
		if atomic.LoadUint32(p.word(qJoinWaiters)) > 0 {
			futexWakeOn(gen, 1<<30)
		}
	}
	return nil
}

func (q *JoinableQueue) tooManyTaskDone() error {
	q.rt.emitErr(trace.KindQueueTaskDone, q.name, nil, "ValueError")
	return pyErr("ValueError", "task_done() called too many times")
}

// Join is join(): it waits until every item put has been marked done. Like
// CPython's, it returns once the count has reached zero, even if a put
// raised it again before the waiter woke.
func (q *JoinableQueue) Join() {
	q.rt.awaitOp(trace.KindQueueJoin, q.name)
	p := q.p
	defer runtime.KeepAlive(p)
	un, gen := p.word(qUnfinished), p.word(qDoneGen)
	q.rt.Emit(trace.KindQueueJoin, q.name, atomic.LoadUint32(un))
	waiters := p.word(qJoinWaiters)
	atomic.AddUint32(waiters, 1)
	defer atomic.AddUint32(waiters, ^uint32(0))
	g := atomic.LoadUint32(gen)
	if atomic.LoadUint32(un) == 0 {
		return
	}
	yieldToFeeders()
	for atomic.LoadUint32(gen) == g {
		q.rt.waitWord(gen, g, -1)
	}
}

// MarshalJSON passes the queue to a child being started.
func (q *JoinableQueue) MarshalJSON() ([]byte, error) { return q.marshal("joinablequeue") }

// UnmarshalJSON opens, in a child, a queue its parent passed.
func (q *JoinableQueue) UnmarshalJSON(b []byte) error { return q.unmarshal(b, "joinablequeue") }
