package tui

import (
	"encoding/json"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// x after a seeded run re-executes its interleaving: the new run is in
// step mode with the old run's schedule, ends the same, and the status bar
// gives the schedule (copied to the clipboard with the same command).
func TestAgainReexecutesTheInterleaving(t *testing.T) {
	d := testDemo(t, "tickets")
	d.vars["buyers"] = "5"
	d.mode, d.seed = sim.Seeded, 11
	if d2, _ := d.update(press("x")); !strings.Contains(d2.note, "run it first") {
		t.Errorf("x before any run says %q", d2.note)
	}
	first := finish(t, d, func(d demo) (demo, tea.Cmd) { return d.restart() })
	sched := endOf(t, first.timeline).Schedule
	if sched == "" {
		t.Fatal("a seeded run's run.end has no schedule")
	}
	if !strings.Contains(first.note, "schedule "+sched) {
		t.Errorf("at the end of a seeded run the status note is %q; want its schedule", first.note)
	}
	again := finish(t, first, func(d demo) (demo, tea.Cmd) { return d.update(press("x")) })
	if again.schedule != nil {
		t.Error("the schedule stays set after x: the next r would re-execute it too")
	}
	end := endOf(t, again.timeline)
	if end.Schedule != sched {
		t.Errorf("re-executed schedule %q, want %q", end.Schedule, sched)
	}
	want, got := endOf(t, first.timeline).Outcome, end.Outcome
	if want == nil || got == nil || *want != *got {
		t.Errorf("sold %v, then %v re-executed", want, got)
	}
	var b trace.RunBegin
	json.Unmarshal(again.timeline[0].Val, &b)
	if b.Mode != "step" || b.Schedule != sched {
		t.Errorf("the re-execution's run.begin: mode %q schedule %q", b.Mode, b.Schedule)
	}
}

func endOf(t *testing.T, tl []trace.Record) trace.RunEnd {
	t.Helper()
	if len(tl) == 0 || tl[len(tl)-1].Kind != trace.KindRunEnd {
		t.Fatalf("the run did not end with run.end")
	}
	var e trace.RunEnd
	json.Unmarshal(tl[len(tl)-1].Val, &e)
	return e
}

// finish starts a run with start (r or x) and feeds the demo its batches
// until the run is over.
func finish(t *testing.T, d demo, start func(demo) (demo, tea.Cmd)) demo {
	t.Helper()
	d, cmd := start(d)
	if cmd == nil {
		t.Fatalf("no command; note %q", d.note)
	}
	started := findMsg[runStartedMsg](t, cmd)
	if started.err != nil {
		t.Fatal(started.err)
	}
	d, next := d.update(started)
	for next != nil {
		b, ok := next().(batchMsg)
		if !ok {
			break
		}
		d, next = d.update(b)
		if b.done {
			break
		}
	}
	if d.running {
		t.Fatal("the run did not end")
	}
	return d
}
