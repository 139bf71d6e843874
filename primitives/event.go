package primitives

import (
	"encoding/json"
	"fmt"
)

// Record is one event of a trace: something a process did, as DESIGN.md's
// trace contract defines it. Seq and TNs are assigned by the session's
// collector; the other fields are filled in by the process that acts.
type Record struct {
	Seq    int64           `json:"seq"`
	TNs    int64           `json:"t_ns"`
	Pid    int             `json:"pid"`
	PPid   int             `json:"ppid,omitempty"`
	Proc   string          `json:"proc"`
	Kind   string          `json:"kind"`
	Obj    string          `json:"obj"`
	Val    json.RawMessage `json:"val"`
	Daemon *bool           `json:"daemon,omitempty"`
	Line   int             `json:"line,omitempty"`
	Err    string          `json:"err,omitempty"`
	// Text, where present, is what val says in English as a format and
	// its values, for the screen to put into another language (the
	// watchdog's report).
	Text json.RawMessage `json:"text,omitempty"`
}

// Wire is an Event as a process writes it to the session's event pipe: the
// event plus its place in the causal order (N, from the shared counter) and
// the monotonic clock reading at the moment of the operation.
type Wire struct {
	Record
	N    uint64 `json:"n"`
	Mono int64  `json:"mono"`
}

// Event kinds. The trace contract allows new kinds but never renames one.
const (
	KindProcStart     = "proc.start"
	KindProcExit      = "proc.exit"
	KindProcTerminate = "proc.terminate"
	KindProcJoin      = "proc.join"
	KindStdout        = "stdout"
	KindSleep         = "sleep"
	KindLockWait      = "lock.wait"
	KindLockAcquire   = "lock.acquire"
	KindLockRelease   = "lock.release"
	KindSemWait       = "sem.wait"
	KindSemAcquire    = "sem.acquire"
	KindSemRelease    = "sem.release"
	KindEventWait     = "event.wait"
	KindEventWake     = "event.wake"
	KindEventSet      = "event.set"
	KindEventClear    = "event.clear"
	KindFileRead      = "file.read"
	KindFileWrite     = "file.write"
	KindFileAppend    = "file.append"
	KindError         = "error"
	KindWatchdog      = "watchdog"
)

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
