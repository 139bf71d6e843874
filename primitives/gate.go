package primitives

import (
	"encoding/json"
	"sync/atomic"

	"github.com/proctour/proctour/trace"
)

// maxSlots is how many processes one gate can hold: one word each, after
// the allocation counter, in one segment.
const maxSlots = segmentSize/4 - 1

// Gate holds every process of a step-mode session at the start of each
// instrumented operation until the session releases it. Each process has a
// slot: a ticket word it waits on, which the session increments to release
// it.
//
// Layout: word 0 the last slot handed out; word i the ticket of slot i.
type Gate struct{ seg *segment }

// NewGate creates a gate.
func NewGate() (*Gate, error) {
	seg, err := newSegment("gate")
	if err != nil {
		return nil, err
	}
	return &Gate{seg: seg}, nil
}

// alloc hands out a slot; 0 means the gate is full and the process will run
// ungated.
func (g *Gate) alloc() int {
	n := int(atomic.AddUint32(g.seg.u32(0), 1))
	if n > maxSlots {
		return 0
	}
	return n
}

func (g *Gate) word(slot int) *uint32 { return g.seg.u32(4 * slot) }

// Release lets the process waiting in slot with ticket run its operation.
// A stale ticket (the process has moved on) does nothing.
func (g *Gate) Release(slot int, ticket uint32) {
	if slot < 1 || slot > maxSlots {
		return
	}
	if atomic.CompareAndSwapUint32(g.word(slot), ticket, ticket+1) {
		futexWakeOn(g.word(slot), 1)
	}
}

// ReleaseSure is Release for an operation the session knows will not
// block (the lock is free, an item was put): await tells the operation so
// (see Runtime.await).
func (g *Gate) ReleaseSure(slot int, ticket uint32) {
	if slot < 1 || slot > maxSlots {
		return
	}
	if atomic.CompareAndSwapUint32(g.word(slot), ticket, ticket+2) {
		futexWakeOn(g.word(slot), 1)
	}
}

// Close unmaps the gate in this process.
func (g *Gate) Close() error { return g.seg.close() }

// IntentVal is the payload of an intent: which operation, and what the
// scheduler needs to judge whether it can proceed.
type IntentVal struct {
	Op        string `json:"op"`
	Slot      int    `json:"slot"`
	Ticket    uint32 `json:"ticket"`
	Timeout   bool   `json:"timeout,omitempty"`   // it cannot block forever
	Initial   int    `json:"initial,omitempty"`   // a semaphore's initial value
	Reentrant bool   `json:"reentrant,omitempty"` // an RLock
	Method    string `json:"method,omitempty"`    // a proxy call's method
	Job       int    `json:"job,omitempty"`       // a pool job's number (get)
}

// await announces the operation and waits at the gate until the session
// releases it. Without a gate, or once the session is stopping, it returns
// at once. It reports whether the session released it knowing it will not
// block (ReleaseSure): what it waits for is on its way (a queue's feeder
// publishing an item already reported put), so it waits for it without
// saying it blocks.
func (rt *Runtime) await(op, obj string, v IntentVal) (sure bool) {
	if rt.stop != nil {
		// A stopped main script takes no further step, whatever woke it;
		// only the end of the main code (Finish) still runs, to reap.
		select {
		case <-rt.stop:
			if !rt.owner().finishing.Load() {
				panic(ErrStopped)
			}
			return false
		default:
		}
	}
	if rt.gate == nil || rt.slot == 0 || rt.trace == nil {
		return false
	}
	w := rt.gate.word(rt.slot)
	t := atomic.LoadUint32(w)
	v.Op, v.Slot, v.Ticket = op, rt.slot, t
	raw, _ := json.Marshal(v)
	rt.trace.writeIntent(trace.Record{Pid: rt.pid, Proc: rt.name, Kind: trace.KindIntent, Obj: obj, Line: int(rt.line.Load()), Val: raw})
	for atomic.LoadUint32(w) == t {
		rt.waitWord(w, t, -1)
	}
	return atomic.LoadUint32(w) == t+2
}

// awaitOp is await for an operation with nothing more to say.
func (rt *Runtime) awaitOp(op, obj string) { rt.await(op, obj, IntentVal{}) }

// AwaitOp holds an operation a scenario makes itself, outside these
// primitives (a broker's publish, fetch or ack over the network), at the
// gate in step and seeded modes, announced as op (a trace kind) on obj;
// the session's fold judges whether it can proceed (sim's gate). timeout:
// it cannot block forever. Without a gate it returns at once.
func (rt *Runtime) AwaitOp(op, obj string, timeout bool) {
	rt.await(op, obj, IntentVal{Timeout: timeout})
}

// Notices at the gate: intents that wait for nothing, which tell the
// scheduler of a hand-off it cannot see in the timeline. A pool worker
// hands each result to the result handler in the pool's process
// (OpPoolHandoff, once it has put the result, before it comes back to the
// gate); the handler says when it has delivered it, callbacks and done
// callbacks run (OpPoolDelivered). Until both are in, the scheduler
// releases nothing, so that a callback comes in the same place in every
// run of a seed.
const (
	OpPoolHandoff   = "pool.handoff"
	OpPoolDelivered = "pool.delivered"
)

// notice tells the gate of op on obj without waiting. It goes through the
// trace, after every event this process wrote before it.
func (rt *Runtime) notice(op, obj string) {
	o := rt.owner()
	if o.gate == nil || o.slot == 0 || o.trace == nil {
		return
	}
	raw, _ := json.Marshal(IntentVal{Op: op})
	o.trace.writeIntent(trace.Record{Pid: o.pid, Proc: o.name, Kind: trace.KindIntent, Obj: obj, Val: raw})
}

// Stamped is how many events and intents have taken their number so far,
// in every process of the session.
func (t *Trace) Stamped() uint64 { return atomic.LoadUint64(t.counter.u64(0)) }
