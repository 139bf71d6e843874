//go:build linux

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/pytrace"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// tracedListing is a listing to run under the tracer, as `proctour run
// SCENARIO --python` runs it, and what to check of its trace besides the
// invariants, its end and its processes.
type tracedListing struct {
	id    string
	sets  []string
	short bool // one of the handful run with -short
	check func(t *testing.T, sc *lessons.Scenario, tl []trace.Record)
}

// tracedExtra are the variants, besides every scenario at its defaults,
// whose outcome the lesson makes a point of and that do not depend on the
// scheduler.
var tracedExtra = []tracedListing{
	{id: "tickets", sets: []string{"lock=on"}, short: true, check: func(t *testing.T, sc *lessons.Scenario, tl []trace.Record) {
		if n, ok := sc.Outcome.Measure(tl); !ok || n != 1 {
			t.Errorf("tickets sold (the scenario's outcome) = %d (told: %v), want exactly 1 with the lock", n, ok)
		}
		// search() reads db.json outside the lock while the holder
		// replaces it: it finds a whole file, old or new (os.replace), so
		// every buyer lives to ask for the lock, and exits 0.
		for _, r := range tl {
			if r.Kind == trace.KindStdout && r.Obj == "stderr" {
				t.Errorf("%s wrote to stderr: %s", r.Proc, r.Val)
			}
			if r.Kind == trace.KindProcExit && r.Proc != "MainProcess" && string(r.Val) != "0" {
				t.Errorf("%s exited %s", r.Proc, r.Val)
			}
		}
		if n := len(tracedKind(tl, trace.KindLockAcquire)); n != 100 {
			t.Errorf("%d lock.acquire events, want one per buyer (100)", n)
		}
		if n := len(tracedKind(tl, trace.KindFileReplace)); n != 1 {
			t.Errorf("%d file.replace events, want one: the buyer who got the ticket swaps its db.json in", n)
		}
	}},
	{id: "manager", sets: []string{"lock=on"}, short: true, check: func(t *testing.T, sc *lessons.Scenario, tl []trace.Record) {
		if n, ok := sc.Outcome.Measure(tl); !ok || n != 0 {
			t.Errorf("final count (the scenario's outcome) = %d (told: %v), want 0 with the lock", n, ok)
		}
	}},
	{id: "startmethods", sets: []string{"method=fork"}, check: tracedStartMethods},
	{id: "startmethods", sets: []string{"method=forkserver"}, short: true, check: tracedStartMethods},
	{id: "pipe-eof", sets: []string{"forget_close=on"}, short: true, check: func(t *testing.T, sc *lessons.Scenario, tl []trace.Record) {
		for _, r := range tl {
			if r.Kind == trace.KindStdout && strings.Contains(tracedStr(r.Val), "EOF") {
				t.Errorf("the reader saw EOF although main kept its copy of the write end: %s", r.Val)
			}
		}
	}},
}

// tracedStartMethods checks lesson 16's lanes: under forkserver a
// ForkServer lane, started by main, is the children's parent; under fork
// and spawn main is, and there is no fork server. The lambda runs as a
// child of its own under fork only.
func tracedStartMethods(t *testing.T, sc *lessons.Scenario, tl []trace.Record) {
	method := ""
	for _, r := range tl {
		if _, m, ok := strings.Cut(tracedStr(r.Val), ", start method "); ok && r.Kind == trace.KindStdout && r.Proc == "MainProcess" {
			method = m
		}
	}
	st := sim.Fold(tl)
	main := st.Procs[0].Pid
	parent, servers, children := main, 0, 0
	for _, p := range st.Procs[1:] {
		if p.Target == trace.TargetForkServer {
			servers++
			parent = p.Pid
			if p.Name != "ForkServer" || p.PPid != main || p.ExitCode != 0 {
				t.Errorf("fork server %s: parent %d, exit %d; want ForkServer, started by main (%d), exit 0", p.Name, p.PPid, p.ExitCode, main)
			}
		}
	}
	for _, p := range st.Procs[1:] {
		if p.Target != trace.TargetForkServer {
			children++
			if p.PPid != parent {
				t.Errorf("%s's parent is %d, want %d (method=%s)", p.Name, p.PPid, parent, method)
			}
		}
	}
	want := map[string][2]int{"fork": {0, 3}, "spawn": {0, 2}, "forkserver": {1, 2}}[method] // fork servers, children
	if servers != want[0] || children != want[1] {
		t.Errorf("method=%s: %d fork servers and %d children, want %d and %d", method, servers, children, want[0], want[1])
	}
	if n, ok := sc.Measure("saw_change")(tl); !ok || (n == 2) != (method == "fork") {
		t.Errorf("method=%s: %d children saw main's change (told: %v)", method, n, ok)
	}
}

// tracedChecks are the expectations of scenarios at their defaults.
var tracedChecks = map[string]func(t *testing.T, sc *lessons.Scenario, tl []trace.Record){
	"startmethods": tracedStartMethods,
	"joinable": func(t *testing.T, sc *lessons.Scenario, tl []trace.Record) {
		// queue.join is the call; its return is the producer's next event
		var lastDone, joined, after int64
		done := 0
		for _, r := range tl {
			switch {
			case r.Kind == trace.KindQueueTaskDone:
				lastDone = r.Seq
				done++
			case r.Kind == trace.KindQueueJoin && r.Proc == "producer":
				joined = r.Seq
			case joined != 0 && after == 0 && r.Proc == "producer" && r.Seq > joined:
				after = r.Seq
				if r.Kind != trace.KindStdout || tracedStr(r.Val) != "producer: every job is done" {
					t.Errorf("the producer's event after q.join() is %s %s, want its print 'producer: every job is done'", r.Kind, r.Val)
				}
			}
		}
		if joined == 0 || after == 0 || lastDone == 0 {
			t.Fatalf("missing events: the producer's q.join() at seq %d, its next event at %d, the last task_done at %d", joined, after, lastDone)
		}
		if after < lastDone {
			t.Errorf("the producer went on after q.join() (seq %d) before the last task_done (seq %d)", after, lastDone)
		}
		if done != 10 {
			t.Errorf("%d task_done events, want one per job (10)", done)
		}
	},
	"queue": func(t *testing.T, sc *lessons.Scenario, tl []trace.Record) {
		full, empty := 0, 0
		for _, r := range tl {
			switch {
			case r.Kind == trace.KindQueuePut && r.Err == "queue.Full":
				full++
			case r.Kind == trace.KindQueueGet && r.Err == "queue.Empty":
				empty++
			}
		}
		if full != 1 || empty != 1 {
			t.Errorf("%d q.put refused with queue.Full and %d q.get with queue.Empty, want one of each", full, empty)
		}
	},
}

// tracedShort are the scenarios at their defaults run with -short.
var tracedShort = map[string]bool{"hello": true, "joinable": true, "queue": true}

// tracedParallel is how many listings run at once: they wait on sleeps,
// but each starts CPython processes, many for some.
const tracedParallel = 4

// tracedMethods are the start methods every listing is traced under:
// fork (Linux's default before Python 3.14), spawn (macOS's and Windows')
// and forkserver (Linux's from 3.14).
var tracedMethods = []string{"fork", "spawn", "forkserver"}

// methodsOf is the start methods listing c is traced under: all three; with
// -short, the -short listings under fork and under one other method, spawn
// or forkserver by turns, so that each is run.
func methodsOf(c tracedListing, i int) []string {
	if !testing.Short() {
		return tracedMethods
	}
	return []string{"fork", tracedMethods[1+i%2]}
}

// TestListingsTraceUnderPython runs every scenario's listing at its
// defaults (and the variants in tracedExtra), under each start method
// (methodsOf: with -short, a few listings, each under fork and one other),
// through the tracer, as
// `proctour run SCENARIO --python` does, and checks that the trace keeps
// the invariants, that the run ends as the lesson says (by itself, or
// stopped by the watchdog where the scenario is a hang), that no process of
// it is left, and the scenario's own expectation where it has one that the
// scheduler does not decide.
func TestListingsTraceUnderPython(t *testing.T) {
	if _, err := pytrace.FindPython(""); err != nil {
		t.Skipf("no CPython 3.9 or later, so the listings are not traced: %v", err)
	}
	var cases []tracedListing
	for _, sc := range lessons.Scenarios() {
		cases = append(cases, tracedListing{id: sc.ID, short: tracedShort[sc.ID], check: tracedChecks[sc.ID]})
	}
	cases = append(cases, tracedExtra...)
	slots := make(chan struct{}, tracedParallel)
	short := 0
	for _, c := range cases {
		if testing.Short() && !c.short {
			continue
		}
		short++
		name := strings.Join(append([]string{c.id}, c.sets...), ",")
		for _, method := range methodsOf(c, short) {
			t.Run(name+"/"+method, func(t *testing.T) {
				t.Parallel()
				slots <- struct{}{}
				defer func() { <-slots }()
				traceListing(t, c, method)
			})
		}
	}
}

func traceListing(t *testing.T, c tracedListing, method string) {
	sc, err := lessons.Lookup(c.id)
	if err != nil {
		t.Fatal(err)
	}
	if py, _ := pytrace.FindPython(""); len(sc.PythonNeeds) > 0 && exec.Command(py, "-c", "import "+strings.Join(sc.PythonNeeds, ", ")).Run() != nil {
		t.Skipf("%s's listing needs %v, which this Python lacks", sc.ID, sc.PythonNeeds)
	}
	vars, err := sc.Resolve(c.sets)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	prog := filepath.Join(dir, sc.ScriptName())
	if err := os.WriteFile(prog, []byte(sc.Program("en", vars)), 0o600); err != nil {
		t.Fatal(err)
	}
	// The run is bounded by the listing's timeout: past it, the watchdog
	// stops it, and a run that should have ended fails below.
	timeout := sc.ListingTimeout()
	if method != "fork" {
		// every child is a new interpreter importing the program: 100 of
		// them on a loaded machine take a while
		timeout *= 2
	}
	tl, err := pytrace.Trace(context.Background(), pytrace.Options{Program: prog, Dir: dir, StartMethod: method, Timeout: timeout})
	if err != nil {
		t.Fatalf("the tracer could not run %s: %v", sc.ScriptName(), err)
	}
	if v := sim.Check(tl); len(v) > 0 {
		t.Errorf("broken invariants: %v", v)
	}
	for _, r := range tl {
		if r.Kind == trace.KindProcStart && tracedAlive(r.Pid) {
			t.Errorf("%s (pid %d) is still running after the run", r.Proc, r.Pid)
		}
	}
	st := sim.Fold(tl)
	hangs := sc.Hangs != nil && sc.Hangs(vars)
	switch wd := tracedKind(tl, trace.KindWatchdog); {
	case hangs && len(wd) != 1:
		t.Errorf("%d watchdog events, want the hang stopped by the watchdog once", len(wd))
	case hangs:
		t.Logf("stopped by the watchdog (%s): %s", wd[0].Obj, tracedStr(wd[0].Val))
	case !hangs && len(wd) > 0:
		t.Errorf("the watchdog stopped the run: %s", tracedStr(wd[0].Val))
	case !hangs && (len(st.Procs) == 0 || st.Procs[0].ExitCode != 0):
		t.Errorf("the main process did not end with exit code 0: %s", tracedStderr(tl))
	}
	if c.check != nil {
		c.check(t, sc, tl)
	}
	if t.Failed() {
		t.Logf("the trace of %s (%s, %s):\n%s", sc.ScriptName(), vars, method, tracedDump(tl))
	}
}

func tracedKind(tl []trace.Record, kind string) []trace.Record {
	var out []trace.Record
	for _, r := range tl {
		if r.Kind == kind {
			out = append(out, r)
		}
	}
	return out
}

func tracedStr(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return string(raw)
	}
	return s
}

// tracedStderr is what the processes wrote to stderr (tracebacks).
func tracedStderr(tl []trace.Record) string {
	var b strings.Builder
	for _, r := range tl {
		if r.Kind == trace.KindStdout && r.Obj == "stderr" {
			fmt.Fprintf(&b, "%s: %s\n", r.Proc, tracedStr(r.Val))
		}
	}
	return b.String()
}

var tracedDumpMu sync.Mutex

func tracedDump(tl []trace.Record) string {
	tracedDumpMu.Lock()
	defer tracedDumpMu.Unlock()
	var b strings.Builder
	for i, r := range tl {
		if i == 400 {
			fmt.Fprintf(&b, "… %d more\n", len(tl)-i)
			break
		}
		line, _ := json.Marshal(r)
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.String()
}

// tracedAlive reports whether pid is a live process (not a zombie), as
// pytrace's tests check.
func tracedAlive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	return len(f) == 0 || f[0] != "Z"
}
