package primitives

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/proctour/proctour/trace"
)

// Unit is how long one second of a lesson's Python listing lasts in a demo
// at speed 1: `time.sleep(2)` in a listing sleeps 2×Unit/speed.
const Unit = 200 * time.Millisecond

// Runtime is one process's view of multiprocessing: who it is, where its
// events go and which children it started. In a child process it is built
// from the bootstrap before the target runs; in proctour, package sim makes
// one per session for the script that plays MainProcess.
type Runtime struct {
	pid      int
	name     string
	host     string // another machine's, for a process that joined by relay (NewRemote)
	identity string // Python's _identity: "" for MainProcess, "1", "1:2", …
	daemon   bool
	speed    float64
	trace    *Trace          // nil: events off
	gate     *Gate           // nil: operations run at once (live mode)
	slot     int             // this process's slot in the gate
	stop     <-chan struct{} // closed when the session stops; nil in children
	line     atomic.Int32
	// finishing is set once the main code has ended and Finish reaps.
	finishing atomic.Bool

	mu       sync.Mutex
	children []*Process
	started  int
	segments []*segment
	managers []*Manager
	// managersDown is set once the end of the main code (or a stop) has
	// shut the managers down: a manager started after that is shut down
	// at once instead of being left behind with its socket directory.
	managersDown bool
	pools        []*Pool

	base        *Runtime // the runtime this one is a view of (quiet, ungated)
	isQuiet     bool     // a view without events
	quietView   *Runtime
	ungatedView *Runtime
}

// owner is the runtime a view belongs to, or rt itself.
func (rt *Runtime) owner() *Runtime {
	if rt.base != nil {
		return rt.base
	}
	return rt
}

// view makes a view of rt: the same process, with or without events, never
// at the gate.
func (rt *Runtime) view(events bool) *Runtime {
	v := &Runtime{pid: rt.pid, name: rt.name, host: rt.host, identity: rt.identity, daemon: rt.daemon, speed: rt.speed, stop: rt.stop, base: rt.owner()}
	if events {
		v.trace = rt.trace
	}
	v.isQuiet = !events
	return v
}

// quiet is this process without events or gate: for the machinery that
// Python does not show either, such as a pool's own queues.
func (rt *Runtime) quiet() *Runtime {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if rt.quietView == nil {
		rt.quietView = rt.view(false)
	}
	return rt.quietView
}

// ungated is this process with its events but no gate: for what runs on a
// goroutine of its own beside the main code, such as a pool's callbacks,
// which must not take the main code's place at the gate.
func (rt *Runtime) ungated() *Runtime {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if rt.ungatedView == nil {
		rt.ungatedView = rt.view(true)
	}
	return rt.ungatedView
}

// MainOptions configures the Runtime of a session's main script.
type MainOptions struct {
	Trace *Trace          // where events go; nil turns events off
	Speed float64         // sleep speed-up factor; 0 means 1
	Stop  <-chan struct{} // closing it interrupts the script's blocking calls
	Gate  *Gate           // step mode: operations wait here to be released
}

// NewMain makes the Runtime for a script that runs in this process as
// "MainProcess".
func NewMain(o MainOptions) *Runtime {
	if o.Speed <= 0 {
		o.Speed = 1
	}
	rt := &Runtime{pid: os.Getpid(), name: "MainProcess", speed: o.Speed, trace: o.Trace, stop: o.Stop, gate: o.Gate}
	if rt.gate != nil {
		rt.slot = rt.gate.alloc()
	}
	return rt
}

// Gated reports whether the process's operations wait at a gate (step and
// seeded modes), where the scheduler, not the clock, decides the order.
func (rt *Runtime) Gated() bool { return rt.gate != nil }

// Pid is the process's OS pid (os.getpid()).
func (rt *Runtime) Pid() int { return rt.pid }

// Name is the process's name (current_process().name).
func (rt *Runtime) Name() string { return rt.name }

// Daemon reports whether this process is a daemon.
func (rt *Runtime) Daemon() bool { return rt.daemon }

// Speed is the factor sleeps are divided by.
func (rt *Runtime) Speed() float64 { return rt.speed }

// Line sets the line of the lesson's listing that the following events
// correspond to, until the next call.
func (rt *Runtime) Line(n int) { rt.line.Store(int32(n)) }

// Emit reports an event of this process. kind and obj follow DESIGN.md;
// val is encoded as JSON.
func (rt *Runtime) Emit(kind, obj string, val any) { rt.emitErr(kind, obj, val, "") }

// EmitText reports an event whose value is English prose, with text: the
// same as a format and its values, for other languages.
func (rt *Runtime) EmitText(kind, obj string, val any, text json.RawMessage) {
	if rt.trace == nil {
		return
	}
	rt.trace.write(trace.Record{Pid: rt.pid, Proc: rt.name, Host: rt.host, Kind: kind, Obj: obj, Line: int(rt.line.Load()), Text: text}, val)
}

func (rt *Runtime) emitErr(kind, obj string, val any, errName string) {
	if rt.trace == nil {
		return
	}
	rt.trace.write(trace.Record{Pid: rt.pid, Proc: rt.name, Host: rt.host, Kind: kind, Obj: obj, Line: int(rt.line.Load()), Err: errName}, val)
}

// emitFor reports an event that belongs to another process's lane (a child's
// start and exit, seen from its parent); e.Line is left as given.
func (rt *Runtime) emitFor(e trace.Record, val any) {
	if rt.trace == nil {
		return
	}
	rt.trace.write(e, val)
}

// Tracing reports whether events are on.
func (rt *Runtime) Tracing() bool { return rt.trace != nil }

// Print is Python's print(): the text becomes a stdout event of this process.
func (rt *Runtime) Print(a ...any) {
	rt.awaitOp(trace.KindStdout, "")
	s := fmt.Sprintln(a...)
	rt.Emit(trace.KindStdout, "", strings.TrimSuffix(s, "\n"))
}

// Printf prints formatted text, as print(f"...") does.
func (rt *Runtime) Printf(format string, a ...any) {
	rt.awaitOp(trace.KindStdout, "")
	rt.Emit(trace.KindStdout, "", strings.TrimSuffix(fmt.Sprintf(format, a...), "\n"))
}

// Real converts listing seconds to the real duration at this speed.
func (rt *Runtime) Real(seconds float64) time.Duration {
	return time.Duration(seconds * float64(Unit) / rt.speed)
}

// Sleep is time.sleep(seconds) in listing seconds.
func (rt *Runtime) Sleep(seconds float64) {
	rt.await(trace.KindSleep, "", IntentVal{Timeout: true})
	rt.Emit(trace.KindSleep, "", seconds)
	d := rt.Real(seconds)
	if rt.stop == nil {
		time.Sleep(d)
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-rt.stop:
		panic(ErrStopped)
	}
}

// ReadFile reads a file and reports its content as a file.read event.
func (rt *Runtime) ReadFile(path string) ([]byte, error) {
	rt.awaitOp(trace.KindFileRead, filepath.Base(path))
	b, err := os.ReadFile(path)
	if err != nil {
		rt.emitErr(trace.KindFileRead, filepath.Base(path), nil, "FileNotFoundError")
		return nil, err
	}
	rt.Emit(trace.KindFileRead, filepath.Base(path), string(b))
	return b, nil
}

// WriteFile writes a file and reports the new content as a file.write event.
func (rt *Runtime) WriteFile(path string, data []byte) error {
	rt.awaitOp(trace.KindFileWrite, filepath.Base(path))
	rt.Emit(trace.KindFileWrite, filepath.Base(path), string(data))
	return os.WriteFile(path, data, 0o644)
}

// ReplaceFile renames src over dst in one step, as os.replace(src, dst)
// does (an atomic rename on POSIX): a reader of dst sees the old file or
// the new one, never a half-written one. It reports a file.replace event
// named by dst, whose value is src's name, once the rename is done.
func (rt *Runtime) ReplaceFile(src, dst string) error {
	rt.awaitOp(trace.KindFileReplace, filepath.Base(dst))
	if err := os.Rename(src, dst); err != nil {
		return err
	}
	rt.Emit(trace.KindFileReplace, filepath.Base(dst), filepath.Base(src))
	return nil
}

// AppendFile appends to a file, as open(path, 'a').write(s) does, and
// reports what it appended as a file.append event.
func (rt *Runtime) AppendFile(path string, data []byte) error {
	rt.awaitOp(trace.KindFileAppend, filepath.Base(path))
	rt.Emit(trace.KindFileAppend, filepath.Base(path), string(data))
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// ErrStopped is the panic value that unwinds a main script whose session was
// stopped (by the user or the watchdog) while it waited. The session
// recovers it; scripts never see it.
var ErrStopped = fmt.Errorf("session stopped")

// waitWord blocks while *addr == val, for at most d (d < 0: no limit). In a
// main script it waits in slices so that a stopped session can interrupt it.
func (rt *Runtime) waitWord(addr *uint32, val uint32, d time.Duration) bool {
	if rt.stop == nil {
		return futexWaitOn(addr, val, d)
	}
	const slice = 50 * time.Millisecond
	deadline := time.Now().Add(d)
	for {
		select {
		case <-rt.stop:
			panic(ErrStopped)
		default:
		}
		w := slice
		if d >= 0 {
			left := time.Until(deadline)
			if left <= 0 {
				return false
			}
			w = min(w, left)
		}
		if futexWaitOn(addr, val, w) {
			return true
		}
		if d >= 0 && time.Until(deadline) <= 0 {
			return false
		}
		// A slice ran out: check the word again before waiting more.
		if readWord(addr) != val {
			return true
		}
	}
}

// track remembers a segment so that Close releases it.
func (rt *Runtime) track(s *segment) {
	rt.mu.Lock()
	rt.segments = append(rt.segments, s)
	rt.mu.Unlock()
}

// Close releases the shared memory this runtime created or mapped. Call it
// when the script and its children are done.
func (rt *Runtime) Close() {
	// A pool's result handler runs callbacks, which emit: let it end first.
	// Finish has terminated the pools, and a stopped session interrupts the
	// handler's wait, so this is quick; the bound is for a callback that
	// never returns.
	rt.awaitPoolHandlers(2 * time.Second)
	rt.closeConns(false)
	rt.mu.Lock()
	segs := rt.segments
	rt.segments = nil
	rt.mu.Unlock()
	for _, s := range segs {
		s.close()
	}
}

// realTimeout converts a timeout in listing seconds (negative: none) to a
// real duration for waitWord.
func (rt *Runtime) realTimeout(seconds float64) time.Duration {
	if seconds < 0 {
		return -1
	}
	return rt.Real(seconds)
}

// timeoutVal is a timeout as an event payload: the listing's seconds, or
// nil (null) when there is none.
func timeoutVal(seconds float64) json.RawMessage {
	if seconds < 0 {
		return nil
	}
	return encodeVal(seconds)
}

// Timing reports a measured wall time, as a listing's print of
// time.perf_counter() differences would.
func (rt *Runtime) Timing(label string, d time.Duration) {
	rt.awaitOp(trace.KindTiming, label)
	rt.Emit(trace.KindTiming, label, d.Seconds())
}
