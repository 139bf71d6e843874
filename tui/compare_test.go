package tui

import (
	"encoding/json"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/proctour/proctour/i18n"
	"github.com/proctour/proctour/report"
	"github.com/proctour/proctour/trace"
)

// twoRuns are two tiny runs of three buyers that part at their fourth
// event: in A buyer-0 takes the lock first, in B buyer-1 does.
func twoRuns() (report.Run, report.Run) {
	ev := func(pid, ppid int, proc, kind, obj, val string) trace.Record {
		return trace.Record{Pid: pid, PPid: ppid, Proc: proc, Kind: kind, Obj: obj, Val: json.RawMessage(val)}
	}
	common := []trace.Record{
		ev(10, 0, "MainProcess", trace.KindProcStart, "tickets.py", `"tickets"`),
		ev(11, 10, "buyer-0", trace.KindProcStart, "", `"task"`),
		ev(12, 10, "buyer-1", trace.KindProcStart, "", `"task"`),
	}
	a := append(append([]trace.Record(nil), common...), ev(11, 0, "buyer-0", trace.KindLockAcquire, "lock", "true"), ev(12, 0, "buyer-1", trace.KindLockWait, "lock", "null"))
	b := append(append([]trace.Record(nil), common...), ev(12, 0, "buyer-1", trace.KindLockAcquire, "lock", "true"), ev(11, 0, "buyer-0", trace.KindLockWait, "lock", "null"))
	for _, rs := range [][]trace.Record{a, b} {
		for i := range rs {
			rs[i].Seq = int64(i + 1)
		}
	}
	return report.Run{Name: "a.jsonl", Events: a}, report.Run{Name: "b.jsonl", Events: b}
}

func compareApp(t *testing.T, lang string, w, h int) app {
	t.Helper()
	a, b := twoRuns()
	m, err := newApp(Options{Lang: lang, Compare: &[2]report.Run{a, b}}, newRunner(), true)
	if err != nil {
		t.Fatal(err)
	}
	next, _ := m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return next.(app)
}

// The comparison opens where the runs part, says so, and shows each run's
// own step there side by side; both runs move together, and x comes back.
func TestCompareViewOpensWhereRunsPart(t *testing.T) {
	for _, lang := range []string{"en", "zh"} {
		a := compareApp(t, lang, 100, 30)
		screen := screenText(a)
		if want := i18n.Say(lang, "▶ here they part: event %d is not the same in A and B", 4); !strings.Contains(screen, want) {
			t.Errorf("%s: no %q on:\n%s", lang, want, screen)
		}
		lines := strings.Split(screen, "\n")
		found := false
		for _, l := range lines {
			if strings.Contains(l, "buyer-0") && strings.Contains(l, "lock.acquire()") && strings.Contains(l, "│") &&
				strings.Contains(l[strings.Index(l, "│"):], "buyer-1") {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: A's buyer-0 taking the lock is not beside B's buyer-1 doing so:\n%s", lang, screen)
		}
		a = press1(t, a, "g")
		if want := i18n.Say(lang, "the same so far; they part at event %d (x)", 4); !strings.Contains(screenText(a), want) {
			t.Errorf("%s: at the start, no %q", lang, want)
		}
		a = typed(t, a, "G")
		if want := i18n.Say(lang, "they parted at event %d (x)", 4); !strings.Contains(screenText(a), want) {
			t.Errorf("%s: at the end, no %q", lang, want)
		}
		a = press1(t, a, "x")
		if a.cmp.cursor != 4 {
			t.Errorf("%s: x puts the cursor at %d, want 4 (where they part)", lang, a.cmp.cursor)
		}
	}
}

// At 80×24 every line fits and both runs keep their columns.
func TestCompareViewFitsEighty(t *testing.T) {
	a := compareApp(t, "en", 80, 24)
	for i, l := range strings.Split(screenText(a), "\n") {
		if w := len([]rune(l)); w > 80 {
			t.Errorf("line %d is %d wide: %q", i+1, w, l)
		}
	}
	if !strings.Contains(screenText(a), "A a.jsonl") || !strings.Contains(screenText(a), "B b.jsonl") {
		t.Errorf("the two runs are not both titled:\n%s", screenText(a))
	}
}
