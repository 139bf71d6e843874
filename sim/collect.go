package sim

import (
	"github.com/proctour/proctour/primitives"
)

// collector turns wire events, arriving in any order from many processes,
// into the ordered timeline: by the number each took from the session's
// counter, without gaps, and with no event of a process before its
// proc.start.
type collector struct {
	start   int64 // monotonic clock at the session's start
	next    uint64
	pending map[uint64]primitives.Wire
	started map[int]bool
	parked  map[int][]primitives.Wire
	seq     int64
	lastT   int64
	out     func(primitives.Record)
	intent  func(primitives.Wire) // operations announced at the gate
}

func newCollector(start int64, out func(primitives.Record), intent func(primitives.Wire)) *collector {
	return &collector{
		start: start, next: 1, out: out, intent: intent,
		pending: map[uint64]primitives.Wire{},
		started: map[int]bool{},
		parked:  map[int][]primitives.Wire{},
	}
}

// add takes one wire event and releases every event that is now in order.
func (c *collector) add(w primitives.Wire) {
	if w.N < c.next { // its gap was given up on: late, but not lost
		c.release(w)
		return
	}
	c.pending[w.N] = w
	c.drain()
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
}

// flush releases everything still held, in order: the session is over.
func (c *collector) flush() {
	for len(c.pending) > 0 {
		c.skipGap()
	}
	for len(c.parked) > 0 {
		for pid, ws := range c.parked {
			delete(c.parked, pid)
			c.started[pid] = true // never announced: release what waits for it
			for _, w := range ws {
				c.release(w)
			}
		}
	}
}

func (c *collector) release(w primitives.Wire) {
	if w.Kind == primitives.KindProcStart && w.PPid != 0 && !c.started[w.PPid] {
		// A grandchild reported by a child whose own start is not out yet.
		c.parked[w.PPid] = append(c.parked[w.PPid], w)
		return
	}
	if w.Kind == primitives.KindProcStart {
		c.started[w.Pid] = true
		c.emit(w)
		ws := c.parked[w.Pid]
		delete(c.parked, w.Pid)
		for _, p := range ws {
			c.release(p)
		}
		return
	}
	if !c.started[w.Pid] {
		c.parked[w.Pid] = append(c.parked[w.Pid], w)
		return
	}
	c.emit(w)
}

func (c *collector) emit(w primitives.Wire) {
	if w.Kind == primitives.KindIntent {
		c.intent(w)
		return
	}
	c.seq++
	r := w.Record
	r.Seq = c.seq
	r.TNs = max(c.lastT, w.Mono-c.start)
	c.lastT = r.TNs
	c.out(r)
}
