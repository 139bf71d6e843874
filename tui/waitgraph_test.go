package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// recordSeeded runs a scenario in seeded mode at speed 1 (its waits on
// purpose keep their length, so that the seed decides the whole run).
func recordSeeded(tb testing.TB, id string, sets ...string) []trace.Record {
	tb.Helper()
	return recordAt(tb, id, sim.Seeded, goldenSeed, 1, sets...)
}

// When the watchdog finds everyone waiting, the wait-for graph is drawn
// beside (or under) its sentence: a cycle for the deadlock, a chain to a
// holder that exited for terminate; in English and Chinese, at the
// smallest size and a large one.
func TestWaitForGraphGolden(t *testing.T) {
	t.Parallel()
	cases := []struct {
		id   string
		want []string // what the graph must show, in English
	}{
		{"deadlock", []string{"↻ a cycle: deadlock", "╭▶ a_to_b ─lock_b▶ b_to_a ─lock_a╮", "MainProcess ─join▶ a_to_b"}},
		{"terminate", []string{"─lock▶ holder ✝ exited -15: never releases it"}},
	}
	for _, c := range cases {
		timeline := normalise(recordSeeded(t, c.id))
		for _, size := range [][2]int{{80, 24}, {120, 40}} {
			name := fmt.Sprintf("waitgraph-%s-%dx%d", c.id, size[0], size[1])
			t.Run(name, func(t *testing.T) {
				a := demoAt(t, c.id, nil, timeline, len(timeline), size[0], size[1])
				got := screenText(a)
				checkSize(t, got, size[0], size[1])
				for _, w := range c.want {
					if !strings.Contains(got, w) {
						t.Errorf("no %q on the screen:\n%s", w, got)
					}
				}
				golden(t, name, got)
			})
		}
		t.Run(c.id+" in Chinese", func(t *testing.T) {
			a := demoAt(t, c.id, nil, timeline, len(timeline), 120, 40)
			a.lang, a.styles.lang, a.demo.lang = "zh", "zh", "zh"
			got := screenText(a)
			want := "↻ 一个环：死锁"
			if c.id == "terminate" {
				want = "已退出（-15）：永远不会释放"
			}
			if !strings.Contains(got, want) {
				t.Errorf("no %q on the Chinese screen:\n%s", want, got)
			}
		})
	}
}

// The graph itself, from a fold: a cycle of three starts at its first
// process and wraps to the width; two waiters for one dead holder share a
// line; nobody waiting draws nothing.
func TestWaitGraphShapes(t *testing.T) {
	var tl []trace.Record
	add := func(pid int, proc, kind, obj, val string) {
		tl = append(tl, trace.Record{Seq: int64(len(tl) + 1), Pid: pid, Proc: proc, Kind: kind, Obj: obj, Val: []byte(val)})
	}
	add(1, "proctour", trace.KindRunBegin, "", "{}")
	for i, n := range []string{"MainProcess", "philosopher-0", "philosopher-1", "philosopher-2", "holder", "w-1", "w-2"} {
		add(i+1, n, trace.KindProcStart, "", `"t"`)
	}
	s := newStyles(true, true)
	s.lang = "en"
	if g := waitGraph(sim.Fold(tl), s, 80); g != nil {
		t.Errorf("nobody waits, yet: %q", g)
	}
	for i := range 3 {
		add(i+2, fmt.Sprintf("philosopher-%d", i), trace.KindLockAcquire, fmt.Sprintf("forks[%d]", i), "true")
	}
	for i := range 3 {
		add(i+2, fmt.Sprintf("philosopher-%d", i), trace.KindLockWait, fmt.Sprintf("forks[%d]", (i+1)%3), "null")
	}
	add(5, "holder", trace.KindLockAcquire, "lock", "true")
	add(5, "holder", trace.KindProcExit, "", "-15")
	add(6, "w-1", trace.KindLockWait, "lock", "null")
	add(7, "w-2", trace.KindLockWait, "lock", "null")
	got := waitGraph(sim.Fold(tl), s, 40)
	for i := range got {
		got[i] = ansi.Strip(got[i])
	}
	want := []string{
		"↻ a cycle: deadlock",
		"╭▶ philosopher-0 ─forks[1]▶",
		"│  philosopher-1 ─forks[2]▶",
		"│  philosopher-2 ─forks[0]╮",
		"╰─────────────────────────╯",
		"w-1, w-2 ─lock▶",
		"  holder ✝ exited -15: never releases it",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("graph at 40 columns:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
