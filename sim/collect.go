package sim

import (
	"slices"
	"sync/atomic"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

// collector turns wire events, arriving in any order from many processes,
// into the ordered timeline: by the number each took from the session's
// counter, without gaps, and with no event of a process before its
// proc.start.
//
// A child often takes its first numbers before its parent, back from
// starting it, takes the number of its proc.start. Then the child's first
// event waits in queue, and every event after it waits behind it, until
// that proc.start arrives; the start is then drawn forward, out of turn,
// and the queue goes on in order. Only the start moves: a get of what a
// child put never comes before the put, and a lock taken after another
// process released it never comes before the release.
type collector struct {
	start   int64 // monotonic clock at the session's start
	next    uint64
	pending map[uint64]primitives.Wire
	started map[int]bool
	queue   []primitives.Wire // in order, behind an event whose process's start is not out
	starts  map[int]uint64    // the number of each proc.start in queue, by pid
	seq     int64
	lastT   int64
	out     func(trace.Record)
	intent  func(primitives.Wire) // operations announced at the gate
	// skip, if set, leaves an event out of the timeline before it is
	// numbered (see gateCtl.formality).
	skip func(trace.Record) bool
	// caught, if set, is kept at the last number taken in when nothing is
	// held back (see gateCtl.drained).
	caught *atomic.Uint64
}

func newCollector(start int64, out func(trace.Record), intent func(primitives.Wire)) *collector {
	return &collector{
		start: start, next: 1, out: out, intent: intent,
		pending: map[uint64]primitives.Wire{},
		started: map[int]bool{},
		starts:  map[int]uint64{},
	}
}

// add takes one wire event and releases every event that is now in order.
func (c *collector) add(w primitives.Wire) {
	if w.N < c.next { // its gap was given up on: late, but not lost
		c.release(w)
		c.mark()
		return
	}
	c.pending[w.N] = w
	c.drain()
	c.mark()
}

// mark records how far the timeline is complete.
func (c *collector) mark() {
	if c.caught != nil && len(c.pending) == 0 && len(c.queue) == 0 {
		c.caught.Store(c.next - 1)
	}
}

func (c *collector) drain() {
	for {
		w, ok := c.pending[c.next]
		if !ok {
			return
		}
		delete(c.pending, c.next)
		c.next++
		c.release(w)
	}
}

// waiting reports whether events are held back behind a missing number.
func (c *collector) waiting() bool { return len(c.pending) > 0 }

// skipGap gives up on the missing number (its process was killed between
// taking the number and writing the event) and goes on from the next held
// event.
func (c *collector) skipGap() {
	if len(c.pending) == 0 {
		return
	}
	lowest := ^uint64(0)
	for n := range c.pending {
		lowest = min(lowest, n)
	}
	c.next = lowest
	c.drain()
	c.mark()
}

// flush releases everything still held, in order: the session is over. A
// process whose start never came (its parent died first) is let through.
func (c *collector) flush() {
	for len(c.pending) > 0 {
		c.skipGap()
	}
	for len(c.queue) > 0 {
		c.started[c.needs(c.queue[0])] = true
		c.pump()
	}
}

// release passes an event in counter order to the queue, and emits what
// can go.
func (c *collector) release(w primitives.Wire) {
	if w.Kind == trace.KindProcStart {
		c.starts[w.Pid] = w.N
	}
	c.queue = append(c.queue, w)
	c.pump()
}

// pump emits the queue's events in order for as long as the first can go.
func (c *collector) pump() {
	for len(c.queue) > 0 && c.ready(c.queue[0]) {
		w := c.queue[0]
		c.queue = c.queue[1:]
		c.emit(w)
	}
}

// needs is the process whose start must be out before w: its own, or, for
// a start, its parent's.
func (c *collector) needs(w primitives.Wire) int {
	if w.Kind == trace.KindProcStart {
		return w.PPid
	}
	return w.Pid
}

// ready reports whether w can be emitted now. When the start it needs is
// further down the queue, that start is emitted first, out of turn.
func (c *collector) ready(w primitives.Wire) bool {
	pid := c.needs(w)
	if pid == 0 || c.started[pid] {
		return true
	}
	n, queued := c.starts[pid]
	if !queued {
		return false
	}
	at := func() int {
		return slices.IndexFunc(c.queue, func(q primitives.Wire) bool { return q.N == n && q.Kind == trace.KindProcStart })
	}
	if i := at(); i < 0 || !c.ready(c.queue[i]) {
		return false
	}
	i := at() // ready may have drawn other starts out of the queue
	start := c.queue[i]
	c.queue = slices.Delete(c.queue, i, i+1)
	c.emit(start)
	return true
}

func (c *collector) emit(w primitives.Wire) {
	if w.Kind == trace.KindProcStart {
		c.started[w.Pid] = true
		delete(c.starts, w.Pid)
	}
	if w.Kind == trace.KindIntent {
		c.intent(w)
		return
	}
	if c.skip != nil && c.skip(w.Record) {
		return
	}
	c.seq++
	r := w.Record
	r.Seq = c.seq
	r.TNs = max(c.lastT, w.Mono-c.start)
	c.lastT = r.TNs
	c.out(r)
}
