package primitives

import (
	"fmt"

	"github.com/proctour/proctour/trace"
)

// Wire is an Event as a process writes it to the session's event pipe: the
// event plus its place in the causal order (N, from the shared counter) and
// the monotonic clock reading at the moment of the operation.
type Wire struct {
	trace.Record
	N    uint64 `json:"n"`
	Mono int64  `json:"mono"`
}

// Error is an exception as Python names it: Type is the class name
// ("ValueError", "queue.Full"), Msg its message.
type Error struct {
	Type string
	Msg  string
}

func (e *Error) Error() string { return e.Type + ": " + e.Msg }

func pyErr(typ, format string, a ...any) *Error {
	return &Error{Type: typ, Msg: fmt.Sprintf(format, a...)}
}

// Python's messages for the errors the primitives raise.
var (
	errReleasedTooMany = func() *Error { return pyErr("ValueError", "semaphore or lock released too many times") }
	errRLockNotOwned   = func() *Error { return pyErr("AssertionError", "attempt to release recursive lock not owned by thread") }
	errDaemonChildren  = func() *Error { return pyErr("AssertionError", "daemonic processes are not allowed to have children") }
)
