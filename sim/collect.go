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
	// held are events that came after a parked one: while any event is
	// parked, the others wait behind it, so that parking never reorders
	// events of different processes (a child's put must not come after
	// the get it fed).
	held    []primitives.Wire
	nparked int
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
			c.nparked -= len(ws)
			c.started[pid] = true // never announced: release what waits for it
			for _, w := range ws {
				c.release(w)
			}
		}
	}
	c.unhold()
}

// park holds w until its process's start is out.
func (c *collector) park(pid int, w primitives.Wire) {
	c.parked[pid] = append(c.parked[pid], w)
	c.nparked++
}

// unhold releases the events held behind parked ones, once none is parked.
func (c *collector) unhold() {
	for c.nparked == 0 && len(c.held) > 0 {
		w := c.held[0]
		c.held = c.held[1:]
		c.release(w)
	}
}

func (c *collector) release(w primitives.Wire) {
	if w.Kind == primitives.KindProcStart && w.PPid != 0 && !c.started[w.PPid] {
		// A grandchild reported by a child whose own start is not out yet.
		c.park(w.PPid, w)
		return
	}
	if w.Kind == primitives.KindProcStart {
		c.started[w.Pid] = true
		c.emit(w)
		ws := c.parked[w.Pid]
		delete(c.parked, w.Pid)
		c.nparked -= len(ws)
		for _, p := range ws {
			c.release(p)
		}
		c.unhold()
		return
	}
	if !c.started[w.Pid] {
		c.park(w.Pid, w)
		return
	}
	if c.nparked > 0 {
		c.held = append(c.held, w)
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
