package report

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/proctour/proctour/i18n"
	"github.com/proctour/proctour/trace"
)

func rec(pid int, proc, kind, obj, val string) trace.Record {
	return trace.Record{Pid: pid, Proc: proc, Kind: kind, Obj: obj, Val: json.RawMessage(val)}
}

// child is a process's start by its parent.
func child(pid, ppid int, name string) trace.Record {
	r := rec(pid, name, trace.KindProcStart, "", `"task"`)
	r.PPid = ppid
	return r
}

// TestCompareIgnoresPidsAndTimes: two runs that did the same with other
// pids and times are the same; the first different value is where they
// part.
func TestCompareIgnoresPidsAndTimes(t *testing.T) {
	a := []trace.Record{
		rec(10, "MainProcess", trace.KindProcStart, "tickets.py", `"tickets"`),
		rec(11, "buyer-0", trace.KindLockAcquire, "lock", "true"),
		rec(11, "buyer-0", trace.KindFileWrite, "db.json", `"{\"count\": 0}"`),
	}
	b := []trace.Record{
		rec(20, "MainProcess", trace.KindProcStart, "tickets.py", `"tickets"`),
		rec(21, "buyer-0", trace.KindLockAcquire, "lock", "true"),
		rec(21, "buyer-0", trace.KindFileWrite, "db.json", `"{\"count\": -1}"`),
	}
	for i := range b {
		b[i].TNs = int64(i) * 1000
	}
	if c := Compare(a, a[:2]); c.Same != 2 || !c.Diverged() {
		t.Errorf("a run and its first two events: same %d, diverged %v; want 2, true", c.Same, c.Diverged())
	}
	if c := Compare(a, b); c.Same != 2 {
		t.Errorf("same %d, want 2: the writes differ", c.Same)
	}
	b[2].Val = json.RawMessage(` "{\"count\": 0}"`) // the same value, written otherwise
	if c := Compare(a, b); c.Diverged() {
		t.Errorf("runs that differ only in pids, times and JSON spacing diverge at %d", c.Same)
	}
	// What says how a run was made is not what it did.
	withHeader := append([]trace.Record{{Kind: "run.begin", Val: json.RawMessage(`{"vars":"lock=on"}`)}}, b...)
	if c := Compare(a, withHeader); c.Diverged() {
		t.Errorf("a run's settings record makes it diverge at %d", c.Same)
	}
}

// TestWriteCompareMarksWherePartingIs prints two runs that part at their
// third event and finds the mark there, with both sides' events.
func TestWriteCompareMarksWherePartingIs(t *testing.T) {
	a := []trace.Record{
		rec(10, "MainProcess", trace.KindProcStart, "tickets.py", `"tickets"`),
		child(11, 10, "buyer-0"),
		rec(11, "buyer-0", trace.KindLockAcquire, "lock", "true"),
		rec(11, "buyer-0", trace.KindProcExit, "", "0"),
		rec(10, "MainProcess", trace.KindProcExit, "", "0"),
	}
	b := []trace.Record{
		rec(20, "MainProcess", trace.KindProcStart, "tickets.py", `"tickets"`),
		child(21, 20, "buyer-0"),
		rec(21, "buyer-0", trace.KindLockAcquire, "lock", "true"),
		child(22, 20, "buyer-1"),
		rec(22, "buyer-1", trace.KindLockWait, "lock", "null"),
		rec(20, "MainProcess", trace.KindProcExit, "", "0"),
	}
	for _, lang := range []string{"en", "zh"} {
		var out strings.Builder
		if err := WriteCompare(&out, Run{"a.jsonl", a}, Run{"b.jsonl", b}, 100, lang); err != nil {
			t.Fatal(err)
		}
		s := out.String()
		want := i18n.Say(lang, "The same first %d events; they part at event %d:", 3, 4)
		if !strings.Contains(s, want) {
			t.Errorf("%s: no %q in:\n%s", lang, want, s)
		}
		var marked string
		for _, l := range strings.Split(s, "\n") {
			if strings.HasPrefix(l, "▶ ") {
				marked = l
			}
		}
		if !strings.Contains(marked, "buyer-0") || !strings.Contains(marked, "buyer-1  Process(target=task).start()") {
			t.Errorf("%s: the marked line is %q; want buyer-0's exit beside buyer-1's start", lang, marked)
		}
		if !strings.Contains(s, i18n.Tr(lang, "(not in this run)")) {
			t.Errorf("%s: buyer-1 is only in B, and the table of processes does not say so:\n%s", lang, s)
		}
	}
}

// Each run's title says the values, mode and seed its run.begin records,
// so that lock=off is told from lock=on at a glance; a trace from before
// run.begin is titled as it was.
func TestCompareTitlesSayTheSettings(t *testing.T) {
	run := func(lock string) []trace.Record {
		return []trace.Record{
			rec(10, trace.RunProc, trace.KindRunBegin, "", `{"scenario":"tickets","vars":{"lock":"`+lock+`","buyers":"3"},"mode":"seeded","seed":3,"speed":1}`),
			rec(10, "MainProcess", trace.KindProcStart, "tickets.py", `"tickets"`),
			rec(10, "MainProcess", trace.KindProcExit, "", `0`),
			rec(10, trace.RunProc, trace.KindRunEnd, "", `{"exit":0}`),
		}
	}
	var out strings.Builder
	if err := WriteCompare(&out, Run{"off.jsonl", run("off")}, Run{"on.jsonl", run("on")}, 100, "en"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"A: off.jsonl · tickets · buyers=3 lock=off · seeded, seed 3 · ×1", "B: on.jsonl · tickets · buyers=3 lock=on · seeded, seed 3 · ×1"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %q in:\n%s", want, out.String())
		}
	}
	out.Reset()
	old := run("off")[1:3]
	WriteCompare(&out, Run{"a.jsonl", old}, Run{"b.jsonl", old}, 100, "en")
	if first, _, _ := strings.Cut(out.String(), "\n"); !strings.HasPrefix(first, "A: a.jsonl · tickets · ") || strings.Contains(first, "seed") {
		t.Errorf("a trace from before run.begin: %q", first)
	}
}
