package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/pytrace"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

func needPython(t *testing.T) {
	t.Helper()
	if _, err := pytrace.FindPython(""); err != nil {
		t.Skipf("no CPython, so 'proctour run prog.py' is not tested: %v", err)
	}
}

func TestRunPythonProgramPrintsATrace(t *testing.T) {
	needPython(t)
	prog := filepath.Join(t.TempDir(), "hello.py")
	os.WriteFile(prog, []byte("import sys\nfrom multiprocessing import Process\n\ndef f(x):\n    print('你好', x)\n\nif __name__ == '__main__':\n    p = Process(target=f, args=(sys.argv[1],))\n    p.start()\n    p.join()\n"), 0o600)
	code, out, errs := proctour("run", prog, "--format", "json", "--", "世界")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	tl, err := trace.Read(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if v := sim.Check(tl); len(v) > 0 {
		t.Errorf("broken invariants %v", v)
	}
	if !strings.Contains(out, `"val":"你好 世界"`) {
		t.Errorf("no print of the argument in\n%s", out)
	}
	code, out, _ = proctour("run", prog, "--", "x")
	if code != 0 || !strings.Contains(out, "print('你好 x')") {
		t.Errorf("text log: exit %d\n%s", code, out)
	}
}

func TestRunPythonBadInputIsOneLine(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	syn := filepath.Join(dir, "syn.py")
	os.WriteFile(syn, []byte("def f(:\n"), 0o600)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", filepath.Join(dir, "nope.py")}, "nope.py: no such file"},
		{[]string{"run", syn}, "syn.py:1: SyntaxError"},
		{[]string{"run", syn, "--set", "lock=on"}, "--set is for scenarios"},
		{[]string{"run", syn, "--mode", "stepwise"}, `mode "stepwise": want live, step or seeded`},
		{[]string{"run", syn, "--seed", "3"}, "--seed 3: a seed drives --mode seeded; this run's mode is live"},
		{[]string{"run", syn, "--mode", "step", "--seed", "3"}, "this run's mode is step"},
		{[]string{"run", syn, "--python", filepath.Join(dir, "py9")}, "no such interpreter"},
	} {
		wantRefused(t, 2, tc.want, tc.args...)
	}
}

func TestRunScenarioPythonRunsItsListing(t *testing.T) {
	needPython(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	code, out, errs := proctour("run", "tickets", "--python", "--set", "lock=on", "--set", "buyers=3", "--format", "json")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	tl, err := trace.Read(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if v := sim.Check(tl); len(v) > 0 {
		t.Errorf("broken invariants %v", v)
	}
	if len(tl) < 2 || tl[1].Kind != trace.KindProcStart || tl[1].Obj != "tickets.py" {
		t.Fatalf("the trace does not start with tickets.py's start:\n%s", out)
	}
	// It says what ran: the scenario's listing at its values, under which
	// Python; and how it ended, with the scenario's outcome.
	var b trace.RunBegin
	json.Unmarshal(tl[0].Val, &b)
	if tl[0].Kind != trace.KindRunBegin || b.Scenario != "tickets" || b.Program != "tickets.py" || b.Vars["lock"] != "on" || b.Vars["buyers"] != "3" ||
		b.Mode != "live" || !strings.HasPrefix(b.Python, "3.") || b.Proctour == "" {
		t.Errorf("run.begin %s %s", tl[0].Kind, tl[0].Val)
	}
	if end := tl[len(tl)-1]; end.Kind != trace.KindRunEnd || string(end.Val) != `{"exit":0,"outcome":1,"outcome_label":"tickets sold"}` {
		t.Errorf("run.end %s %s, want exit 0 and 1 ticket sold", end.Kind, end.Val)
	}
	if n, _ := lessons.Tickets.Outcome.Measure(tl); n != 1 {
		t.Errorf("%d tickets sold with the lock, want 1:\n%s", n, out)
	}
	// --python=PATH chooses the interpreter; the text log is the scenario's
	python, _ := pytrace.FindPython("")
	code, out, errs = proctour("run", "tickets", "--python="+python, "--set", "lock=on", "--set", "buyers=2")
	if code != 0 || errs != "" || !strings.HasPrefix(out, "proctour run tickets  (buyers=2 lock=on tickets=1)\n") || !strings.Contains(out, "print('left: 0')") {
		t.Errorf("text log: exit %d, stderr %q\n%s", code, errs, out)
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("left in TMPDIR: %v", left)
	}
}

func TestRunScenarioPythonBadInputIsOneLine(t *testing.T) {
	needPython(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "tickets", "--python", "--mode", "sorted"}, `mode "sorted": want live, step or seeded`},
		{[]string{"run", "tickets", "--python", "--seed", "2"}, "--seed 2: a seed drives --mode seeded"},
		{[]string{"run", "tickets", "--python", "--set", "lock=maybe"}, "lock=maybe: lock takes off, on"},
		{[]string{"run", "tickest", "--python"}, `unknown scenario "tickest"`},
		{[]string{"run", "tickets", "--python", "--repeat", "3"}, "--repeat is for the Go demo"},
		{[]string{"run", "tickets", "--python", "--format", "xml"}, `--format "xml": want text or json`},
		{[]string{"run", "tickets", "--python", filepath.Join(t.TempDir(), "py9")}, "no such interpreter"},
	} {
		wantRefused(t, 2, tc.want, tc.args...)
	}
}

// proctour run SCENARIO --python --mode seeded: the lesson's listing under
// real CPython, every operation released by the seeded scheduler. With the
// lock exactly one ticket is sold; without it, a seed gives the same run
// each time (what the log says, pids aside).
func TestRunScenarioPythonSeeded(t *testing.T) {
	needPython(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	run := func(args ...string) []trace.Record {
		t.Helper()
		base := []string{"run", "tickets", "--python", "--set", "buyers=4", "--format", "json"}
		if args[0] != "--schedule" {
			base = append(base, "--mode", "seeded")
		}
		code, out, errs := proctour(append(base, args...)...)
		if code != 0 || errs != "" {
			t.Fatalf("%v: exit %d, stderr %q", args, code, errs)
		}
		tl, err := trace.Read(strings.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if v := sim.Check(tl); len(v) > 0 {
			t.Errorf("%v: broken invariants %v", args, v)
		}
		for _, r := range tl {
			if r.Kind == trace.KindWatchdog {
				t.Errorf("%v: the watchdog stopped it: %s", args, r.Val)
			}
		}
		return tl
	}
	if n, _ := lessons.Tickets.Outcome.Measure(run("--set", "lock=on", "--seed", "4")); n != 1 {
		t.Errorf("%d tickets sold with the lock, want 1", n)
	}
	a, b := run("--seed", "11"), run("--seed", "11")
	if sa, sb := steps(a), steps(b); sa != sb {
		t.Errorf("seed 11 twice, two runs:\n%s\n---\n%s", sa, sb)
	}
	// The seeded run's schedule, given back, re-executes it under CPython.
	var end trace.RunEnd
	json.Unmarshal(a[len(a)-1].Val, &end)
	if end.Schedule == "" {
		t.Fatal("a seeded Python run's run.end has no schedule")
	}
	c := run("--schedule", end.Schedule)
	c[0] = a[0] // run.begin says the mode and the schedule it followed
	if sa, sc := steps(a), steps(c); sa != sc {
		t.Errorf("seed 11 and its schedule re-executed, two runs:\n%s\n---\n%s", sa, sc)
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("left in TMPDIR: %v", left)
	}
}

// steps is what a run did, one line per event, without what the OS
// decides (pids, times).
func steps(tl []trace.Record) string {
	var b strings.Builder
	for _, r := range tl {
		fmt.Fprintf(&b, "%s %s %s %s %d\n", r.Proc, r.Kind, r.Obj, r.Val, r.Line)
	}
	return b.String()
}
