package primitives

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/proctour/proctour/trace"
)

// Queue is multiprocessing.Queue, built as CPython builds it: items are
// encoded (JSON here, pickle there) as frames on one OS pipe that every
// process holding the queue shares, with a reader lock so that one getter
// at a time reads, a writer lock so that one writer at a time writes, and,
// for Queue(maxsize), a semaphore of free slots.
//
// A put never waits for the pipe: the item joins a buffer in the putting
// process, which the put itself writes out when a getter is waiting or puts
// are rare, and a feeder goroutine (CPython's feeder thread) otherwise, as
// getters make room. So, as in CPython, an item can take a moment to become
// visible after its put (empty() may still be true). And like CPython, a
// process waits for its feeders when its main code ends (see JoinThread): a
// child that put more than the pipe holds does not exit until enough has
// been got — joining it before getting is the classic deadlock.
// CancelJoinThread lets it exit and lose what is still buffered.
//
// Qsize, Empty and Full are snapshots, stale as soon as they are read. A
// process killed while it reads or writes the pipe can leave the queue
// broken for everyone, as CPython warns.
type Queue struct {
	rt       *Runtime
	name     string
	maxsize  int
	joinable bool
	p        *queueEnds
}

// Layout of a queue's shared memory: control words, then the read-ahead
// buffer, where the getter holding the reader lock keeps what it read from
// the pipe beyond its own frame. The buffer belongs to the queue, not to a
// process, so no item waits in a process that has stopped getting.
//
// A getter claims a frame (decrements qAvail) before it reads, so it waits
// on a counter, never on the pipe. Frames are written in pieces of at most
// PIPE_BUF bytes, which the kernel writes whole or not at all, and published
// after: the frame a claim stands for is whole in the stream. A frame larger
// than that is published before it is written, under the writer lock, so
// that a getter drains it as it is written even if the pipe cannot hold it.
const (
	qReadLock    = 0  // reader lock (a futexMutex, as Lock's word)
	qWriteLock   = 4  // writer lock
	qAvail       = 8  // frames published and not yet claimed
	qGetWaiters  = 12 // getters asleep on qAvail
	qSlots       = 16 // bounded queue: free slots
	qPutWaiters  = 20 // putters asleep on qSlots
	qSize        = 24 // items put and not yet got: qsize()
	qUnfinished  = 28 // JoinableQueue: items put and not yet task_done
	qDoneGen     = 32 // JoinableQueue: bumped whenever qUnfinished reaches 0
	qJoinWaiters = 36 // joiners asleep on qDoneGen
	qTaskLock    = 40 // JoinableQueue with events on: orders counts as their events
	qRPos        = 44 // read-ahead: first unread byte
	qWPos        = 48 // read-ahead: end of what was read
	qWant        = 52 // 1: a getter found nothing and waits; the next put writes at once
	qBuffer      = 4096
	qMemSize     = qBuffer + 64<<10
)

const (
	// queueLockGrace is how long a timed or non-blocking get that has claimed
	// an item waits for the reader lock before giving up: the lock is held
	// only while a frame is read, unless its holder died.
	queueLockGrace = 100 * time.Millisecond
	// queueStopCheck is how often waits in a main script look at the session's
	// stop channel.
	queueStopCheck = 50 * time.Millisecond
	// queueSpinFor is how long a getter keeps looking, yielding the CPU between
	// looks, before it sleeps. An item from another process usually takes
	// microseconds; sleeping and being woken costs as much again, and a
	// wait in a system call past 20 µs makes Go hand the thread's P to
	// another thread. On one CPU the yield runs the putter straight away.
	queueSpinFor = 20 * time.Microsecond
	// queueQuietFor is how long since this process last wrote to the pipe a
	// put writes its item at once even though no getter waits; quicker
	// puts leave their items to be written together.
	queueQuietFor = 50 * time.Microsecond
)

// queueEnds is one process's hold on a queue: the shared memory, its pipe
// ends and its buffer of frames not yet written. Copies of a Queue in one
// process share it. I/O uses the descriptors, outside Go's poller; only the
// feeder waits for room in it, on a duplicate of its own. The files hold
// the descriptors open, to pass to a child (in a child they are made only
// if it passes the queue on).
type queueEnds struct {
	name     string
	mem      *segment
	rfd, wfd int
	atomicN  int // PIPE_BUF: writes up to this size are never torn

	closed atomic.Bool

	mu        sync.Mutex
	r, w      *os.File
	writer    *queuePollFile // the feeder's duplicate of the write end
	cancelled bool
	running   bool          // a feeder goroutine is at work
	idle      chan struct{} // closed when it has written everything
	writing   bool          // the feeder writes a large frame outside mu
	buf       []byte        // frames not yet written, from off
	off       int
	frames    int
	lastWrite time.Time
	err       error // why the feeder gave up, if it did
}

// queuePollFile is a duplicate of a pipe end in Go's poller.
type queuePollFile struct {
	f  *os.File
	rc syscall.RawConn
}

func (p *queueEnds) word(off int) *uint32 { return p.mem.u32(off) }

// mutex is one of the queue's locks (qReadLock, qWriteLock, qTaskLock):
// silent futex mutexes, as CPython's queue locks do not show either.
func (p *queueEnds) mutex(off int) *futexMutex { return mutexAt(p.mem.u32(off)) }

func newQueueEnds(name string, mem *segment, rfd, wfd int) *queueEnds {
	return &queueEnds{name: name, mem: mem, rfd: rfd, wfd: wfd, atomicN: queuePipeAtomic()}
}

// files returns the files of the pipe ends, making them if need be.
func (p *queueEnds) files() (r, w *os.File) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.r == nil {
		p.r, p.w = queueFileFor(p.rfd, p.name+"-r"), queueFileFor(p.wfd, p.name+"-w")
	}
	return p.r, p.w
}

// NewQueue creates Queue(maxsize); maxsize <= 0 makes it unbounded. The
// name labels its events.
func (rt *Runtime) NewQueue(name string, maxsize int) (*Queue, error) {
	return rt.newQueue(name, maxsize, false)
}

func (rt *Runtime) newQueue(name string, maxsize int, joinable bool) (*Queue, error) {
	mem, err := newQueueMemory(name, qMemSize)
	if err != nil {
		return nil, err
	}
	r, w, err := newQueuePipe()
	if err != nil {
		mem.close()
		return nil, err
	}
	p := newQueueEnds(name, mem, int(r.Fd()), int(w.Fd()))
	p.r, p.w = r, w
	// Not rt.track(mem): a feeder may still write after the Runtime is
	// closed (a stopped session does not wait for it). The memory goes
	// when neither a Queue nor a feeder holds it; the pipe's files close
	// themselves then too.
	runtime.AddCleanup(p, func(m *segment) { m.close() }, mem)
	q := &Queue{rt: rt, name: name, maxsize: max(maxsize, 0), joinable: joinable, p: p}
	atomic.StoreUint32(p.word(qSlots), uint32(q.maxsize))
	// queue.new says what the listing says, Queue(3): the UI shows the
	// slots, and the fold checks no more items are ever in it.
	rt.Emit(trace.KindQueueNew, name, trace.QueueNew{MaxSize: q.maxsize, Joinable: joinable})
	return q, nil
}

// Name is the queue's name in events.
func (q *Queue) Name() string { return q.name }

// Put is put(item): it waits while a bounded queue is full.
func (q *Queue) Put(v any) error { return q.PutTimeout(v, -1) }

// PutNowait is put_nowait(item): a full queue is queue.Full at once.
func (q *Queue) PutNowait(v any) error { return q.PutTimeout(v, 0) }

// PutTimeout is put(item, timeout=seconds) in listing seconds (negative:
// no limit); still full after that is queue.Full.
func (q *Queue) PutTimeout(v any, seconds float64) error {
	defer runtime.KeepAlive(q.p) // its memory, while words of it are in use
	sure := q.rt.await(trace.KindQueuePut, q.name, IntentVal{Timeout: seconds >= 0, Initial: q.maxsize})
	if q.p.closed.Load() {
		return q.closedErr(trace.KindQueuePut)
	}
	item, err := queueEncode(v)
	if err != nil {
		return fmt.Errorf("put on %s: %w", q.name, err)
	}
	if len(item) > maxFrame {
		return fmt.Errorf("put on %s: %d bytes: %w", q.name, len(item), errFrameTooLong)
	}
	if q.maxsize > 0 && !q.takeSlot(item, seconds, sure) {
		return errQueueFull()
	}
	q.announce(item)
	q.send(item)
	return nil
}

// takeSlot takes a free place. sure: the gate released the put knowing
// there is room (a get has been reported), so it waits for the getter to
// free it, without a queue.block that would depend on who is quicker.
func (q *Queue) takeSlot(item []byte, seconds float64, sure bool) bool {
	slots := q.p.word(qSlots)
	if takeOne(slots) {
		return true
	}
	if sure {
		return q.waitTake(slots, qPutWaiters, -1, nil)
	}
	if seconds != 0 {
		q.rt.Emit(trace.KindQueueBlock, q.name, trace.QueueBlock{Op: "put", Timeout: timeoutVal(seconds)})
		if q.waitTake(slots, qPutWaiters, q.rt.realTimeout(seconds), nil) {
			return true
		}
	}
	q.rt.emitErr(trace.KindQueuePut, q.name, json.RawMessage(item), "queue.Full")
	return false
}

// waitTake waits until it takes one from the counter ctr, for at most d:
// first spinning, then asleep on the counter's futex (waitersOff counts the
// sleepers, for whoever adds to the counter). missed, if set, runs each
// time the counter is found at zero.
func (q *Queue) waitTake(ctr *uint32, waitersOff int, d time.Duration, missed func()) bool {
	start := time.Now()
	try := func() bool {
		if takeOne(ctr) {
			return true
		}
		if missed != nil {
			missed()
		}
		return false
	}
	if queueSpin(try) {
		return true
	}
	yieldToFeeders()
	waiters := q.p.word(waitersOff)
	atomic.AddUint32(waiters, 1)
	defer atomic.AddUint32(waiters, ^uint32(0))
	for !try() {
		left := time.Duration(-1)
		if d >= 0 {
			if left = d - time.Since(start); left <= 0 {
				return false
			}
		}
		q.rt.waitWord(ctr, 0, left)
	}
	return true
}

// queueSpin calls cond until it is true, yielding the CPU in between, for
// at most queueSpinFor.
func queueSpin(cond func() bool) bool {
	start := time.Now()
	for {
		if cond() {
			return true
		}
		if time.Since(start) > queueSpinFor {
			return false
		}
		yieldToFeeders()
		queueYieldCPU()
	}
}

// announce reports the put and counts the item, before anyone can get it.
func (q *Queue) announce(item []byte) {
	p := q.p
	switch {
	case q.joinable && q.rt.trace != nil:
		// Under the task lock, so that task_done's counts follow the events.
		lk := p.mutex(qTaskLock)
		lk.lock(q.rt, -1)
		q.rt.Emit(trace.KindQueuePut, q.name, json.RawMessage(item))
		atomic.AddUint32(p.word(qUnfinished), 1)
		lk.unlock()
	case q.joinable:
		atomic.AddUint32(p.word(qUnfinished), 1)
	case q.rt.trace != nil:
		q.rt.Emit(trace.KindQueuePut, q.name, json.RawMessage(item))
	}
	atomic.AddUint32(p.word(qSize), 1)
}

// Get is get(): it waits while the queue is empty, then decodes the item
// into v (as json.Unmarshal; v may be nil to drop it).
func (q *Queue) Get(v any) error { return q.GetTimeout(v, -1) }

// GetNowait is get_nowait(): an empty queue is queue.Empty at once.
func (q *Queue) GetNowait(v any) error { return q.GetTimeout(v, 0) }

// GetTimeout is get(timeout=seconds) in listing seconds (negative: no
// limit); still empty after that is queue.Empty.
func (q *Queue) GetTimeout(v any, seconds float64) error {
	defer runtime.KeepAlive(q.p)
	sure := q.rt.await(trace.KindQueueGet, q.name, IntentVal{Timeout: seconds >= 0})
	if q.p.closed.Load() {
		return q.closedErr(trace.KindQueueGet)
	}
	d := q.rt.realTimeout(seconds)
	deadline := time.Now().Add(d)
	if !q.claim(seconds, d, sure) {
		q.rt.emitErr(trace.KindQueueGet, q.name, nil, "queue.Empty")
		return errQueueEmpty()
	}
	lockFor := time.Duration(-1)
	if d >= 0 {
		lockFor = max(time.Until(deadline), queueLockGrace)
	}
	item, locked, err := q.receive(lockFor)
	if !locked {
		q.publish(1) // give the claim back: the item stays for someone else
		q.wake(1)
		q.rt.emitErr(trace.KindQueueGet, q.name, nil, "queue.Empty")
		return errQueueEmpty()
	}
	if err != nil {
		return fmt.Errorf("get from %s: %w", q.name, err)
	}
	q.got(item)
	if v == nil {
		return nil
	}
	if err := queueDecode(item, v); err != nil {
		return fmt.Errorf("get from %s: %w", q.name, err)
	}
	return nil
}

// got reports the item and frees its place.
func (q *Queue) got(item []byte) {
	p := q.p
	if q.rt.trace != nil {
		q.rt.Emit(trace.KindQueueGet, q.name, json.RawMessage(item))
	}
	atomic.AddUint32(p.word(qSize), ^uint32(0))
	if q.maxsize > 0 { // after the event: the freed slot must not be seen first
		slots := p.word(qSlots)
		atomic.AddUint32(slots, 1)
		if atomic.LoadUint32(p.word(qPutWaiters)) > 0 {
			futexWakeOn(slots, 1)
		}
	}
}

// claim takes one published frame, waiting for one unless seconds is 0.
// sure: the gate released the get knowing an item was put, so it waits for
// the putter's feeder to publish it, without a queue.block (or a
// queue.Empty) that would depend on who is quicker.
func (q *Queue) claim(seconds float64, d time.Duration, sure bool) bool {
	avail := q.p.word(qAvail)
	if takeOne(avail) {
		return true
	}
	if sure {
		return q.waitTake(avail, qGetWaiters, -1, q.want)
	}
	if seconds == 0 {
		return false
	}
	q.rt.Emit(trace.KindQueueBlock, q.name, trace.QueueBlock{Op: "get", Timeout: timeoutVal(seconds)})
	return q.waitTake(avail, qGetWaiters, d, q.want)
}

// takeOne decrements a counter that is above zero.
func takeOne(ctr *uint32) bool {
	for {
		n := atomic.LoadUint32(ctr)
		if n == 0 {
			return false
		}
		if atomic.CompareAndSwapUint32(ctr, n, n-1) {
			return true
		}
	}
}

// receive reads the next frame under the reader lock; locked is false when
// the lock was not had within lockFor.
func (q *Queue) receive(lockFor time.Duration) (item []byte, locked bool, err error) {
	lk := q.p.mutex(qReadLock)
	if !lk.lock(q.rt, lockFor) {
		return nil, false, nil
	}
	defer lk.unlock()
	item, err = q.readFrame()
	runtime.KeepAlive(q.p)
	return item, true, err
}

// readFrame takes the next frame from the read-ahead buffer, reading the
// pipe into it as needed; a frame larger than the buffer is read straight
// into the item. The caller holds the reader lock and a claim.
func (q *Queue) readFrame() ([]byte, error) {
	p := q.p
	buf := p.mem.mem[qBuffer:qMemSize]
	rpos, wpos := p.word(qRPos), p.word(qWPos)
	rp, wp := int(atomic.LoadUint32(rpos)), int(atomic.LoadUint32(wpos))
	save := func(r, w int) {
		atomic.StoreUint32(rpos, uint32(r))
		atomic.StoreUint32(wpos, uint32(w))
	}
	for {
		if wp-rp >= frameHeader {
			n := int(binary.BigEndian.Uint32(buf[rp:]))
			if n > maxFrame {
				save(rp, wp)
				return nil, errFrameTooLong
			}
			if end := rp + frameHeader + n; end <= wp {
				item := bytes.Clone(buf[rp+frameHeader : end])
				if end == wp {
					end, wp = 0, 0
				}
				save(end, wp)
				return item, nil
			}
			if frameHeader+n > len(buf) {
				item := make([]byte, n)
				got := copy(item, buf[rp+frameHeader:wp])
				save(0, 0)
				return item, q.readFull(item[got:])
			}
		}
		if rp > 0 {
			wp, rp = copy(buf, buf[rp:wp]), 0
		}
		n, err := q.readPipe(buf[wp:])
		wp += n
		if err != nil {
			save(rp, wp)
			return nil, err
		}
	}
}

func (q *Queue) readFull(b []byte) error {
	for len(b) > 0 {
		n, err := q.readPipe(b)
		if err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}

// readPipe reads at least one byte from the pipe, waiting for it if the
// claimed frame is a large one still being written.
func (q *Queue) readPipe(b []byte) (int, error) {
	fd := q.p.rfd
	n, empty, err := queueReadSome(fd, b)
	if empty && !queueSpin(func() bool { n, empty, err = queueReadSome(fd, b); return !empty }) {
		for empty {
			if q.rt.stop == nil {
				queueWaitReadable(fd, -1)
			} else if queueStopped(q.rt.stop) {
				panic(ErrStopped)
			} else {
				queueWaitReadable(fd, queueStopCheck)
			}
			n, empty, err = queueReadSome(fd, b)
		}
	}
	if err == nil && n == 0 {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

// Qsize is qsize(): items put and not yet got, including those still in a
// feeder. A snapshot.
func (q *Queue) Qsize() int { return int(q.load(qSize)) }

// Empty is empty(): whether a get_nowait now would find nothing. A
// snapshot.
func (q *Queue) Empty() bool { return q.load(qAvail) == 0 }

// Full is full(): whether a bounded queue has no free slot. A snapshot.
func (q *Queue) Full() bool { return q.maxsize > 0 && q.load(qSlots) == 0 }

func (q *Queue) load(off int) uint32 {
	v := atomic.LoadUint32(q.p.word(off))
	runtime.KeepAlive(q.p)
	return v
}

// Close is close(): this process will put and get no more (both become
// ValueError). What its feeder holds is still written out.
func (q *Queue) Close() error {
	q.rt.awaitOp(trace.KindQueueClose, q.name)
	if !q.p.closed.Swap(true) {
		q.rt.Emit(trace.KindQueueClose, q.name, nil)
	}
	return nil
}

// JoinThread is join_thread(): it waits until this process's feeder has
// written everything it holds to the pipe — which waits for getters to make
// room when the pipe is full. CPython asserts that close() came first; here
// it simply waits for what is buffered now.
func (q *Queue) JoinThread() {
	p := q.p
	p.mu.Lock()
	idle := p.idle
	p.mu.Unlock()
	if idle == nil {
		return
	}
	select {
	case <-idle:
	case <-q.rt.stop:
		panic(ErrStopped)
	}
}

// CancelJoinThread is cancel_join_thread(): this process will not wait for
// its feeder when its main code ends, and what the feeder still holds then
// is lost.
func (q *Queue) CancelJoinThread() {
	q.p.mu.Lock()
	q.p.cancelled = true
	q.p.mu.Unlock()
}

func (q *Queue) closedErr(kind string) error {
	q.rt.emitErr(kind, q.name, nil, "ValueError")
	return pyErr("ValueError", "Queue %s is closed", q.name)
}

func errQueueFull() *Error  { return &Error{Type: "queue.Full"} }
func errQueueEmpty() *Error { return &Error{Type: "queue.Empty"} }

// queueJSON is how a queue travels in a child's arguments: the descriptors
// of its memory and its pipe ends, which the child finds at those numbers.
type queueJSON struct {
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	MaxSize int    `json:"maxsize,omitempty"`
	Mem     int    `json:"mem"`
	R       int    `json:"r"`
	W       int    `json:"w"`
	Quiet   bool   `json:"quiet,omitempty"` // machinery: no events, no gate
}

// MarshalJSON passes the queue to a child being started.
func (q *Queue) MarshalJSON() ([]byte, error) { return q.marshal("queue") }

// UnmarshalJSON opens, in a child, a queue its parent passed.
func (q *Queue) UnmarshalJSON(b []byte) error { return q.unmarshal(b, "queue") }

func (q *Queue) marshal(kind string) ([]byte, error) {
	j := queueJSON{Kind: kind, Name: q.name, MaxSize: q.maxsize, Quiet: q.rt.isQuiet}
	r, w := q.p.files()
	var err error
	for _, h := range []struct {
		fd *int
		f  *os.File
	}{{&j.Mem, q.p.mem.f}, {&j.R, r}, {&j.W, w}} {
		if *h.fd, err = passFile(h.f); err != nil {
			return nil, fmt.Errorf("%s %q: %w", kind, q.name, err)
		}
	}
	return json.Marshal(j)
}

func (q *Queue) unmarshal(b []byte, kind string) error {
	var j queueJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	if j.Kind != kind {
		return fmt.Errorf("argument is a %s, not a %s", j.Kind, kind)
	}
	if self == nil {
		return fmt.Errorf("%s %q: only a child process can receive a queue", kind, j.Name)
	}
	p, err := inheritQueue(j)
	if err != nil {
		return err
	}
	rt := self
	if j.Quiet {
		rt = self.quiet()
	}
	*q = Queue{rt: rt, name: j.Name, maxsize: j.MaxSize, joinable: kind == "joinablequeue", p: p}
	return nil
}

// inheritedQueues holds the queues a child received, by memory descriptor, so
// that a queue passed twice is opened once.
var inheritedQueues struct {
	sync.Mutex
	ends map[int]*queueEnds
}

func inheritQueue(j queueJSON) (*queueEnds, error) {
	inheritedQueues.Lock()
	defer inheritedQueues.Unlock()
	if p := inheritedQueues.ends[j.Mem]; p != nil {
		return p, nil
	}
	mem, err := mapQueueMemory(os.NewFile(uintptr(j.Mem), j.Name), qMemSize)
	if err != nil {
		return nil, err
	}
	p := newQueueEnds(j.Name, mem, j.R, j.W)
	if inheritedQueues.ends == nil {
		inheritedQueues.ends = map[int]*queueEnds{}
	}
	inheritedQueues.ends[j.Mem] = p
	return p, nil
}

func queueStopped(stop <-chan struct{}) bool {
	select {
	case <-stop:
		return true
	default:
		return false
	}
}
