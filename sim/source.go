package sim

import "github.com/proctour/proctour/trace"

// Source is a run a view can follow and drive: a Go demo's Session, or a
// traced Python program (pytrace.Run). Everything a view needs goes
// through it, so a view never knows which it draws.
type Source interface {
	// Snapshot returns the timeline from index from on, the operations
	// waiting at the gate (step and seeded modes), whether the run is
	// over, and a channel closed at the next change.
	Snapshot(from int) (events []trace.Record, pending []Intent, done bool, changed <-chan struct{})
	// Release lets the process with pid perform its pending operation;
	// ReleaseNext the oldest that can proceed. ErrNotStepping outside step
	// mode.
	Release(pid int) error
	ReleaseNext() error
	// Busy reports whether a released operation is still under way.
	Busy() bool
	// Mode is the run's scheduling mode.
	Mode() Mode
	// Stop ends the run early; Done is closed once every process is gone.
	Stop()
	Done() <-chan struct{}
	// Timeline is every event so far.
	Timeline() []trace.Record
}

var _ Source = (*Session)(nil)
