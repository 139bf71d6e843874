package tui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/pytrace"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// needPython skips a test of real CPython where there is none, saying so.
func needPython(t *testing.T) {
	t.Helper()
	if _, err := pytrace.FindPython(""); err != nil {
		t.Skipf("no CPython to trace, so the demo view of Python programs is not tested: %v", err)
	}
}

// greetPy is a small program as a student writes one: a child that takes
// a lock to print, then the main process alone, so that the end of its
// trace (what the event log shows) is the same in every run.
const greetPy = `from multiprocessing import Process, Lock


def greet(lock, name):
    with lock:
        print('hello from', name)


if __name__ == '__main__':
    lock = Lock()
    p = Process(target=greet, args=(lock, 'worker'), name='worker')
    p.start()
    p.join()
    for i in range(12):
        print('main says', i)
    print('worker exit code', p.exitcode)
`

// writeProgram writes a Python program into a directory of its own.
func writeProgram(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// A student's program opened in the demo view, drawn at its end: its own
// source in the listing pane, a lane for each of its processes, its lock,
// and CPython named in the status bar.
func TestProgramDemoGolden(t *testing.T) {
	needPython(t)
	prog := writeProgram(t, "greet.py", greetPy)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	timeline, err := pytrace.Trace(ctx, pytrace.Options{Program: prog, Dir: filepath.Dir(prog)})
	if err != nil {
		t.Fatal(err)
	}
	timeline = normalise(timeline)
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		name := fmt.Sprintf("program-greet-%dx%d", size[0], size[1])
		t.Run(name, func(t *testing.T) {
			a, err := newApp(Options{Program: prog}, newRunner(), false)
			if err != nil {
				t.Fatal(err)
			}
			d := a.demo
			d.python.version = "CPython 3" // the machine's own would change the drawing
			d.timeline, d.run = timeline, 1
			d.pb = Playback{Cursor: len(timeline), Len: len(timeline), Following: true}
			d.refold()
			a.demo = d
			m, _ := a.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			got := screenText(m.(app))
			checkSize(t, got, size[0], size[1])
			for _, want := range []string{"greet.py — your program under real CPython", "── greet.py ", "MainProcess", "worker",
				"exited 0", "greet.py · CPython 3", "print('worker exit code 0')"} {
				if !strings.Contains(got, want) {
					t.Errorf("no %q on the screen:\n%s", want, got)
				}
			}
			if size[1] >= 40 && !strings.Contains(got, "def greet(lock, name):") {
				t.Errorf("the listing is not the program's source:\n%s", got)
			}
			golden(t, name, got)
		})
	}
}

// proctour greet.py as a student runs it: the program runs at once under
// CPython, its processes (real Python ones, not proctour's) in the lanes,
// its source beside them, each event's line one of the source's; after q
// nothing of it is left.
func TestProgramDemoRunsLive(t *testing.T) {
	needPython(t)
	prog := writeProgram(t, "greet.py", greetPy)
	runs := newRunner()
	a, err := newApp(Options{Lang: "en", Program: prog}, runs, false)
	if err != nil {
		t.Fatal(err)
	}
	tm, waitFor := testProgram(t, a, time.Minute)
	waitFor("ended")
	tm.Type("g") // scrub to the start, and back to the end
	tm.Type("G")
	tm.Type("q")
	final := tm.FinalModel(t, teatest.WithFinalTimeout(30*time.Second)).(app)
	if err := runs.shutdown(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	d := final.demo
	if d.running || len(d.timeline) == 0 {
		t.Fatalf("running %v, %d events: want the run over", d.running, len(d.timeline))
	}
	if v := sim.Check(d.timeline); len(v) > 0 {
		t.Errorf("broken invariants: %v", v)
	}
	checkPythonTimeline(t, d.timeline, strings.Split(greetPy, "\n"), "greet.py")
	st := sim.Fold(d.timeline)
	var names []string
	for _, p := range st.Procs {
		names = append(names, p.Name)
	}
	if strings.Join(names, " ") != "MainProcess worker" {
		t.Errorf("processes %v, want MainProcess and worker", names)
	}
	screen := screenText(final)
	for _, want := range []string{"def greet(lock, name):", "worker", "greet.py · CPython 3.", fmt.Sprintf("event %d of %d", len(d.timeline), len(d.timeline))} {
		if !strings.Contains(screen, want) {
			t.Errorf("no %q on the final screen:\n%s", want, screen)
		}
	}
	checkGone(t, d.timeline)
}

// checkPythonTimeline checks that a timeline is CPython's, not a Go demo's:
// its main process is not this one (a Go demo's MainProcess is), and is
// the program file's; every event's line is one of the listing's, and a
// print is on a line that prints.
func checkPythonTimeline(t *testing.T, timeline []trace.Record, listing []string, file string) {
	t.Helper()
	if timeline[0].Kind != trace.KindRunBegin {
		t.Errorf("the first event is %s, want run.begin: the run's settings", timeline[0].Kind)
	}
	first := timeline[1]
	if first.Kind != trace.KindProcStart || first.Proc != "MainProcess" || first.Obj != file {
		t.Fatalf("the event after run.begin is %+v, want MainProcess's start of %s", first, file)
	}
	if first.Pid == os.Getpid() {
		t.Errorf("MainProcess is this test's process: the Go demo ran, not CPython")
	}
	prints := 0
	for _, e := range timeline {
		if e.Line < 0 || e.Line > len(listing) {
			t.Errorf("%s %s at line %d: the listing has %d lines", e.Proc, e.Kind, e.Line, len(listing))
			continue
		}
		if e.Kind == trace.KindStdout && e.Obj == "" && e.Line > 0 {
			prints++
			if !strings.Contains(listing[e.Line-1], "print(") {
				t.Errorf("%s printed %s at line %d, which is %q", e.Proc, e.Val, e.Line, listing[e.Line-1])
			}
		}
	}
	if prints == 0 {
		t.Error("no print with its line")
	}
}

// checkGone fails for every process of a timeline still there (a zombie
// included: kill(pid, 0) succeeds on one).
func checkGone(t *testing.T, timeline []trace.Record) {
	t.Helper()
	for _, p := range sim.Fold(timeline).Procs {
		if p.Pid == os.Getpid() {
			continue
		}
		if err := syscall.Kill(p.Pid, 0); err == nil {
			t.Errorf("%s (pid %d) is still there after quitting", p.Name, p.Pid)
		}
	}
}

// P in the tickets demo runs the lesson's own listing, at the values of
// the demo, under CPython in the same view: its processes are Python's,
// its lines the listing's; P again is the Go demo. The listing's private
// directory is gone afterwards.
func TestPythonKeyRunsTheListing(t *testing.T) {
	needPython(t)
	runs := newRunner()
	a, err := newApp(Options{Lang: "en", Scenario: "tickets", Speed: 4}, runs, false)
	if err != nil {
		t.Fatal(err)
	}
	sc, _ := lessons.Lookup("tickets")
	if a.demo.vars, err = sc.Resolve([]string{"buyers=4", "lock=on"}); err != nil {
		t.Fatal(err)
	}
	tm, waitFor := testProgram(t, a, time.Minute)
	waitFor("Press r to run")
	tm.Type("P")
	waitFor("ended")
	tm.Type("q")
	final := tm.FinalModel(t, teatest.WithFinalTimeout(30*time.Second)).(app)
	if err := runs.shutdown(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	d := final.demo
	if d.python == nil || !strings.HasPrefix(d.python.version, "CPython 3.") {
		t.Fatalf("after P the demo runs %+v, want CPython", d.python)
	}
	listing := sc.ProgramLines("en", d.vars)
	checkPythonTimeline(t, d.timeline, listing, "tickets.py")
	if v := sim.Check(d.timeline); len(v) > 0 {
		t.Errorf("broken invariants: %v", v)
	}
	buyers := 0
	for _, p := range sim.Fold(d.timeline).Procs {
		if p.Name != "MainProcess" {
			buyers++
		}
	}
	if buyers != 4 {
		t.Errorf("%d buyers ran, want the demo's 4", buyers)
	}
	if got, _ := sc.Outcome.Measure(d.timeline); got != 1 {
		t.Errorf("with the lock, CPython sold %d tickets, want exactly 1", got)
	}
	checkGone(t, d.timeline)
	if left, _ := filepath.Glob(filepath.Join(os.TempDir(), fmt.Sprintf("proctour-%d-tickets-py-*", os.Getpid()))); len(left) > 0 {
		t.Errorf("the listing's directory is left: %v", left)
	}

	// P again: back to the Go demo, in this test's process
	d.runs = newRunner() // the UI's has shut down
	defer d.runs.shutdown(10 * time.Second)
	d, cmd := d.update(press("P"))
	if d.python != nil {
		t.Fatal("P again still runs CPython")
	}
	if got := ansi.Strip(drawStatus(d.statusInfo(), newStyles(true, true), 120)); strings.Contains(got, "CPython") {
		t.Errorf("the Go demo's status bar says %q", got)
	}
	started := findMsg[runStartedMsg](t, cmd)
	if started.err != nil {
		t.Fatal(started.err)
	}
	started.sess.Stop()
	<-started.sess.Done()
	if tl := started.sess.Timeline(); len(tl) == 0 || tl[0].Pid != os.Getpid() {
		t.Errorf("after P again the run is not the Go demo's: %v", tl)
	}
}

// P starts another run, of another program: the verdict on the last
// run's prediction goes, as it does when r runs again.
func TestPythonKeyForgetsTheLastVerdict(t *testing.T) {
	runs := newRunner()
	defer runs.shutdown(10 * time.Second)
	a, err := newApp(Options{Lang: "en", Scenario: "startmethods"}, runs, false)
	if err != nil {
		t.Fatal(err)
	}
	d := a.demo
	d.revealed = []string{"Your prediction: 'changed in main', both of them", "This run: 'set at import', both of them."}
	d, _ = d.update(press("P"))
	if d.python == nil || d.revealed != nil {
		t.Errorf("after P: python %v, verdict %q; want CPython, and no verdict", d.python, d.revealed)
	}
}

// Quitting while a Python program runs stops it: no Python process, and
// no zombie, is left once the UI has returned.
func TestQuitMidPythonRunLeavesNothing(t *testing.T) {
	needPython(t)
	prog := writeProgram(t, "sleepy.py", `import time
from multiprocessing import Process


def nap(n):
    print('napping', n)
    time.sleep(60)


if __name__ == '__main__':
    ps = [Process(target=nap, args=(i,)) for i in range(3)]
    for p in ps:
        p.start()
    for p in ps:
        p.join()
`)
	runs := newRunner()
	a, err := newApp(Options{Lang: "en", Program: prog}, runs, false)
	if err != nil {
		t.Fatal(err)
	}
	tm, waitFor := testProgram(t, a, time.Minute)
	waitFor("print('napping 2')")
	tm.Type("q")
	final := tm.FinalModel(t, teatest.WithFinalTimeout(30*time.Second)).(app)
	if err := runs.shutdown(30 * time.Second); err != nil {
		t.Fatal(err)
	}
	d := final.demo
	st := sim.Fold(d.timeline)
	if len(st.Procs) != 4 {
		t.Fatalf("%d processes seen before quitting, want 4", len(st.Procs))
	}
	checkGone(t, d.timeline)
}
