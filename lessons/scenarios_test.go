package lessons

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/sim"
)

func TestMain(m *testing.M) {
	primitives.MaybeRunChild()
	os.Exit(m.Run())
}

// run runs a scenario headless with settings and returns its timeline and
// final state, failing the test on any broken invariant.
func run(t *testing.T, id string, sets ...string) ([]primitives.Record, *sim.State) {
	t.Helper()
	sc, err := Lookup(id)
	if err != nil {
		t.Fatal(err)
	}
	v, err := sc.Resolve(sets)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sim.Start(sc.Script(v), sc.Options(1, 0))
	if err != nil {
		t.Fatal(err)
	}
	var events []primitives.Record
	for r := range s.Events() {
		events = append(events, r)
	}
	for _, v := range sim.Check(events) {
		t.Errorf("%s %v: %s", id, sets, v)
	}
	st := sim.Fold(events)
	var pids []int
	for _, p := range st.Procs[1:] {
		pids = append(pids, p.Pid)
	}
	if left := leftovers(pids); len(left) > 0 {
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
func prints(events []primitives.Record) []string {
	var out []string
	for _, e := range events {
		if e.Kind == primitives.KindStdout {
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

func TestEveryScenarioRunsCleanWithDefaults(t *testing.T) {
	for _, sc := range Scenarios() {
		t.Run(sc.ID, func(t *testing.T) {
			for range 2 {
				run(t, sc.ID)
			}
		})
	}
}

func TestResolveRejectsUnknownVariantsAndValues(t *testing.T) {
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

// Without the lock the ticket is oversold in nearly every run: a run where
// the buyers happened not to overlap is possible (on a busy machine), so two
// runs of three must show it.
func TestTicketsOversellWithoutTheLock(t *testing.T) {
	var sold []int
	oversold := 0
	for range 3 {
		events, st := run(t, "tickets", "lock=off")
		n := count(prints(events), "got a ticket")
		sold = append(sold, n)
		if n > 1 {
			oversold++
		}
		if db := st.Files[0]; db.Name != "db.json" || db.Content != `{"count": 0}` {
			t.Errorf("db.json ends as %q", db.Content)
		}
		// A buyer may also read the file half-written (truncated by another
		// buyer's open(..., 'w')): that, and only that, may fail.
		for _, e := range events {
			if e.Obj == "stderr" && e.Err != "json.decoder.JSONDecodeError" {
				t.Errorf("%s failed: %s", e.Proc, e.Val)
			}
		}
	}
	if oversold < 2 {
		t.Errorf("tickets sold in three runs without the lock: %v; the race should oversell in nearly every run", sold)
	}
}

func TestTicketsSellExactlyWithTheLock(t *testing.T) {
	for _, sets := range [][]string{{"lock=on"}, {"lock=on", "tickets=3", "buyers=20"}} {
		events, st := run(t, "tickets", sets...)
		want := 1
		if len(sets) > 1 {
			want = 3
		}
		if sold := count(prints(events), "got a ticket"); sold != want {
			t.Errorf("%v: %d sold, want exactly %d", sets, sold, want)
		}
		if got := st.Files[0].Content; got != `{"count": 0}` {
			t.Errorf("%v: db.json ends as %q", sets, got)
		}
		if last := prints(events); last[len(last)-1] != "MainProcess: left: 0" {
			t.Errorf("%v: main's last print %q", sets, last[len(last)-1])
		}
		// The lock guards the purchase only: the query before it can still
		// read db.json while a buyer inside the lock rewrites it. That is
		// the only failure allowed.
		for _, e := range events {
			if e.Obj == "stderr" && (e.Err != "json.decoder.JSONDecodeError" || e.Line != ticketsListing.At("search")) {
				t.Errorf("%v: %s failed at line %d: %s", sets, e.Proc, e.Line, e.Val)
			}
		}
	}
}

func TestHelloShowsRealPidsAndStartReturnsFirst(t *testing.T) {
	first := 0
	for range 3 {
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
	if first < 2 {
		t.Errorf("the parent's line after start() came first in %d of 3 runs; it should nearly always", first)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
