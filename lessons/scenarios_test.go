package lessons

import (
	"encoding/json"
	"flag"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

func TestMain(m *testing.M) {
	primitives.MaybeRunChild()
	// The scenario tests run in parallel (t.Parallel): they spend most of
	// their time waiting for the demos' sleeps, not on a CPU, so unless
	// -parallel says otherwise, more of them run at once than there are
	// CPUs (go test's default).
	flag.Parse()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		flag.Set("test.parallel", strconv.Itoa(max(8, 4*runtime.GOMAXPROCS(0))))
	}
	os.Exit(m.Run())
}

// The tiers: go test runs everything, as CI does; go test -short, for the
// edit-test loop, runs a scenario test's repeated runs once and leaves out
// what only several runs can tell together (how often a race shows).

// repeats is how many runs to make of a test whose every check holds for
// each run on its own: n, or 1 with -short.
func repeats(n int) int {
	if testing.Short() {
		return 1
	}
	return n
}

// acrossRuns reports whether to check what several runs show together,
// which one run cannot: not with -short, which makes one run.
func acrossRuns() bool { return !testing.Short() }

// Runs in parallel slow each other down, and a few demos show their lesson
// only if a process acts within a few hundred milliseconds: terminate's
// main must terminate the holder within its 0.4 s sleep, zombie's main
// looks at its child twice while it is a zombie, orphan's child looks at
// its parent before the parent exits; and pool-vs-process's lesson is
// which of its two halves is quicker, so a burst of other processes
// starting during one half answers it. Beside a dozen other sessions on a
// small machine, that would be the scheduler's choice. So the tests of
// these scenarios that check it do not call t.Parallel: go test runs them
// one at a time, alone, before it lets the parallel tests go.
var timed = map[string]bool{"terminate": true, "zombie": true, "orphan": true, "pool-vs-process": true, "join": true, "daemon": true}

// run runs a scenario headless with settings and returns its timeline and
// final state, failing the test on any broken invariant.
func run(t *testing.T, id string, sets ...string) ([]trace.Record, *sim.State) {
	t.Helper()
	return runIn(t, sim.Options{Mode: sim.Live}, id, sets...)
}

// runIn is run in a mode: live, step (oldest first, automatically) or
// seeded with mode.Seed.
func runIn(t *testing.T, mode sim.Options, id string, sets ...string) ([]trace.Record, *sim.State) {
	t.Helper()
	return runChecked(t, mode, false, id, sets...)
}

// runChecked runs a scenario headless and checks it: the trace's
// invariants, no process left, the watchdog if and only if the scenario is
// meant to hang, every line inside the listing. A run meant to hang keeps
// its budget unless longBudget (runs compared with one another, where a
// budget reached in one run and not in another would be a false
// difference).
func runChecked(t *testing.T, mode sim.Options, longBudget bool, id string, sets ...string) ([]trace.Record, *sim.State) {
	t.Helper()
	sc, err := Lookup(id)
	if err != nil {
		t.Fatal(err)
	}
	v, err := sc.Resolve(sets)
	if err != nil {
		t.Fatal(err)
	}
	// A run not meant to hang gets four times its budget: the watchdog's
	// budget is wall time, which 100 buyers starting beside the parallel
	// tests on a loaded machine reached. One meant to hang keeps it.
	timeout := 4 * sc.Budget
	if sc.Hangs != nil && sc.Hangs(v) && !longBudget {
		timeout = 0
	}
	opts := sc.Options(1, timeout)
	opts.Mode, opts.Seed, opts.Auto = mode.Mode, mode.Seed, true
	s, err := sim.Start(sc.Script(v), opts)
	if err != nil {
		t.Fatal(err)
	}
	var events []trace.Record
	var w watch
	for r := range s.Events() {
		w.saw(r)
		events = append(events, r)
	}
	for _, v := range sim.Check(events) {
		t.Errorf("%s %v: %s", id, sets, v)
	}
	st := sim.Fold(events)
	if left := w.leftovers(); len(left) > 0 {
		t.Errorf("%s %v: children left after the session ended: %v", id, sets, left)
	}
	hangs := sc.Hangs != nil && sc.Hangs(v)
	if st.Watchdog != "" && !hangs {
		t.Errorf("%s %v: the watchdog stopped it: %s", id, sets, st.Watchdog)
	}
	if st.Watchdog == "" && hangs {
		t.Errorf("%s %v: meant to hang, but ended by itself", id, sets)
	}
	for _, e := range events {
		if e.Line > len(sc.Listing.Lines()) {
			t.Errorf("%s: event %d points at line %d of a %d-line listing", id, e.Seq, e.Line, len(sc.Listing.Lines()))
		}
	}
	return events, st
}

// prints returns what processes printed, in order, as "proc: text".
func prints(events []trace.Record) []string {
	var out []string
	for _, e := range events {
		if e.Kind == trace.KindStdout {
			var s string
			json.Unmarshal(e.Val, &s)
			out = append(out, e.Proc+": "+s)
		}
	}
	return out
}

func count(lines []string, sub string) int {
	n := 0
	for _, l := range lines {
		if strings.Contains(l, sub) {
			n++
		}
	}
	return n
}

// Not parallel itself, so that its timed scenarios run alone; the others
// run in parallel once they have.
func TestEveryScenarioRunsCleanWithDefaults(t *testing.T) {
	for _, sc := range Scenarios() {
		t.Run(sc.ID, func(t *testing.T) {
			if !timed[sc.ID] {
				t.Parallel()
			}
			defaults, _ := sc.Resolve(nil)
			for i := range repeats(2) {
				events, _ := run(t, sc.ID)
				checkPredictions(t, sc, defaults, events)
				if i == 0 {
					checkChineseComments(t, events)
				}
			}
			runIn(t, sim.Options{Mode: sim.Step}, sc.ID)
			runIn(t, sim.Options{Mode: sim.Seeded, Seed: 42}, sc.ID)
		})
	}
}

// signature is what must repeat for the same seed: every event's process,
// kind, object and value, without pids or times.
func signature(events []trace.Record) []string {
	out := make([]string, len(events))
	for i, e := range events {
		val := string(e.Val)
		if e.Kind == trace.KindProcStart || e.Kind == trace.KindProcExit && e.Proc == "MainProcess" {
			val = ""
		}
		out[i] = e.Proc + " " + e.Kind + " " + e.Obj + " " + val
	}
	return out
}

func TestSeededRunsRepeatForTheSameSeed(t *testing.T) {
	t.Parallel()
	first, _ := runIn(t, sim.Options{Mode: sim.Seeded, Seed: 7}, "tickets", "buyers=8")
	second, _ := runIn(t, sim.Options{Mode: sim.Seeded, Seed: 7}, "tickets", "buyers=8")
	a, b := signature(first), signature(second)
	if strings.Join(a, "\n") != strings.Join(b, "\n") {
		for i := range min(len(a), len(b)) {
			if a[i] != b[i] {
				t.Fatalf("seed 7 twice: event %d differs: %q vs %q (of %d and %d)", i+1, a[i], b[i], len(a), len(b))
			}
		}
		t.Fatalf("seed 7 twice: %d events vs %d", len(a), len(b))
	}
	differs := false
	for _, seed := range []uint64{8, 9, 10} {
		other, _ := runIn(t, sim.Options{Mode: sim.Seeded, Seed: seed}, "tickets", "buyers=8")
		if strings.Join(signature(other), "\n") != strings.Join(a, "\n") {
			differs = true
			break
		}
	}
	if !differs {
		t.Error("seeds 8, 9 and 10 all gave seed 7's interleaving")
	}
}

func TestResolveRejectsUnknownVariantsAndValues(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		set, want string
	}{
		{"locks=on", `no variant "locks" (it has: lock, buyers, tickets)`},
		{"lock=maybe", "lock takes off, on"},
		{"buyers=0", "a whole number from 1 to 300"},
		{"buyers", "want key=value"},
	} {
		if _, err := Tickets.Resolve([]string{tc.set}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("--set %s: %v, want %q", tc.set, err, tc.want)
		}
	}
	if _, err := Lookup("tickests"); err == nil || !strings.Contains(err.Error(), "tickets") {
		t.Errorf("unknown scenario: %v, want the list of ids", err)
	}
}

// Without the lock the ticket is oversold: shown in seeded runs; live runs
// check that db.json stays whole.
func TestTicketsOversellWithoutTheLock(t *testing.T) {
	t.Parallel()
	// Whether a live run oversells is the OS scheduler's call (on a loaded
	// machine the buyers may start too far apart to overlap), so the race
	// is shown where the order is proctour's: seeded runs, the same seed
	// the same run. Each buyer reads, sleeps at the gate, then writes: a
	// scheduler that picks at random lets several read before one writes.
	for _, seed := range []uint64{1, 2} {
		events, st := runIn(t, sim.Options{Mode: sim.Seeded, Seed: seed}, "tickets", "lock=off", "buyers=20")
		if n := count(prints(events), "got a ticket"); n < 2 {
			t.Errorf("seed %d without the lock: %d ticket(s) sold, want the one ticket sold more than once", seed, n)
		}
		checkTicketsFiles(t, events, st)
	}
	// A live run: however the buyers interleave, db.json is whole.
	for range repeats(3) {
		events, st := run(t, "tickets", "lock=off")
		checkTicketsFiles(t, events, st)
	}
}

// checkTicketsFiles: every buyer's temporary file was renamed over
// db.json, and since os.replace swaps db.json whole, no buyer read an empty
// file and failed.
func checkTicketsFiles(t *testing.T, events []trace.Record, st *sim.State) {
	t.Helper()
	if len(st.Files) != 1 || st.Files[0].Name != "db.json" || st.Files[0].Content != `{"count": 0}` {
		t.Errorf("files at the end: %+v, want db.json alone, holding {\"count\": 0}", st.Files)
	}
	for _, e := range events {
		if e.Obj == "stderr" {
			t.Errorf("%s failed at line %d: %s", e.Proc, e.Line, e.Val)
		}
	}
}

func TestTicketsSellExactlyWithTheLock(t *testing.T) {
	t.Parallel()
	for _, sets := range [][]string{{"lock=on"}, {"lock=on", "tickets=3", "buyers=20"}} {
		events, st := run(t, "tickets", sets...)
		want := 1
		if len(sets) > 1 {
			want = 3
		}
		if sold := count(prints(events), "got a ticket"); sold != want {
			t.Errorf("%v: %d sold, want exactly %d", sets, sold, want)
		}
		if v, _ := Tickets.Resolve(sets); Tickets.Outcome.Correct(v) != want {
			t.Errorf("%v: the outcome's correct value is %d, a locked run sells %d", sets, Tickets.Outcome.Correct(v), want)
		}
		if got := st.Files[0].Content; got != `{"count": 0}` {
			t.Errorf("%v: db.json ends as %q", sets, got)
		}
		if last := prints(events); last[len(last)-1] != "MainProcess: left: 0" {
			t.Errorf("%v: main's last print %q", sets, last[len(last)-1])
		}
		// The lock guards the purchase only: the query before it reads
		// db.json while a buyer inside the lock replaces it, and finds the
		// old file or the new one, whole (lesson 5). No buyer fails.
		for _, e := range events {
			if e.Obj == "stderr" {
				t.Errorf("%v: %s failed at line %d: %s", sets, e.Proc, e.Line, e.Val)
			}
		}
	}
}

// hello's lines name real pids, the subclass runs in a process of its own,
// and main's last line comes after both joins. Whether main's line after
// start() comes before the child's is the scheduler's choice (nearly always
// main's, unless the machine is loaded): the lesson's prediction asks it,
// and its reveal says so when a run differs; here it is only logged.
func TestHelloShowsRealPids(t *testing.T) {
	t.Parallel()
	first, n := 0, repeats(3)
	for range n {
		events, st := run(t, "hello")
		main := st.Procs[0]
		out := prints(events)
		bob := st.Procs[1]
		if want := "Process-1: hello bob: pid " + itoa(bob.Pid) + ", parent " + itoa(main.Pid); count(out, want) != 1 {
			t.Errorf("no line %q in %q", want, out)
		}
		if count(out, "alice runs in pid "+itoa(st.Procs[2].Pid)) != 1 {
			t.Errorf("the subclass did not run in its own process: %q", out)
		}
		if strings.HasPrefix(out[0], "MainProcess: main: start() returned") {
			first++
		}
		if out[len(out)-1] != "MainProcess: main: exit codes 0 and 0" {
			t.Errorf("last line %q", out[len(out)-1])
		}
	}
	t.Logf("main's line after start() came first in %d of %d runs", first, n)
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// blockOp is which call a queue.block event says waits: "put" or "get".
func blockOp(e trace.Record) string {
	var v trace.QueueBlock
	json.Unmarshal(e.Val, &v)
	return v.Op
}

var (
	pyStrings    = regexp.MustCompile(`'[^']*'|"[^"]*"`)
	englishWords = regexp.MustCompile(`[A-Za-z]{2,} [A-Za-z]{2,}`)
)

// checkChineseComments: in the Chinese UI, the comment of every event's
// description ("  # the main script, pid 4242") is Chinese. Printed values
// stay as they are, so quoted strings are left out of the check.
func checkChineseComments(t *testing.T, events []trace.Record) {
	t.Helper()
	for _, e := range events {
		if e.Kind == trace.KindRunBegin {
			continue // its comment is values: variant keys, the mode's word, proctour's version
		}
		d := sim.DescribeIn(e, "zh")
		if _, comment, ok := strings.Cut(d, "  # "); ok && englishWords.MatchString(pyStrings.ReplaceAllString(comment, "")) {
			t.Errorf("%s event in Chinese: %q: its comment is still English", e.Kind, d)
		}
	}
}
