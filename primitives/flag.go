package primitives

import (
	"sync/atomic"
	"time"

	"github.com/proctour/proctour/trace"
)

// Event is multiprocessing.Event: a flag that processes wait for. Wait blocks
// while the flag is false; Set wakes every waiter.
//
// Layout: word 0 the flag, word 1 the number of waiters.
type Event struct {
	rt   *Runtime
	name string
	seg  *segment
}

// NewEvent creates an Event whose flag is false.
func (rt *Runtime) NewEvent(name string) (*Event, error) {
	seg, err := newSegment(name)
	if err != nil {
		return nil, err
	}
	rt.track(seg)
	return &Event{rt: rt, name: name, seg: seg}, nil
}

func (e *Event) flag() *uint32    { return e.seg.u32(0) }
func (e *Event) waiters() *uint32 { return e.seg.u32(4) }

// Name is the event's name in events.
func (e *Event) Name() string { return e.name }

// IsSet reports the flag.
func (e *Event) IsSet() bool { return atomic.LoadUint32(e.flag()) == 1 }

// Set makes the flag true and wakes every waiter.
func (e *Event) Set() {
	e.rt.awaitOp(trace.KindEventSet, e.name)
	e.rt.Emit(trace.KindEventSet, e.name, nil)
	atomic.StoreUint32(e.flag(), 1)
	if atomic.LoadUint32(e.waiters()) > 0 {
		futexWakeOn(e.flag(), 1<<30)
	}
}

// Clear makes the flag false.
func (e *Event) Clear() {
	e.rt.awaitOp(trace.KindEventClear, e.name)
	e.rt.Emit(trace.KindEventClear, e.name, nil)
	atomic.StoreUint32(e.flag(), 0)
}

// Wait blocks until the flag is true.
func (e *Event) Wait() bool { return e.WaitTimeout(-1) }

// WaitTimeout is wait(timeout=seconds): it returns the flag, false when the
// time ran out first.
func (e *Event) WaitTimeout(seconds float64) bool {
	e.rt.await(trace.KindEventWait, e.name, IntentVal{Timeout: seconds >= 0})
	if e.IsSet() {
		e.rt.Emit(trace.KindEventWake, e.name, true)
		return true
	}
	e.rt.Emit(trace.KindEventWait, e.name, timeoutVal(seconds))
	d := e.rt.realTimeout(seconds)
	deadline := time.Now().Add(d)
	atomic.AddUint32(e.waiters(), 1)
	defer atomic.AddUint32(e.waiters(), ^uint32(0))
	for !e.IsSet() {
		left := time.Duration(-1)
		if d >= 0 {
			if left = time.Until(deadline); left <= 0 {
				break
			}
		}
		e.rt.waitWord(e.flag(), 0, left)
	}
	set := e.IsSet()
	e.rt.Emit(trace.KindEventWake, e.name, set)
	return set
}

// MarshalJSON passes the event to a child being started.
func (e *Event) MarshalJSON() ([]byte, error) { return marshalHandle("event", e.name, e.seg.f, 0) }

// UnmarshalJSON maps, in a child, an event its parent passed.
func (e *Event) UnmarshalJSON(b []byte) error {
	h, seg, err := unmarshalHandle(b, "event")
	if err != nil {
		return err
	}
	*e = Event{rt: self, name: h.Name, seg: seg}
	return nil
}
