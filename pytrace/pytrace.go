// Package pytrace runs an unmodified CPython program under proctour's
// embedded tracer and turns what it does into the project's trace: the
// same records, kinds and payloads as the Go demos', so that sim's fold and
// every view understand a Python program unchanged.
//
// The tracer (py/, embedded) is a pure-Python package that sitecustomize
// activates in the program and in every child it starts, under fork, spawn
// and forkserver. Each Python process connects to a Unix socket and writes
// one JSON object per line; this package orders the lines by their
// monotonic stamps, gives objects the program's own names, and adds what a
// process cannot say itself (its exit by a signal, the main process's exit
// code, the watchdog).
//
// Step and seeded modes (Options.Mode): the tracer's gate.py holds every
// operation of a process's main thread until proctour writes "go N" on its
// connection (the lifeline thread reads it); machinery threads (_mach: a
// queue's feeder, a pool's handler threads, a manager's server threads)
// and a program's other threads never wait, so nothing deadlocks on
// itself. The intents go to sim.Scheduler — the Go demos' scheduler — in
// stamp order, once every connection is drained (nothing unread, its end
// included) and all is quiet, so the fold it judges by holds everything
// that happened; it releases one operation at a time (gate.go). What the
// gate cannot see is told to it: a child on its way to starting, a pool
// result handed to the result handler and delivered (callbacks run), the
// daemons the end of the main code terminates, an exit only /proc can
// tell while the parent waits at the gate. The same seed gives the same
// sequence of kinds, processes, objects and values.
package pytrace

import (
	"bufio"
	"bytes"
	"context"
	"embed"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/proctour/proctour/i18n"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

//go:embed py/sitecustomize.py py/proctour_trace/__init__.py py/proctour_trace/gate.py
var tracerFS embed.FS

// Options say what to run and how.
type Options struct {
	// Python is the interpreter: --python; "" means $PROCTOUR_PYTHON, else
	// python3 on PATH.
	Python string
	// Program is the .py file; Args its arguments.
	Program string
	Args    []string
	// Dir is the program's working directory ("" for the current one).
	Dir string
	// StartMethod, when set, is passed to multiprocessing.set_start_method
	// before the program runs: fork, spawn or forkserver.
	StartMethod string
	// Timeout stops a run that takes longer (0: no limit).
	Timeout time.Duration
	// Idle is how long every process must wait forever, with nothing
	// happening, before the watchdog stops the run (default 1s).
	Idle time.Duration
	// Window is how long an event is held back so that events of other
	// processes stamped earlier can overtake it (default 100ms; live mode).
	Window time.Duration
	// Scenario and Vars, for a lesson's listing, are its id and variant
	// values; Outcome and OutcomeLabel its outcome (sim.Options): the
	// trace's run.begin and run.end record them.
	Scenario     string
	Vars         map[string]string
	Outcome      func(events []trace.Record) (int, bool)
	OutcomeLabel string
	// Mode is live, step or seeded (sim's modes): in step and seeded
	// modes every operation of the program waits at sim's gate until its
	// scheduler releases it; Seed drives the seeded choice, and Auto, in
	// step mode, releases the oldest operation that can proceed whenever
	// all is quiet (step mode without a person: headless runs, tests).
	Mode sim.Mode
	Seed uint64
	Auto bool
	// Schedule, when set, is an interleaving to re-execute (sim's
	// schedule.go): the run is in step mode, the gate following it.
	Schedule []int
}

// InputError is a problem with what the user asked to run: no python3, a
// file that is not there or not Python, a syntax error. Its message is one
// line.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

func inputf(format string, a ...any) error { return &InputError{fmt.Sprintf(format, a...)} }

// MinVersion is the oldest CPython the tracer supports.
var MinVersion = [2]int{3, 9}

// The regular expressions are compiled on first use: package init runs in
// every demo child (DESIGN.md), and must stay near zero.
var (
	reOnce                          sync.Once
	versionRE, fileLineRE, syntaxRE *regexp.Regexp
)

func compileREs() {
	reOnce.Do(func() {
		versionRE = regexp.MustCompile(`Python (\d+)\.(\d+)`)
		fileLineRE = regexp.MustCompile(`File "([^"]*)", line (\d+)`)
		syntaxRE = regexp.MustCompile(`^(SyntaxError|IndentationError|TabError): (.*)$`)
	})
}

// FindPython resolves the interpreter: flag, then $PROCTOUR_PYTHON, then
// python3 on PATH; and checks its version.
func FindPython(flag string) (string, error) {
	path, _, err := findPython(flag)
	return path, err
}

// findPython is FindPython, with the interpreter's version ("3.11.2").
func findPython(flag string) (path, version string, err error) {
	name, from := flag, "--python"
	if name == "" {
		name, from = os.Getenv("PROCTOUR_PYTHON"), "PROCTOUR_PYTHON"
	}
	if name == "" {
		name, from = "python3", "PATH"
	}
	path, err = exec.LookPath(name)
	if err != nil {
		if from == "PATH" {
			return "", "", inputf("no python3 on PATH: install CPython %d.%d or later, or say which with --python PATH or PROCTOUR_PYTHON", MinVersion[0], MinVersion[1])
		}
		return "", "", inputf("%s %s: no such interpreter", from, name)
	}
	compileREs()
	out, err := exec.Command(path, "--version").CombinedOutput()
	m := versionRE.FindSubmatch(out)
	if err != nil || m == nil {
		return "", "", inputf("%s does not run as Python (python --version: %s)", path, firstLine(string(out), err))
	}
	major, _ := strconv.Atoi(string(m[1]))
	minor, _ := strconv.Atoi(string(m[2]))
	if major < MinVersion[0] || (major == MinVersion[0] && minor < MinVersion[1]) {
		return "", "", inputf("%s is Python %d.%d; proctour needs %d.%d or later", path, major, minor, MinVersion[0], MinVersion[1])
	}
	return path, strings.TrimSpace(strings.TrimPrefix(string(out), "Python ")), nil
}

func firstLine(s string, err error) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if s == "" && err != nil {
		s = err.Error()
	}
	return s
}

// IsProgram reports whether a run argument names a Python program rather
// than a scenario: it ends in .py or is an existing file.
func IsProgram(arg string) bool {
	if strings.HasSuffix(arg, ".py") {
		return true
	}
	st, err := os.Stat(arg)
	return err == nil && st.Mode().IsRegular()
}

// checkProgram rejects what python3 would not run as a program.
func checkProgram(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", inputf("%s: %v", path, err)
	}
	st, err := os.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", inputf("%s: no such file", path)
	case err != nil:
		return "", inputf("%s: %v", path, unwrapPath(err))
	case st.IsDir():
		return "", inputf("%s is a directory, not a Python program", path)
	}
	f, err := os.Open(abs)
	if err != nil {
		return "", inputf("%s: %v", path, unwrapPath(err))
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	if bytes.IndexByte(head, 0) >= 0 || bytes.HasPrefix(head, []byte("\x7fELF")) {
		return "", inputf("%s is not a Python program (it is a binary file)", path)
	}
	return abs, nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// wireMsg is one line a Python process writes.
type wireMsg struct {
	K      string          `json:"k"`
	Pid    int             `json:"pid"`
	Kind   string          `json:"kind"`
	Oid    string          `json:"oid"`
	Obj    *string         `json:"obj"`
	Val    json.RawMessage `json:"val"`
	Mono   int64           `json:"mono"`
	Line   int             `json:"line"`
	Err    string          `json:"err"`
	Name   *string         `json:"name"`
	PPid   int             `json:"ppid"`
	Daemon *bool           `json:"daemon"`
	Type   string          `json:"type"`
	Code   int             `json:"code"`
	Text   string          `json:"text"`
	Role   string          `json:"role"`
	// gate and notice (step and seeded modes)
	N         int64  `json:"n"`
	Op        string `json:"op"`
	Timeout   bool   `json:"timeout"`
	Initial   int    `json:"initial"`
	Reentrant bool   `json:"reentrant"`
	Method    string `json:"method"`
	Job       int    `json:"job"`
	// PutID and After order a queue's get after its put without the put
	// being sent at once: a put (PutID n) travels in the queue tagged with
	// its process's pid and n, and the get that took it names them (After);
	// the get is held back until that put has arrived.
	PutID int     `json:"pn"`
	After *[2]int `json:"after"`
}

// pending is an event waiting in the reorder window.
type pending struct {
	m     wireMsg
	pid   int
	order int64     // arrival, to break ties
	at    time.Time // arrival, for how long a get may wait for its put
}

// putWait is how long a get is held back for the put it names, past
// which it goes on without it (the putter died before sending it).
const putWait = 3 * time.Second

// startWait is how long what follows a child's start() is held back for
// its proc.start, past which it goes on without it (the child never
// booted as one of the program's).
const startWait = 3 * time.Second

// input is messages of a connection, in its order, or its end.
type input struct {
	conn int
	sock *sock
	ms   []wireMsg
	n    int64 // bytes of the line(s)
	eof  bool
}

type proc struct {
	pid, ppid  int
	name       string
	started    bool // proc.start released or queued
	exitSeen   bool // the process reported its own exit
	exited     bool // an exit (own or synthesized) is queued
	reapCode   *int
	reapMono   int64 // when the parent's report of its exit came in
	closed     bool  // its connection ended
	child      bool  // a process that will start as one of the program's
	signaled   int   // the signal it was sent (step and seeded modes; see reapZombies)
	stderrTail []string

	// startMono is when its parent called start(), its proc.start's stamp,
	// and announced when proctour heard of it, while its start is awaited
	startMono int64
	announced time.Time
}

// Run is one traced run of a Python program.
type Run struct {
	opts    Options
	prog    string
	dir     string   // the tracer's private directory, where there is one
	mem     *os.File // the tracer in memory (Linux): nothing on disk to leave behind
	ln      *net.UnixListener
	cmd     *exec.Cmd
	start   int64 // monotonic ns at the start
	events  chan trace.Record
	pubOnce sync.Once
	done    chan struct{}
	stopReq chan string
	inputs  chan input

	mu       sync.Mutex
	timeline []trace.Record
	over     bool          // the last record is in the timeline
	bcast    chan struct{} // closed and replaced at every change, for Snapshot
	err      error
	output   bytes.Buffer // the interpreter's own stdout and stderr (tail), for diagnostics

	// loop state
	procs    map[int]*proc
	conns    map[int]int // connection → pid
	open     int         // connections open
	heap     []pending
	puts     map[[2]int]bool // the puts arrived (pid, PutID) that no get has named yet
	order    int64
	seq      int64
	lastT    int64
	hints    map[string]hint
	names    map[string]string // oid → display name
	taken    map[string]string // display name → oid
	counters map[string]int
	initial  map[string]int // semaphore oid → initial value
	pipeName map[string]string
	state    *sim.State
	lastAt   time.Time
	mainPid  int
	diags    []string
	barked   bool
	killed   bool
	stopped  bool // Stop was called

	// step and seeded modes (gate.go); nil sched in live mode
	sched   *sim.Scheduler
	socksMu sync.Mutex
	socks   map[int]*sock // connection → its socket, while open
	pidSock map[int]*sock
	reqs    chan request
	gatePub []sim.Intent // published for Snapshot, under mu
	busyPub bool
}

type hint struct{ typ, name string }

// Start checks the input, writes the tracer to a private directory and
// starts the program. Errors are *InputError for bad input.
func Start(o Options) (*Run, error) {
	python, version, err := findPython(o.Python)
	if err != nil {
		return nil, err
	}
	prog, err := checkProgram(o.Program)
	if err != nil {
		return nil, err
	}
	switch o.StartMethod {
	case "", "fork", "spawn", "forkserver":
	default:
		return nil, inputf("start method %q: want fork, spawn or forkserver", o.StartMethod)
	}
	if o.Idle <= 0 {
		o.Idle = time.Second
	}
	if o.Window <= 0 {
		o.Window = 100 * time.Millisecond
	}
	if o.Mode < sim.Live || o.Mode > sim.Seeded {
		return nil, inputf("mode %d: want live, step or seeded", o.Mode)
	}
	r := &Run{opts: o, prog: prog,
		events: make(chan trace.Record, 256), done: make(chan struct{}), stopReq: make(chan string, 1),
		inputs: make(chan input, 1024),
		procs:  map[int]*proc{}, conns: map[int]int{}, hints: map[string]hint{}, names: map[string]string{},
		taken: map[string]string{}, counters: map[string]int{}, initial: map[string]int{}, pipeName: map[string]string{},
		puts:  map[[2]int]bool{},
		state: &sim.State{}, bcast: make(chan struct{}),
		socks: map[int]*sock{}, pidSock: map[int]*sock{}, reqs: make(chan request)}
	if o.Schedule != nil {
		o.Mode, o.Auto = sim.Step, true
		r.opts = o
	}
	if o.Mode != sim.Live {
		r.sched = sim.NewScheduler(o.Mode, o.Seed, o.Auto, r.let)
		r.sched.SetDrained(r.drained)
		if o.Schedule != nil {
			r.sched.Follow(o.Schedule)
		}
	}
	if err := r.setup(python); err != nil {
		r.cleanup()
		return nil, err
	}
	r.header(version)
	go r.loop()
	return r, nil
}

// header puts run.begin first: what runs, and how.
func (r *Run) header(python string) {
	b := trace.RunBegin{Scenario: r.opts.Scenario, Program: filepath.Base(r.prog), Args: r.opts.Args, Vars: r.opts.Vars,
		Mode: r.opts.Mode.String(), Seed: r.opts.Seed, Speed: 1, Timeout: r.opts.Timeout.Seconds(), StartMethod: r.opts.StartMethod,
		Python: python, Proctour: trace.Version()}
	if r.opts.Schedule != nil {
		b.Schedule = sim.EncodeSchedule(r.opts.Schedule)
	}
	val, _ := json.Marshal(b)
	r.emit(trace.Record{Pid: os.Getpid(), Proc: trace.RunProc, Kind: trace.KindRunBegin, Val: val})
}

// tracerFiles are the tracer's files, by their path on sys.path.
var tracerFiles = []string{"sitecustomize.py", "proctour_trace/__init__.py", "proctour_trace/gate.py"}

// placeInDir writes the tracer to a new private (0700) directory, for
// PYTHONPATH, with the event socket beside it.
func (r *Run) placeInDir() (pythonpath, sock string, err error) {
	dir, err := os.MkdirTemp("", "proctour-py-")
	if err != nil {
		return "", "", fmt.Errorf("tracer directory: %w", err)
	}
	r.dir = dir
	if err := os.Mkdir(filepath.Join(dir, "proctour_trace"), 0o700); err != nil {
		return "", "", err
	}
	for _, name := range tracerFiles {
		b, err := tracerFS.ReadFile("py/" + name)
		if err != nil {
			return "", "", err
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			return "", "", fmt.Errorf("write the tracer: %w", err)
		}
	}
	sock = filepath.Join(dir, "s")
	if len(sock) > 100 { // sun_path's limit
		return "", "", fmt.Errorf("tracer socket path too long: %s (set TMPDIR to a shorter directory)", sock)
	}
	return dir, sock, nil
}

// tracerZip is the tracer as a zip archive (stored, uncompressed), which
// CPython imports from sys.path as it would a directory. (Written here:
// archive/zip would add init work to every demo child.)
func tracerZip() ([]byte, error) {
	var buf, central bytes.Buffer
	le := binary.LittleEndian
	n := 0
	for _, name := range tracerFiles {
		b, err := tracerFS.ReadFile("py/" + name)
		if err != nil {
			return nil, err
		}
		sum := crc32.ChecksumIEEE(b)
		off := uint32(buf.Len())
		// local file header: version 2.0, no flags, stored, 1980-01-01
		for _, v := range []any{uint32(0x04034b50), uint16(20), uint16(0), uint16(0), uint16(0), uint16(0x21),
			sum, uint32(len(b)), uint32(len(b)), uint16(len(name)), uint16(0)} {
			binary.Write(&buf, le, v)
		}
		buf.WriteString(name)
		buf.Write(b)
		for _, v := range []any{uint32(0x02014b50), uint16(20), uint16(20), uint16(0), uint16(0), uint16(0), uint16(0x21),
			sum, uint32(len(b)), uint32(len(b)), uint16(len(name)), uint16(0), uint16(0), uint16(0), uint16(0), uint32(0), off} {
			binary.Write(&central, le, v)
		}
		central.WriteString(name)
		n++
	}
	cdOff := uint32(buf.Len())
	buf.Write(central.Bytes())
	for _, v := range []any{uint32(0x06054b50), uint16(0), uint16(0), uint16(n), uint16(n), uint32(central.Len()), cdOff, uint16(0)} {
		binary.Write(&buf, le, v)
	}
	return buf.Bytes(), nil
}

// cleanup removes what the run put on disk.
func (r *Run) cleanup() {
	if r.dir != "" {
		os.RemoveAll(r.dir)
	}
	if r.mem != nil {
		r.mem.Close()
	}
}

func (r *Run) setup(python string) error {
	pythonpath, sock, err := r.place()
	if err != nil {
		return err
	}
	addr := &net.UnixAddr{Name: sock, Net: "unix"}
	ln, err := net.ListenUnix("unix", addr)
	if err != nil {
		return fmt.Errorf("tracer socket: %w", err)
	}
	r.ln = ln
	env := []string{}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "PYTHONPATH", "PROCTOUR_TRACE_SOCK", "PROCTOUR_TRACE_ROOT", "PROCTOUR_TRACE_PROG", "PROCTOUR_TRACE_GATE":
			continue
		}
		env = append(env, kv)
	}
	pp := pythonpath
	if old := os.Getenv("PYTHONPATH"); old != "" {
		pp += string(os.PathListSeparator) + old
	}
	env = append(env, "PYTHONPATH="+pp, "PROCTOUR_TRACE_SOCK="+sock, "PROCTOUR_TRACE_PROG="+r.prog)
	if r.sched != nil {
		env = append(env, "PROCTOUR_TRACE_GATE=1")
	}
	if r.opts.StartMethod != "" { // else $PROCTOUR_START_METHOD, when set, reaches the tracer as it is
		env = slices.DeleteFunc(env, func(kv string) bool { return strings.HasPrefix(kv, "PROCTOUR_START_METHOD=") })
		env = append(env, "PROCTOUR_START_METHOD="+r.opts.StartMethod)
	}
	cmd := exec.Command(python, append([]string{r.prog}, r.opts.Args...)...)
	cmd.Env = env
	cmd.Dir = r.opts.Dir
	cmd.Stdin = nil
	cmd.Stdout = &tailWriter{r: r}
	cmd.Stderr = cmd.Stdout
	cmd.SysProcAttr = sysProcAttr()
	becomeSubreaper()
	r.start = monotonic()
	r.lastAt = time.Now()
	if err := cmd.Start(); err != nil {
		ln.Close()
		return inputf("cannot run %s: %v", python, unwrapPath(err))
	}
	r.cmd = cmd
	r.mainPid = cmd.Process.Pid
	go r.accept()
	return nil
}

// tailWriter keeps the last bytes the interpreter wrote outside the
// tracer's streams (a tracer that failed to start, a crash of CPython).
type tailWriter struct{ r *Run }

func (t *tailWriter) Write(b []byte) (int, error) {
	t.r.mu.Lock()
	defer t.r.mu.Unlock()
	t.r.output.Write(b)
	if t.r.output.Len() > 16<<10 {
		rest := t.r.output.Bytes()[t.r.output.Len()-8<<10:]
		t.r.output = *bytes.NewBuffer(append([]byte(nil), rest...))
	}
	return len(b), nil
}

func (r *Run) accept() {
	id := 0
	for {
		c, err := r.ln.AcceptUnix()
		if err != nil {
			return
		}
		id++
		go r.read(id, c)
	}
}

func (r *Run) read(id int, c *net.UnixConn) {
	defer c.Close()
	sk := newSock(c)
	r.socksMu.Lock()
	r.socks[id] = sk
	r.socksMu.Unlock()
	br := bufio.NewReaderSize(sk, 64<<10)
	for {
		line, err := br.ReadBytes('\n')
		in := input{conn: id, sock: sk, n: int64(len(line))}
		if len(line) > 0 && line[0] == '[' { // a batch
			var ms []wireMsg
			if json.Unmarshal(line, &ms) == nil {
				in.ms = ms
			}
		} else if len(line) > 0 {
			var m wireMsg
			if json.Unmarshal(line, &m) == nil {
				in.ms = []wireMsg{m}
			}
		}
		if len(line) > 0 {
			r.inputs <- in
		}
		if err != nil {
			r.inputs <- input{conn: id, sock: sk, eof: true}
			return
		}
	}
}

// Events streams the trace's records in order; it is closed at the end.
// Nothing is sent until the first call, and a run ends whether or not
// anyone reads it (Snapshot is the other way to follow a run).
func (r *Run) Events() <-chan trace.Record {
	r.pubOnce.Do(func() { go r.publish() })
	return r.events
}

func (r *Run) publish() {
	defer close(r.events)
	sent := 0
	for {
		batch, _, over, changed := r.Snapshot(sent)
		for _, rec := range batch {
			r.events <- rec
		}
		sent += len(batch)
		if over && len(batch) == 0 {
			return
		}
		if len(batch) == 0 {
			<-changed
		}
	}
}

// Snapshot is sim.Source's: the timeline from index from on, the
// operations waiting at the gate (step and seeded modes), whether the run
// is over, and a channel closed at the next change.
func (r *Run) Snapshot(from int) (events []trace.Record, pending []sim.Intent, done bool, changed <-chan struct{}) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if from < len(r.timeline) {
		events = append([]trace.Record(nil), r.timeline[from:]...)
	}
	if len(r.gatePub) > 0 {
		pending = append([]sim.Intent(nil), r.gatePub...)
	}
	return events, pending, r.over, r.bcast
}

// Release is sim.Source's: in step mode, lets the process with pid carry
// out its pending operation (*sim.WouldBlockError if it would block,
// sim.ErrBusy while a released one is under way).
func (r *Run) Release(pid int) error {
	return r.ask(func() error { return r.sched.Release(pid, r.state) })
}

// ReleaseNext is sim.Source's: in step mode, releases the oldest pending
// operation that can proceed.
func (r *Run) ReleaseNext() error {
	return r.ask(func() error { return r.sched.ReleaseNext(r.state) })
}

// Busy is sim.Source's: in step and seeded modes, whether a released
// operation (or a process starting) is still under way.
func (r *Run) Busy() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.busyPub
}

// Mode is sim.Source's.
func (r *Run) Mode() sim.Mode { return r.opts.Mode }

var _ sim.Source = (*Run)(nil)

// changedLocked wakes every Snapshot reader; call it with r.mu held.
func (r *Run) changedLocked() {
	close(r.bcast)
	r.bcast = make(chan struct{})
}

// Done is closed when the run is over and its directory removed.
func (r *Run) Done() <-chan struct{} { return r.done }

// Stop ends the run: every Python process is killed.
func (r *Run) Stop() {
	select {
	case r.stopReq <- "":
	default:
	}
}

// Timeline is every record so far.
func (r *Run) Timeline() []trace.Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]trace.Record(nil), r.timeline...)
}

// Err is, once Done, what made the run unusable: *InputError for a program
// that python3 rejected (a syntax error, no __main__ guard under spawn).
func (r *Run) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// Trace runs a program to its end and returns its timeline.
func Trace(ctx context.Context, o Options) ([]trace.Record, error) {
	r, err := Start(o)
	if err != nil {
		return nil, err
	}
	go func() {
		select {
		case <-ctx.Done():
			r.Stop()
		case <-r.done:
		}
	}()
	<-r.done
	return r.Timeline(), r.Err()
}

// loop is the run's one owner of its state.
func (r *Run) loop() {
	defer close(r.done)
	defer r.cleanup()
	waited := make(chan *os.ProcessState, 1)
	go func() {
		st, _ := r.cmd.Process.Wait()
		waited <- st
	}()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	begin := time.Now()
	var mainState *os.ProcessState
	var mainGone time.Time
	for {
		select {
		case in := <-r.inputs:
			r.take(in)
			continue
		default:
		}
		r.step()
		select {
		case in := <-r.inputs:
			r.take(in)
		case st := <-waited:
			mainState, mainGone = st, time.Now()
			waited = nil
		case why := <-r.stopReq:
			_ = why
			r.stopped = true
			if r.sched != nil {
				r.sched.Halt()
			}
			r.kill()
		case q := <-r.reqs:
			q.reply <- r.answer(q.fn)
		case <-tick.C:
			if r.sched == nil {
				r.release(false)
			}
			if mainState == nil && !r.barked {
				r.watch(begin)
			}
		}
		if mainState != nil {
			// The main process is gone: wait for the others' connections
			// to end (the resource tracker, late children), then kill
			// what is left and finish.
			if r.open == 0 || time.Since(mainGone) > 2*time.Second {
				if !r.killed {
					r.kill()
					if r.open > 0 {
						mainGone = time.Now().Add(-1500 * time.Millisecond)
						continue
					}
				}
				r.drain()
				r.finish(mainState)
				return
			}
		}
	}
}

// drain takes what is still buffered in the inputs.
func (r *Run) drain() {
	for {
		select {
		case in := <-r.inputs:
			r.take(in)
		default:
			return
		}
	}
}

// kill ends every process of the run: the group (python3 runs in its own)
// and each process that reported a pid.
func (r *Run) kill() {
	r.killed = true
	killGroup(r.mainPid)
	for pid, p := range r.procs {
		if !p.closed {
			killPid(pid)
		}
	}
}

func (r *Run) proc(pid int) *proc {
	p := r.procs[pid]
	if p == nil {
		p = &proc{pid: pid}
		r.procs[pid] = p
	}
	return p
}

// take handles messages as they arrive.
func (r *Run) take(in input) {
	for _, m := range in.ms {
		r.take1(in.conn, in.sock, m)
	}
	in.sock.took(in.n, in.eof)
	if in.eof {
		r.socksMu.Lock()
		delete(r.socks, in.conn)
		r.socksMu.Unlock()
		r.open--
		pid, ok := r.conns[in.conn]
		if !ok {
			return
		}
		p := r.proc(pid)
		p.closed = true
		if r.sched != nil && !p.started {
			r.sched.Forget(pid) // it never started as one of the program's
		}
		if p.started && !p.exitSeen && !p.exited && p.reapCode != nil && pid != r.mainPid {
			mono := monotonic()
			if r.sched != nil {
				// At the parent's report, not at whichever of the two
				// came last: the same order in every run.
				mono = p.reapMono
			}
			r.synthExit(p, *p.reapCode, mono)
		}
	}
}

// take1 handles one message of connection conn.
func (r *Run) take1(conn int, sk *sock, m wireMsg) {
	switch m.K {
	case "hello":
		r.open++
		r.conns[conn] = m.Pid
		r.pidSock[m.Pid] = sk
		p := r.proc(m.Pid)
		p.closed = false
		p.child = p.child || m.Role == "child"
	case "name":
		if h, ok := r.hints[m.Oid]; !ok || (h.name == "" && m.Name != nil && *m.Name != "") {
			n := ""
			if m.Name != nil {
				n = *m.Name
			}
			r.hints[m.Oid] = hint{typ: m.Type, name: n}
		}
	case "reap":
		p := r.proc(m.Pid)
		code := m.Code
		p.reapCode = &code
		p.reapMono = monotonic()
		if r.sched != nil && !p.started {
			r.sched.Forget(m.Pid)
		}
		if p.started && !p.exitSeen && !p.exited && p.closed {
			r.synthExit(p, code, p.reapMono)
		}
	case "child":
		p := r.proc(m.Pid)
		p.child = true
		if !p.started {
			p.startMono, p.announced = m.Mono, time.Now()
		}
		if r.sched != nil && !p.started && p.reapCode == nil {
			r.sched.Starting(m.Pid) // the others wait for its first step
		}
	case "gate", "notice":
		pid := r.conns[conn]
		if r.sched == nil || !r.proc(pid).started {
			r.letGo(pid, m.N) // not one of the program's processes (yet): never held
			return
		}
		r.order++
		r.heap = append(r.heap, pending{m: m, pid: pid, order: r.order})
	case "diag":
		if m.Text != "" {
			r.diags = append(r.diags, m.Text)
		}
	case "ev":
		pid := r.conns[conn]
		p := r.proc(pid)
		switch m.Kind {
		case trace.KindProcStart:
			p.started, p.startMono = true, 0
			if m.Name != nil {
				p.name = *m.Name
			}
			p.ppid = m.PPid
		case trace.KindProcExit:
			p.exitSeen, p.exited = true, true
		}
		if !p.started {
			return // a process that never started as one of the program's (the resource tracker)
		}
		if m.PutID > 0 {
			r.puts[[2]int{pid, m.PutID}] = true
		}
		r.order++
		r.heap = append(r.heap, pending{m: m, pid: pid, order: r.order, at: time.Now()})
	}
}

func (r *Run) synthExit(p *proc, code int, mono int64) {
	p.exited = true
	r.order++
	r.heap = append(r.heap, pending{m: wireMsg{K: "ev", Kind: trace.KindProcExit, Val: json.RawMessage(strconv.Itoa(code)), Mono: mono}, pid: p.pid, order: r.order, at: time.Now()})
}

// release hands on, in stamp order, the events old enough that nothing
// stamped earlier can still arrive; all of them when final.
func (r *Run) release(final bool) {
	if len(r.heap) == 0 {
		return
	}
	sortPending(r.heap)
	// An event goes once both its stamp and its arrival are a window old:
	// when proctour itself ran late, what it read first may be younger on
	// the wire than what still waits, unread, on another connection.
	limit, arrived := monotonic()-int64(r.opts.Window), time.Now().Add(-r.opts.Window)
	// A child announced (its parent's start() returned) whose proc.start,
	// stamped when start() was called, has not arrived (it boots: spawn
	// takes tens of milliseconds) holds back what was stamped after it.
	for _, p := range r.procs {
		if p.startMono > 0 && !p.started && p.reapCode == nil && time.Since(p.announced) < startWait {
			limit = min(limit, p.startMono)
		}
	}
	n := 0
	for n < len(r.heap) && (final || (r.heap[n].m.Mono <= limit && !r.heap[n].at.After(arrived))) {
		if a := r.heap[n].m.After; a != nil && !final {
			if !r.puts[*a] && time.Since(r.heap[n].at) < putWait {
				break // its put has not arrived: it and what follows wait
			}
			delete(r.puts, *a)
		}
		n++
	}
	out := r.heap[:n]
	r.heap = append([]pending(nil), r.heap[n:]...)
	for _, pe := range out {
		if pe.m.K == "gate" || pe.m.K == "notice" {
			r.arrive(pe)
			continue
		}
		if pe.m.Kind == "pipe.inherit" && r.pipeName[pe.m.Oid] == "" {
			continue // a connection multiprocessing made for itself (a manager's)
		}
		r.emit(r.record(pe))
	}
}

func sortPending(h []pending) {
	// insertion sort: the heap is nearly sorted and small
	for i := 1; i < len(h); i++ {
		for j := i; j > 0 && less(h[j], h[j-1]); j-- {
			h[j], h[j-1] = h[j-1], h[j]
		}
	}
}

func less(a, b pending) bool {
	if a.m.Mono != b.m.Mono {
		return a.m.Mono < b.m.Mono
	}
	return a.order < b.order
}

// emit numbers a record and hands it on.
func (r *Run) emit(rec trace.Record) {
	if r.sched != nil && r.sched.Formality(rec, r.mainPid) {
		return
	}
	r.seq++
	rec.Seq = r.seq
	if rec.TNs < r.lastT {
		rec.TNs = r.lastT
	}
	r.lastT = rec.TNs
	r.state.Apply(rec)
	if r.sched != nil {
		r.sched.Observe(rec)
		if rec.Kind == trace.KindProcTerminate {
			r.signaled(rec)
		}
	}
	r.lastAt = time.Now()
	r.mu.Lock()
	r.timeline = append(r.timeline, rec)
	r.changedLocked()
	r.mu.Unlock()
}

// displayName is the name an object is shown by: the program's variable
// where the tracer found one and no other object has it, else Type-N.
func (r *Run) displayName(oid string) string {
	if oid == "" {
		return ""
	}
	if n, ok := r.names[oid]; ok {
		return n
	}
	h := r.hints[oid]
	name := h.name
	if name == "" || r.taken[name] != "" {
		typ := h.typ
		if typ == "" {
			typ = "obj"
		}
		for {
			r.counters[typ]++
			name = fmt.Sprintf("%s-%d", typ, r.counters[typ])
			if r.taken[name] == "" {
				break
			}
		}
	}
	r.names[oid], r.taken[name] = name, oid
	return name
}

// record turns a wire event into a trace record.
func (r *Run) record(pe pending) trace.Record {
	m := pe.m
	p := r.proc(pe.pid)
	rec := trace.Record{Pid: pe.pid, Proc: p.name, Kind: m.Kind, Line: m.Line, Err: m.Err, Val: m.Val}
	rec.TNs = m.Mono - r.start
	if rec.TNs < 0 {
		rec.TNs = 0
	}
	if len(rec.Val) == 0 {
		rec.Val = json.RawMessage("null")
	}
	if m.Obj != nil {
		rec.Obj = *m.Obj
	} else if !strings.HasPrefix(m.Kind, "file.") && m.Kind != trace.KindStdout {
		rec.Obj = r.displayName(m.Oid)
	} else {
		rec.Obj = m.Oid
	}
	switch m.Kind {
	case trace.KindProcStart:
		if pe.pid == r.mainPid {
			p.name = "MainProcess"
			rec.Proc = p.name
		} else {
			rec.PPid = m.PPid
			d := false
			if m.Daemon != nil {
				d = *m.Daemon
			}
			rec.Daemon = &d
		}
	case "pipe.new":
		var v struct {
			Ends   []string `json:"ends"`
			Duplex bool     `json:"duplex"`
		}
		if json.Unmarshal(m.Val, &v) == nil && len(v.Ends) == 2 {
			a, b := r.displayName(v.Ends[0]), r.displayName(v.Ends[1])
			rec.Obj = a + ", " + b
			r.pipeName[v.Ends[0]], r.pipeName[v.Ends[1]] = rec.Obj, rec.Obj
			rec.Val, _ = json.Marshal(map[string]any{"ends": []string{a, b}, "duplex": v.Duplex})
		}
	case "pipe.inherit":
		rec.Val, _ = json.Marshal(map[string]string{"pipe": r.pipeName[m.Oid]})
	case trace.KindCondWait:
		if v := (trace.CondWait{}); json.Unmarshal(m.Val, &v) == nil {
			v.Lock = r.displayName(v.Lock)
			rec.Val, _ = json.Marshal(v)
		}
	case trace.KindCondWake:
		if v := (trace.CondWake{}); json.Unmarshal(m.Val, &v) == nil {
			v.Lock = r.displayName(v.Lock)
			rec.Val, _ = json.Marshal(v)
		}
	case "manager.new", "manager.serve":
		var v map[string]any
		if json.Unmarshal(m.Val, &v) == nil {
			if pid, ok := v["pid"].(float64); ok {
				if c := r.procs[int(pid)]; c != nil {
					v["caller"] = c.name
				}
			}
			rec.Val, _ = json.Marshal(v)
		}
	case "sem.acquire", "sem.release", "sem.wait":
		var v struct {
			Value   int `json:"value"`
			Initial int `json:"initial"`
		}
		if json.Unmarshal(m.Val, &v) == nil && bytes.HasPrefix(m.Val, []byte("{")) {
			if v.Initial > 0 {
				if _, ok := r.initial[m.Oid]; !ok {
					r.initial[m.Oid] = v.Initial
				}
			} else if ini, ok := r.initial[m.Oid]; ok {
				v.Initial = ini
				rec.Val, _ = json.Marshal(v)
			}
		}
	case trace.KindStdout:
		if m.Oid == "stderr" {
			p.stderrTail = append(p.stderrTail, string(m.Val))
			if len(p.stderrTail) > 40 {
				p.stderrTail = p.stderrTail[1:]
			}
		}
	}
	return rec
}

// watch is the watchdog: a run past its timeout, or one where every
// process waits forever with nothing happening, is stopped and reported.
func (r *Run) watch(begin time.Time) {
	idle := time.Since(r.lastAt) >= r.opts.Idle && len(r.heap) == 0
	switch {
	case r.sched != nil && !r.sched.OffPlan().IsZero():
		r.bark("schedule", i18n.Join(i18n.Tf("the schedule no longer fits: "), r.sched.OffPlan()))
	case r.state.Stuck() && idle && !r.starting():
		r.bark("deadlock", i18n.Tf("every process waits forever: %s", r.state.WhoWaitsText()))
	case r.sched != nil && idle && r.sched.Stuck(r.state) && !r.starting():
		r.bark("deadlock", i18n.Tf("every process waits forever: %s", r.sched.WhoWaits()))
	case r.opts.Timeout > 0 && time.Since(begin) > r.opts.Timeout && !(r.opts.Mode == sim.Step && !r.opts.Auto):
		// (A person stepping through a program takes the time they need.)
		budget := r.opts.Timeout.Round(time.Millisecond).String()
		msg := i18n.Tf("still running after its budget of %s", budget)
		if who := r.state.WhoWaitsText(); !who.IsZero() {
			msg = i18n.Tf("still running after its budget of %s: %s", budget, who)
		}
		r.bark("timeout", msg)
	}
}

// starting reports whether a child process is still on its way to
// starting (a spawned child importing the program): the processes waiting
// for it do not wait forever.
func (r *Run) starting() bool {
	for _, p := range r.procs {
		if p.child && !p.started && !p.closed && p.reapCode == nil {
			return true
		}
	}
	return false
}

func (r *Run) bark(obj string, msg i18n.T) {
	r.barked = true
	if r.sched != nil {
		r.sched.Halt()
	}
	r.release(true)
	text, _ := json.Marshal(msg)
	val, _ := json.Marshal(msg.String())
	rec := trace.Record{Pid: r.mainPid, Proc: "MainProcess", Kind: trace.KindWatchdog, Obj: obj, Val: val, Text: text,
		TNs: monotonic() - r.start}
	if st := r.state.Proc(r.mainPid); st != nil {
		rec.Line = st.Last.Line
	}
	r.emit(rec)
	r.kill()
}

// finish synthesizes the exits nobody reported, ends with the main
// process's exit, and decides whether the program was bad input.
func (r *Run) finish(st *os.ProcessState) {
	r.release(true)
	now := monotonic()
	for _, p := range r.state.Live() {
		if p.Pid == r.mainPid {
			continue
		}
		code := -int(syscall.SIGKILL)
		if pp := r.procs[p.Pid]; pp != nil && pp.reapCode != nil {
			code = *pp.reapCode
		}
		r.synthExit(r.proc(p.Pid), code, now)
	}
	r.release(true)
	code := exitCode(st)
	if r.proc(r.mainPid).started {
		rec := trace.Record{Pid: r.mainPid, Proc: "MainProcess", Kind: trace.KindProcExit, Val: json.RawMessage(strconv.Itoa(code)),
			TNs: monotonic() - r.start}
		r.emit(rec)
		r.emit(trace.Record{Pid: os.Getpid(), Proc: trace.RunProc, Kind: trace.KindRunEnd, Val: r.end(code), TNs: rec.TNs})
	}
	r.ln.Close()
	r.reapAll()
	err := r.diagnose(code)
	r.mu.Lock()
	r.err = err
	r.over = true
	r.changedLocked()
	r.mu.Unlock()
}

// reapAll waits (briefly) for every process of the run that became
// proctour's child when its parent died.
func (r *Run) reapAll() {
	deadline := time.Now().Add(time.Second)
	for pid := range r.procs {
		if pid == r.mainPid {
			continue
		}
		for !reap(pid) && time.Now().Before(deadline) {
			killPid(pid)
			time.Sleep(5 * time.Millisecond)
		}
	}
}

func exitCode(st *os.ProcessState) int {
	if st == nil {
		return -int(syscall.SIGKILL)
	}
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return -int(ws.Signal())
	}
	return st.ExitCode()
}

const bootstrapMsg = "before the current process has finished its bootstrapping phase"

// diagnose explains a program python3 could not run, in one line.
func (r *Run) diagnose(code int) error {
	compileREs()
	base := filepath.Base(r.prog)
	for _, d := range r.diags {
		if strings.Contains(strings.Join(strings.Fields(d), " "), bootstrapMsg) {
			return inputf("%s starts processes when it is imported: under spawn and forkserver each child imports it again; put the code that starts them under if __name__ == '__main__':", base)
		}
	}
	for _, p := range r.procs {
		if strings.Contains(strings.Join(strings.Fields(strings.Join(p.stderrTail, " ")), " "), bootstrapMsg) {
			return inputf("%s starts processes when it is imported: under spawn and forkserver each child imports it again; put the code that starts them under if __name__ == '__main__':", base)
		}
	}
	for _, d := range r.diags {
		if strings.Contains(d, "Traceback") && (strings.Contains(d, "spawn.py") || strings.Contains(d, "forkserver.py")) {
			return inputf("a child process failed while importing %s again (spawn and forkserver children import the program): %s; put the code that starts processes under if __name__ == '__main__':", base, lastLine(d))
		}
	}
	main := r.proc(r.mainPid)
	if !main.started {
		r.mu.Lock()
		out := r.output.String()
		r.mu.Unlock()
		return inputf("%s did not start under the tracer (exit code %d): %s", base, code, lastLine(out))
	}
	if code == 1 && len(main.stderrTail) > 0 {
		var last string
		json.Unmarshal([]byte(main.stderrTail[len(main.stderrTail)-1]), &last)
		if m := syntaxRE.FindStringSubmatch(last); m != nil && r.onlyStderr() {
			line := ""
			for _, s := range main.stderrTail {
				var t string
				json.Unmarshal([]byte(s), &t)
				if fm := fileLineRE.FindStringSubmatch(t); fm != nil {
					line = ":" + fm[2]
				}
			}
			if strings.Contains(m[2], "null bytes") || strings.Contains(m[2], "Non-UTF-8") {
				return inputf("%s is not a Python program (%s)", base, m[2])
			}
			return inputf("%s%s: %s: %s", base, line, m[1], m[2])
		}
	}
	return nil
}

// onlyStderr reports whether the main process did nothing but fail.
func (r *Run) onlyStderr() bool {
	for _, rec := range r.timeline {
		if rec.Pid == r.mainPid && rec.Kind != trace.KindProcStart && rec.Kind != trace.KindProcExit && !(rec.Kind == trace.KindStdout && rec.Obj == "stderr") {
			return false
		}
	}
	return true
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	if s == "" {
		return "no output"
	}
	return s
}

// end is run.end's payload: the main script's exit code, who stopped the
// run, and the outcome.
func (r *Run) end(code int) json.RawMessage {
	e := trace.RunEnd{Exit: code}
	if r.sched != nil {
		e.Schedule = r.sched.Played()
	}
	switch {
	case r.barked:
		e.StoppedBy = trace.StoppedByWatchdog
	case r.stopped:
		e.StoppedBy = trace.StoppedByUser
	}
	if r.opts.Outcome != nil {
		r.mu.Lock()
		tl := r.timeline
		r.mu.Unlock()
		if n, ok := r.opts.Outcome(tl); ok {
			e.Outcome, e.OutcomeLabel = &n, r.opts.OutcomeLabel
		}
	}
	b, _ := json.Marshal(e)
	return b
}
