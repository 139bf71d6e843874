package primitives

import "encoding/json"

// RelayedLanes writes into this session's trace the events of processes
// of other machines that reach it by another way than a manager's
// connection (lesson 17's broker: over NATS), as a manager's server does
// with Relay's: an event of a process whose proc.start it has not written
// is dropped, and Close ends the lanes still open (exit 1,
// ConnectionResetError), so that the trace's invariants hold.
type RelayedLanes struct {
	rt *Runtime
	r  remoteLanes
}

// NewRelayedLanes writes relayed events into rt's trace.
func (rt *Runtime) NewRelayedLanes() *RelayedLanes { return &RelayedLanes{rt: rt} }

// Relay writes one event of another machine: a line of its process's own
// trace (NewRemote's, with its host), as Relay sends it.
func (l *RelayedLanes) Relay(line []byte) {
	l.r.relay(l.rt, nil, mgrRequest{Args: []json.RawMessage{append([]byte(nil), line...)}})
}

// Open is how many relayed processes have started and not yet exited.
func (l *RelayedLanes) Open() int { return l.r.open() }

// Close ends every relayed lane still open; nothing relayed after it is
// written.
func (l *RelayedLanes) Close() { l.r.closeAll(l.rt) }
