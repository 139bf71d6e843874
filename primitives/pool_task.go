package primitives

import (
	"encoding/json"
	"errors"
	"sync"
)

// taskFunc runs a registered task on a chunk of items: args is a JSON
// array of arguments; it returns the JSON array of results, or the error of
// the first item that raised (with the results before it). each, if set,
// is told of every item's start and end, for the events.
type taskFunc func(rt *Runtime, args json.RawMessage, each *itemEvents) (json.RawMessage, error)

// itemEvents reports a chunk's items as they run.
type itemEvents struct {
	start func(k int, arg json.RawMessage)
	done  func(k int, result json.RawMessage, err *Error)
}

var (
	tasksMu sync.RWMutex
	tasks   = map[string]taskFunc{}
)

// Task is a function a pool's workers can run, registered by name as a
// child target is: a worker is another process, so the function travels as
// its name and its arguments and result as encoded values.
type Task[A, R any] struct{ name string }

// Name is the task's registered name.
func (t Task[A, R]) Name() string { return t.name }

// RegisterTask registers fn as a task; call it from a package-level
// declaration so that every process has it. A chunk of items is decoded
// and its results encoded in one go each, as Python pickles a chunk.
func RegisterTask[A, R any](name string, fn func(rt *Runtime, a A) (R, error)) Task[A, R] {
	tasksMu.Lock()
	defer tasksMu.Unlock()
	if _, dup := tasks[name]; dup {
		panic("primitives: task registered twice: " + name)
	}
	tasks[name] = func(rt *Runtime, raw json.RawMessage, each *itemEvents) (json.RawMessage, error) {
		var args []A
		if err := decodeInto(raw, &args); err != nil {
			return nil, pyErr("TypeError", "arguments of %s: %v", name, err)
		}
		results := make([]R, 0, len(args))
		var failed error
		for k, a := range args {
			if each != nil {
				b, _ := json.Marshal(a)
				each.start(k, b)
			}
			r, err := callTask(rt, fn, a)
			if err != nil {
				if each != nil {
					each.done(k, nil, asPyErr(err))
				}
				failed = err
				break
			}
			if each != nil {
				b, _ := json.Marshal(r)
				each.done(k, b, nil)
			}
			results = append(results, r)
		}
		out, err := encodeList(results)
		if err != nil && failed == nil {
			failed = pyErr("TypeError", "results of %s: %v", name, err)
		}
		return out, failed
	}
	return Task[A, R]{name: name}
}

// callTask calls a task's function, turning a panic into Python's
// exception.
func callTask[A, R any](rt *Runtime, fn func(rt *Runtime, a A) (R, error), a A) (r R, err error) {
	defer func() {
		if x := recover(); x != nil {
			if x == ErrStopped {
				panic(x)
			}
			err = pyErr("Exception", "%v", x)
		}
	}()
	return fn(rt, a)
}

// runTask runs a registered task on a chunk of arguments.
func runTask(rt *Runtime, name string, args json.RawMessage, each *itemEvents) (json.RawMessage, error) {
	tasksMu.RLock()
	fn := tasks[name]
	tasksMu.RUnlock()
	if fn == nil {
		return nil, pyErr("AttributeError", "no task named %q in this binary", name)
	}
	return fn(rt, args, each)
}

func asPyErr(err error) *Error {
	var pe *Error
	if errors.As(err, &pe) {
		return pe
	}
	return &Error{Type: "Exception", Msg: err.Error()}
}
