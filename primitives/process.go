package primitives

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/proctour/proctour/trace"
)

// Process is a child process running a registered target, as Python's
// multiprocessing.Process. Set Name and Daemon before Start.
type Process struct {
	// Name defaults to "Process-N", N counting the children of the parent.
	Name string
	// Daemon children are terminated when the parent's main code ends, and
	// may not start children of their own.
	Daemon bool
	// KeepZombie leaves the child a zombie once it exits, as Python's
	// children are until join() (or is_alive(), or active_children())
	// waits for them; by default proctour reaps a child as it exits. Linux
	// only; elsewhere it is reaped as usual.
	KeepZombie bool
	// Orphanable lets the child outlive its parent, as an orphan: it is
	// started without the parent-death signal. It still dies with
	// proctour, through the lifeline.
	Orphanable bool

	rt       *Runtime
	ungated  bool // Start does not wait at the gate (a pool replacing a worker)
	target   string
	args     any
	identity string

	cmd     *exec.Cmd
	zombie  atomic.Bool   // exited, not yet reaped (KeepZombie)
	reapNow chan struct{} // closed to reap a kept zombie
	reapOne sync.Once
	pid     int
	started bool
	done    chan struct{}
	exit    int
}

// NewProcess prepares Process(target=t, args=args) in the process rt stands
// for. Nothing starts until Start.
func NewProcess[A any](rt *Runtime, t Target[A], args A) *Process {
	rt.mu.Lock()
	rt.started++
	n := rt.started
	rt.mu.Unlock()
	id := strconv.Itoa(n)
	if rt.identity != "" {
		id = rt.identity + ":" + id
	}
	return &Process{Name: "Process-" + id, rt: rt, target: t.name, args: args, identity: id}
}

// Pid is the child's OS pid, 0 before Start.
func (p *Process) Pid() int { return p.pid }

// IsAlive reports whether the child has started and not yet exited.
func (p *Process) IsAlive() bool {
	if !p.started {
		return false
	}
	if p.zombie.Load() { // as Python's is_alive(), it reaps an exited child
		p.reapZombie()
		return false
	}
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// ExitCode is Python's exitcode: ok is false while the child runs (None);
// the code is negative (-signal) when a signal killed it.
func (p *Process) ExitCode() (code int, ok bool) {
	if !p.started {
		return 0, false
	}
	select {
	case <-p.done:
		return p.exit, true
	default:
		return 0, false
	}
}

// Done is closed once the child has exited and been reaped.
func (p *Process) Done() <-chan struct{} { return p.done }

var (
	exeOnce sync.Once
	exePath string
	exeErr  error

	lifeOnce sync.Once
	lifeR    *os.File // what children get: EOF once proctour is gone
	lifeW    *os.File // held, never written, by proctour only
	lifeErr  error
)

func executable() (string, error) {
	exeOnce.Do(func() { exePath, exeErr = os.Executable() })
	return exePath, exeErr
}

// lifeline returns the read end children inherit. In proctour it is a pipe
// whose only write end proctour holds; in a child it is the one it inherited,
// so that grandchildren too die with proctour, not with their parent.
func lifeline() (*os.File, error) {
	lifeOnce.Do(func() {
		if self != nil {
			lifeR = os.NewFile(fdLifeline, "lifeline")
			return
		}
		lifeR, lifeW, lifeErr = os.Pipe()
	})
	return lifeR, lifeErr
}

// passing collects the descriptors of the handles in the arguments of the
// Process being started; handles' MarshalJSON adds to it.
var (
	passMu  sync.Mutex
	passing []*os.File
)

func passFile(f *os.File) (int, error) {
	if passing == nil {
		return 0, errors.New("can only be shared with a child by passing it in Process arguments")
	}
	for i, g := range passing {
		if g == f {
			return fdHandles + i, nil
		}
	}
	passing = append(passing, f)
	return fdHandles + len(passing) - 1, nil
}

func encodeArgs(args any) (json.RawMessage, []*os.File, error) {
	passMu.Lock()
	defer passMu.Unlock()
	passing = []*os.File{}
	defer func() { passing = nil }()
	b, err := json.Marshal(args)
	if err != nil {
		return nil, nil, fmt.Errorf("encode arguments: %w", err)
	}
	return b, passing, nil
}

// Start asks the OS for the child and returns; the child runs on its own
// time, so the parent's next line often runs first.
func (p *Process) Start() error {
	rt := p.rt
	if rt.daemon {
		return errDaemonChildren()
	}
	if p.started {
		return pyErr("AssertionError", "cannot start a process twice")
	}
	if !p.ungated {
		rt.awaitOp(trace.KindProcStart, p.Name)
	}
	exe, err := executable()
	if err != nil {
		return fmt.Errorf("start %s: %w", p.Name, err)
	}
	life, err := lifeline()
	if err != nil {
		return fmt.Errorf("start %s: lifeline: %w", p.Name, err)
	}
	args, files, err := encodeArgs(p.args)
	if err != nil {
		return fmt.Errorf("start %s: %w", p.Name, err)
	}
	slot := 0
	if rt.gate != nil {
		slot = rt.gate.alloc()
	}
	boot, err := json.Marshal(bootstrap{
		Target: p.target, Args: args, Name: p.Name, Identity: p.identity, Daemon: p.Daemon,
		Speed: rt.speed, Trace: rt.trace != nil, Slot: slot, MaxFD: fdHandles + len(files) - 1,
	})
	if err != nil {
		return fmt.Errorf("start %s: %w", p.Name, err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("start %s: output pipe: %w", p.Name, err)
	}
	cmd := exec.Command(exe)
	cmd.Args = []string{exe, "child", p.Name}
	cmd.Env = append(withoutChildMarker(os.Environ()), envChild+"="+string(boot))
	cmd.Stdout, cmd.Stderr = outW, outW
	extra := []*os.File{life, nil, nil, nil}
	if rt.trace != nil {
		extra[1], extra[2] = rt.trace.w, rt.trace.counter.f
	}
	if slot > 0 {
		extra[3] = rt.gate.seg.f
	}
	cmd.ExtraFiles = append(extra, files...)
	cmd.SysProcAttr = childAttr()
	if p.Orphanable {
		cmd.SysProcAttr = orphanAttr()
	}
	err = cmd.Start()
	outW.Close()
	if err != nil {
		outR.Close()
		return fmt.Errorf("start %s: %w", p.Name, err)
	}
	p.cmd, p.pid, p.started, p.done = cmd, cmd.Process.Pid, true, make(chan struct{})
	p.reapNow = make(chan struct{})
	rt.mu.Lock()
	rt.children = append(rt.children, p)
	rt.mu.Unlock()

	daemon := p.Daemon
	rt.emitFor(trace.Record{Pid: p.pid, PPid: rt.pid, Proc: p.Name, Kind: trace.KindProcStart, Daemon: &daemon, Line: int(rt.line.Load())}, p.target)
	outDone := make(chan struct{})
	go p.forwardOutput(outR, outDone)
	go p.reap(outDone)
	return nil
}

func withoutChildMarker(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, envChild+"=") {
			out = append(out, kv)
		}
	}
	return out
}

// forwardOutput turns what the child writes on stdout and stderr (anything
// not printed through Runtime.Print: a crash, a stray fmt.Println) into
// stdout events of the child's lane.
func (p *Process) forwardOutput(r *os.File, done chan<- struct{}) {
	defer close(done)
	defer r.Close()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), 1<<20)
	for sc.Scan() {
		p.rt.emitFor(trace.Record{Pid: p.pid, Proc: p.Name, Kind: trace.KindStdout, Obj: "stderr"}, sc.Text())
	}
}

// reap waits for the child, so that no zombie is left, and reports its exit
// after everything it printed.
func (p *Process) reap(outDone <-chan struct{}) {
	if p.KeepZombie && waitExited(p.pid) == nil {
		p.zombie.Store(true)
		p.rt.emitFor(trace.Record{Pid: p.pid, Proc: p.Name, Kind: trace.KindProcZombie}, nil)
		<-p.reapNow
	}
	err := p.cmd.Wait()
	code := exitCode(p.cmd.ProcessState, err)
	select {
	case <-outDone:
	case <-time.After(250 * time.Millisecond): // a grandchild kept the output pipe
	}
	p.exit = code
	p.rt.emitFor(trace.Record{Pid: p.pid, Proc: p.Name, Kind: trace.KindProcExit}, code)
	close(p.done)
}

// reapZombie lets a kept zombie be reaped, and waits until it is.
func (p *Process) reapZombie() {
	p.reapOne.Do(func() { close(p.reapNow) })
	<-p.done
}

// Join waits until the child exits (p.join()).
func (p *Process) Join() error { return p.JoinTimeout(-1) }

// JoinTimeout waits at most seconds (listing seconds; negative: no limit).
// As in Python it returns no sign of a time-out: check IsAlive.
func (p *Process) JoinTimeout(seconds float64) error {
	if !p.started {
		return pyErr("AssertionError", "can only join a started process")
	}
	p.rt.await(trace.KindProcJoin, p.Name, IntentVal{Timeout: seconds >= 0})
	p.rt.Emit(trace.KindProcJoin, p.Name, timeoutVal(seconds))
	var timeout <-chan time.Time
	if seconds >= 0 {
		t := time.NewTimer(p.rt.Real(seconds))
		defer t.Stop()
		timeout = t.C
	}
	if p.KeepZombie { // join() is the wait that reaps it
		p.reapOne.Do(func() { close(p.reapNow) })
	}
	select {
	case <-p.done:
	case <-timeout:
	case <-p.rt.stop:
		panic(ErrStopped)
	}
	return nil
}

// Terminate sends SIGTERM (p.terminate()): no clean-up runs in the child, its
// children are orphaned and a lock it holds stays held.
func (p *Process) Terminate() error { return p.signal(syscall.SIGTERM, "SIGTERM", "terminate") }

// Kill sends SIGKILL (p.kill()).
func (p *Process) Kill() error { return p.signal(syscall.SIGKILL, "SIGKILL", "kill") }

func (p *Process) signal(sig syscall.Signal, name, method string) error {
	if !p.started {
		// CPython 3.11 does not check: terminate() and kill() call
		// self._popen's, and an unstarted process's _popen is None. The
		// AttributeError is what a learner's own script would show, so
		// proctour says the same (join's AssertionError is a real check).
		return pyErr("AttributeError", "'NoneType' object has no attribute '%s'", method)
	}
	p.rt.awaitOp(trace.KindProcTerminate, p.Name)
	if !p.IsAlive() {
		return nil
	}
	p.rt.Emit(trace.KindProcTerminate, p.Name, name)
	if err := p.cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("%s %s: %w", strings.ToLower(name), p.Name, err)
	}
	return nil
}

// ActiveChildren lists the children started by this process that have not
// exited yet (multiprocessing.active_children()).
func (rt *Runtime) ActiveChildren() []*Process {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	var alive []*Process
	for _, c := range rt.children {
		if c.IsAlive() {
			alive = append(alive, c)
		}
	}
	return alive
}

// Finish does what Python does when a process's main code has ended: shut
// down its managers (their finalizers), terminate daemonic children, join every child, then wait until every
// queue this process put to has flushed its items to the pipe (unless
// cancel_join_thread was called).
func (rt *Runtime) Finish() {
	rt.finishing.Store(true)
	defer rt.joinFeeders()
	rt.Line(0)
	rt.shutdownManagers()
	rt.terminatePools()
	kids := rt.ActiveChildren()
	for _, c := range kids {
		if c.Daemon {
			c.Terminate()
		}
	}
	for _, c := range kids {
		if c.IsAlive() {
			rt.awaitOp(trace.KindProcJoin, c.Name)
			rt.Emit(trace.KindProcJoin, c.Name, nil)
		}
		<-c.done
	}
}

// KillAll sends SIGKILL to every child still running, without events: the
// session's last resort when it is stopped.
func (rt *Runtime) KillAll(sig syscall.Signal) {
	for _, c := range rt.ActiveChildren() {
		c.cmd.Process.Signal(sig)
	}
}

// ExitNow ends this child process at once, as Python's os._exit(code): no
// clean-up, and its own children are not joined but left behind, orphans.
func (rt *Runtime) ExitNow(code int) {
	if rt != self {
		panic("ExitNow: only a child process can exit at once")
	}
	os.Exit(code)
}

// ReportExit records the exit of a process that is not one of this
// runtime's children: an orphan that a subreaper (proctour) reaped.
func (rt *Runtime) ReportExit(pid int, name string, code int) {
	rt.emitFor(trace.Record{Pid: pid, Proc: name, Kind: trace.KindProcExit}, code)
}
