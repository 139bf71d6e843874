package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// foldOf folds records given as (pid, proc, kind, obj, val), after a
// run.begin and the processes' starts.
func foldOf(procs []string, rows [][5]any) *sim.State {
	tl := []trace.Record{{Seq: 1, Proc: "proctour", Kind: trace.KindRunBegin, Val: []byte("{}")}}
	add := func(pid int, proc, kind, obj, val string) {
		tl = append(tl, trace.Record{Seq: int64(len(tl) + 1), Pid: pid, Proc: proc, Kind: kind, Obj: obj, Val: []byte(val)})
	}
	for i, p := range procs {
		add(i+1, p, trace.KindProcStart, "", `"t"`)
	}
	for _, r := range rows {
		add(r[0].(int), r[1].(string), r[2].(string), r[3].(string), r[4].(string))
	}
	return sim.Fold(tl)
}

func widgetText(lines []string) string {
	for i := range lines {
		lines[i] = ansi.Strip(lines[i])
	}
	return strings.Join(lines, "\n")
}

// A condition's line says who holds its lock, who waits for a notify and
// how many a notify has woken; a barrier's, who has arrived of how many,
// or that it is broken.
func TestCondAndBarrierWidgets(t *testing.T) {
	s := newStyles(true, true)
	s.lang = "en"
	st := foldOf([]string{"MainProcess", "consumer-1", "consumer-2", "producer"}, [][5]any{
		{2, "consumer-1", trace.KindLockAcquire, "cond", "true"},
		{2, "consumer-1", trace.KindCondWait, "cond", `{"lock":"cond","timeout":null}`},
		{3, "consumer-2", trace.KindLockAcquire, "cond", "true"},
		{3, "consumer-2", trace.KindCondWait, "cond", `{"lock":"cond","timeout":null}`},
		{4, "producer", trace.KindLockAcquire, "cond", "true"},
		{4, "producer", trace.KindCondNotify, "cond", `{"n":0,"all":true,"woken":2}`},
	})
	got := widgetText(condWidget(st, s, 100))
	if want := "cond       lock ■ producer · notified 2 · waiting 2: consumer-1, consumer-2"; got != want {
		t.Errorf("condition:\n%s\nwant:\n%s", got, want)
	}
	st = foldOf([]string{"MainProcess", "runner-0", "runner-1", "runner-2"}, [][5]any{
		{2, "runner-0", trace.KindBarrierWait, "line_up", `{"parties":4,"timeout":null}`},
		{4, "runner-2", trace.KindBarrierWait, "line_up", `{"parties":4,"timeout":null}`},
	})
	got = widgetText(barrierWidget(st, s, 100))
	if want := "line_up    ■■□□ 2 of 4 arrived: runner-0, runner-2"; got != want {
		t.Errorf("barrier:\n%s\nwant:\n%s", got, want)
	}
	st = foldOf([]string{"MainProcess", "runner-0"}, [][5]any{
		{2, "runner-0", trace.KindBarrierAbort, "line_up", `null`},
	})
	if got := widgetText(barrierWidget(st, s, 100)); !strings.Contains(got, "✗ broken: every wait() raises BrokenBarrierError") {
		t.Errorf("an aborted barrier: %q", got)
	}
}
