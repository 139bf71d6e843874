package primitives

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sort"
	"sync"

	"github.com/proctour/proctour/trace"
)

// envChild marks a proctour process as a child; its value is the bootstrap.
const envChild = "PROCTOUR_CHILD"

// Descriptors every child finds at fixed numbers; handles follow.
const (
	fdLifeline = 3 // read end of proctour's lifeline pipe: EOF means "exit now"
	fdTrace    = 4 // write end of the session's event pipe
	fdCounter  = 5 // the session's event counter
	fdGate     = 6 // the session's gate (step mode)
	fdHandles  = 7
)

// bootstrap is everything a child needs to become the process its parent
// described.
type bootstrap struct {
	Target   string          `json:"target"`
	Args     json.RawMessage `json:"args"`
	Name     string          `json:"name"`
	Identity string          `json:"identity"`
	Daemon   bool            `json:"daemon"`
	Speed    float64         `json:"speed"`
	Trace    bool            `json:"trace"`
	Slot     int             `json:"slot,omitempty"` // gate slot; 0: no gate
	MaxFD    int             `json:"max_fd"`
}

type targetFunc func(rt *Runtime, args json.RawMessage) error

var (
	registryMu sync.RWMutex
	registry   = map[string]targetFunc{}
)

// Target is a function registered by name so that a child process can run
// it, with arguments of type A encoded as JSON.
type Target[A any] struct{ name string }

// Name is the name the target was registered under.
func (t Target[A]) Name() string { return t.name }

// Register makes fn runnable in a child process under name. Call it from a
// package-level variable declaration so that the registration exists in the
// child before MaybeRunChild looks it up; it must stay cheap.
func Register[A any](name string, fn func(rt *Runtime, args A) error) Target[A] {
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[name]; dup {
		panic("primitives: target registered twice: " + name)
	}
	registry[name] = func(rt *Runtime, raw json.RawMessage) error {
		var a A
		if len(raw) > 0 {
			if err := json.Unmarshal(raw, &a); err != nil {
				return fmt.Errorf("decode arguments of %s: %w", name, err)
			}
		}
		return fn(rt, a)
	}
	return Target[A]{name: name}
}

// Targets lists the registered target names, sorted.
func Targets() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// self is the Runtime of this process when it is a child; handles decoded
// from the arguments bind to it.
var self *Runtime

// MaybeRunChild runs the registered target and exits when this process is a
// proctour child; otherwise it returns at once. Call it first thing in main
// and in TestMain.
func MaybeRunChild() {
	spec := os.Getenv(envChild)
	if spec == "" {
		return
	}
	os.Exit(runChild(spec))
}

func runChild(spec string) int {
	os.Unsetenv(envChild)
	var b bootstrap
	if err := json.Unmarshal([]byte(spec), &b); err != nil {
		fmt.Fprintln(os.Stderr, "proctour child: bad bootstrap:", err)
		return 2
	}
	for fd := fdLifeline; fd <= b.MaxFD; fd++ {
		closeOnExec(fd)
	}
	go watchLifeline(os.NewFile(fdLifeline, "lifeline"))

	rt := &Runtime{pid: os.Getpid(), name: b.Name, identity: b.Identity, daemon: b.Daemon, speed: b.Speed}
	if rt.speed <= 0 {
		rt.speed = 1
	}
	if b.Trace {
		ctr, err := mapSegment(os.NewFile(fdCounter, "counter"))
		if err != nil {
			fmt.Fprintln(os.Stderr, "proctour child:", err)
			return 2
		}
		rt.trace = &Trace{w: os.NewFile(fdTrace, "trace"), counter: ctr}
	}
	if b.Slot > 0 {
		seg, err := mapSegment(os.NewFile(fdGate, "gate"))
		if err != nil {
			fmt.Fprintln(os.Stderr, "proctour child:", err)
			return 2
		}
		rt.gate, rt.slot = &Gate{seg: seg}, b.Slot
	}
	self = rt

	registryMu.RLock()
	fn := registry[b.Target]
	registryMu.RUnlock()
	if fn == nil {
		rt.Report(fmt.Errorf("no target named %q in this binary", b.Target))
		return 2
	}
	code := 0
	if err := runTarget(rt, fn, b.Args); err != nil {
		rt.Report(err)
		code = 1
	}
	rt.Finish()
	rt.closeConns(true) // ends left open close as the process exits
	return code
}

// runTarget calls the target, turning a panic into an error as Python turns
// an exception into a traceback and exit code 1.
func runTarget(rt *Runtime, fn targetFunc, args json.RawMessage) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
		}
	}()
	return fn(rt, args)
}

// Report prints an uncaught error the way Python prints an exception that
// ends a process: on stderr, with the exception's type in the event.
func (rt *Runtime) Report(err error) {
	var pe *Error
	typ := "Exception"
	if errors.As(err, &pe) {
		typ = pe.Type
	}
	msg := fmt.Sprintf("Process %s: %v", rt.name, err)
	if rt.identity == "" { // the main script: Python prints a bare traceback
		msg = fmt.Sprintf("Traceback (most recent call last): %v", err)
	}
	if rt.trace != nil {
		rt.emitErr(trace.KindStdout, "stderr", msg, typ)
	} else {
		fmt.Fprintln(os.Stderr, msg)
	}
}

// watchLifeline ends this process when proctour, which holds the only write
// end of the lifeline, is gone: with SIGKILL, as Pdeathsig would, so that a
// child that died with proctour looks the same whichever came first.
func watchLifeline(f *os.File) {
	io.Copy(io.Discard, f)
	killSelf()
	os.Exit(137)
}
