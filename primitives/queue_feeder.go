package primitives

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// send buffers the item's frame and writes the buffer at once if a getter
// waits or this process has not written for a while; otherwise, and for
// whatever the pipe has no room for, the feeder takes over.
func (q *Queue) send(item []byte) {
	p := q.p
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf = appendFrame(p.buf, item)
	p.frames++
	if !p.writing && (q.wanted() || p.frames == 1 && time.Since(p.lastWrite) > queueQuietFor) {
		if q.drain() == drainDone {
			return
		}
	}
	if !p.running {
		p.running, p.idle = true, make(chan struct{})
		feeders.add(p, q.rt.owner())
		go q.feed()
	}
}

// wanted takes the flag of a waiting getter, if one is up.
func (q *Queue) wanted() bool {
	w := q.p.word(qWant)
	return atomic.LoadUint32(w) == 1 && atomic.CompareAndSwapUint32(w, 1, 0)
}

// want raises the flag that asks putters to write at once.
func (q *Queue) want() {
	if w := q.p.word(qWant); atomic.LoadUint32(w) == 0 {
		atomic.StoreUint32(w, 1)
	}
}

// publish makes n more frames claimable.
func (q *Queue) publish(n int) { atomic.AddUint32(q.p.word(qAvail), uint32(n)) }

// wake wakes up to n sleeping getters, after the frames are written: woken
// earlier, on one CPU a getter would run only to wait for the write.
func (q *Queue) wake(n int) {
	if n > 0 && atomic.LoadUint32(q.p.word(qGetWaiters)) > 0 {
		futexWakeOn(q.p.word(qAvail), n)
	}
}

type queueDrain int

const (
	drainDone   queueDrain = iota // the buffer is empty
	drainFull                     // the pipe has no room for the next piece
	drainBusy                     // another writer holds the writer lock
	drainLarge                    // the next frame is too large to write without waiting
	drainFailed                   // the write failed (p.err says why)
)

// drain writes the buffer without waiting, whole frames at a time in
// writes of at most PIPE_BUF bytes, which the kernel never tears. It stops
// when the pipe is full, at a frame larger than that or when another
// process is writing. The caller holds p.mu and no large frame is in
// flight.
func (q *Queue) drain() queueDrain {
	p := q.p
	if p.frames == 0 {
		// A large frame written by the feeder may have been the last:
		// start the buffer afresh, or off would point past its end.
		p.buf, p.off = p.buf[:0], 0
		return drainDone
	}
	lk := p.mutex(qWriteLock)
	if !lk.tryLock() {
		return drainBusy
	}
	res, written := drainDone, 0
	for p.frames > 0 {
		start, end, k := p.off, p.off, 0
		for end < len(p.buf) {
			n := frameHeader + int(binary.BigEndian.Uint32(p.buf[end:]))
			if end+n-start > p.atomicN {
				break
			}
			end += n
			k++
		}
		if k == 0 {
			res = drainLarge
			break
		}
		_, full, err := queueWriteSome(p.wfd, p.buf[start:end])
		if full || err != nil {
			res = drainFull
			if err != nil {
				p.err, res = fmt.Errorf("queue %s: %w", q.name, err), drainFailed
			}
			break
		}
		q.publish(k)
		p.off, p.frames = end, p.frames-k
		written += k
	}
	lk.unlock()
	runtime.KeepAlive(p)
	if written > 0 {
		p.lastWrite = time.Now()
		q.wake(written)
	}
	if p.frames == 0 {
		p.buf, p.off = p.buf[:0], 0
	}
	return res
}

// feed is the feeder: it writes the buffer out, waiting for room or for the
// writer lock as need be, and ends when the buffer is empty.
func (q *Queue) feed() {
	p := q.p
	for {
		p.mu.Lock()
		res := q.drain()
		switch res {
		case drainDone, drainFailed:
			if res == drainFailed { // the rest is lost, as when CPython's feeder thread dies
				p.buf, p.off, p.frames = p.buf[:0], 0, 0
			}
			if cap(p.buf) > 1<<20 {
				p.buf, p.off = nil, 0
			}
			p.running = false
			close(p.idle)
			feeders.remove(p)
			p.mu.Unlock()
			return
		case drainLarge:
			n := frameHeader + int(binary.BigEndian.Uint32(p.buf[p.off:]))
			b := p.buf[p.off : p.off+n]
			p.off, p.frames = p.off+n, p.frames-1
			p.writing = true
			p.mu.Unlock()
			err := q.writeLarge(b)
			p.mu.Lock()
			p.writing = false
			if err == nil {
				p.lastWrite = time.Now()
			} else {
				p.err = fmt.Errorf("queue %s: %w", q.name, err)
				p.buf, p.off, p.frames = p.buf[:0], 0, 0
			}
			p.mu.Unlock()
		case drainFull:
			p.mu.Unlock()
			if err := q.waitRoom(); err != nil {
				p.mu.Lock()
				p.err = err
				p.buf, p.off, p.frames = p.buf[:0], 0, 0
				p.mu.Unlock()
			}
		case drainBusy:
			p.mu.Unlock()
			lk := p.mutex(qWriteLock)
			if lk.lockQuiet(q.rt.stop) {
				lk.unlock()
			} else { // the session stopped: drop what is left
				p.mu.Lock()
				p.buf, p.off, p.frames = p.buf[:0], 0, 0
				p.mu.Unlock()
			}
		}
	}
}

// writeLarge writes one frame larger than PIPE_BUF under the writer lock,
// waiting for room as long as it takes: published first, it is drainDone by
// a getter as it is written, so it may be larger than the pipe.
func (q *Queue) writeLarge(b []byte) error {
	lk := q.p.mutex(qWriteLock)
	if !lk.lockQuiet(q.rt.stop) {
		return ErrStopped
	}
	q.publish(1)
	q.wake(1) // now: its getter must drain it while it is written
	err := q.writeAll(b)
	lk.unlock()
	return err
}

// writeAll writes b, waiting for room in Go's poller when the pipe is
// full (in a main script, until the session stops).
func (q *Queue) writeAll(b []byte) error {
	p := q.p
	defer runtime.KeepAlive(p)
	for len(b) > 0 {
		n, full, err := queueWriteSome(p.wfd, b)
		if err != nil {
			return err
		}
		b = b[n:]
		if full {
			if err := q.waitRoom(); err != nil {
				return err
			}
		}
	}
	return nil
}

// waitRoom waits, parked in Go's poller, until the pipe has room (in a
// main script, in slices, giving up when the session stops). Only the
// feeder waits so.
func (q *Queue) waitRoom() error {
	p := q.p
	if p.writer == nil {
		f, err := queueDupPollable(p.wfd, p.name+"-feed")
		if err != nil {
			return err
		}
		rc, err := f.SyscallConn()
		if err != nil {
			f.Close()
			return err
		}
		p.writer = &queuePollFile{f: f, rc: rc}
	}
	for {
		var until time.Time
		if q.rt.stop != nil {
			until = time.Now().Add(queueStopCheck)
		}
		p.writer.f.SetWriteDeadline(until)
		err := p.writer.rc.Write(func(fd uintptr) bool { return queueWritable(int(fd)) })
		switch {
		case err == nil:
			return nil
		case !errors.Is(err, os.ErrDeadlineExceeded):
			return err
		case queueStopped(q.rt.stop):
			return ErrStopped
		}
	}
}

// feederSet is the feeder goroutines of this process that have items still
// to write, and the Runtime each belongs to.
type feederSet struct {
	sync.Mutex
	running map[*queueEnds]*Runtime
	n       atomic.Int32 // len(running), read without the lock
}

var feeders = feederSet{running: map[*queueEnds]*Runtime{}}

func (f *feederSet) add(p *queueEnds, rt *Runtime) {
	f.Lock()
	f.running[p] = rt
	f.n.Store(int32(len(f.running)))
	f.Unlock()
}

func (f *feederSet) remove(p *queueEnds) {
	f.Lock()
	delete(f.running, p)
	f.n.Store(int32(len(f.running)))
	f.Unlock()
}

// yieldToFeeders lets this process's feeders run before the caller blocks
// in a futex wait: with one CPU for Go (GOMAXPROCS=1) a runnable feeder
// would otherwise wait for the scheduler to take the P from the blocked
// call.
func yieldToFeeders() {
	if feeders.n.Load() > 0 {
		runtime.Gosched()
	}
}

// joinFeeders is what CPython does for queues when a process's main code
// has ended (after terminating daemonic children and joining the others):
// it waits until every feeder of this process has written all it holds,
// except those of queues whose join thread was cancelled. Runtime.Finish
// must call it last. In a main script a stopped session ends the wait.
func (rt *Runtime) joinFeeders() {
	feeders.Lock()
	var ps []*queueEnds
	for p, owner := range feeders.running {
		if owner == rt {
			ps = append(ps, p)
		}
	}
	feeders.Unlock()
	for _, p := range ps {
		p.mu.Lock()
		idle, skip := p.idle, p.cancelled || !p.running
		p.mu.Unlock()
		if skip {
			continue
		}
		select {
		case <-idle:
		case <-rt.stop:
			return
		}
	}
}
