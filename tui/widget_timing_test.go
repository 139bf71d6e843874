package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/proctour/proctour/sim"
)

func TestTimingWidget(t *testing.T) {
	st := sim.Fold(timeline(
		[5]string{"1", "MainProcess", "proc.start", "", `"pool-vs-process"`},
		[5]string{"1", "MainProcess", "timing", "Pool(5).map", `0.05`},
		[5]string{"1", "MainProcess", "timing", "100 Process()es", `0.4`},
	))
	got := ansi.Strip(strings.Join(timingWidget(st, newStyles(true, true), 60), "\n"))
	want := "timing     Pool(5).map     ███                  0.050 s\n" +
		"           100 Process()es ████████████████████ 0.400 s"
	if got != want {
		t.Errorf("timing widget:\n%s\nwant\n%s", got, want)
	}
	if timingWidget(sim.Fold(nil), newStyles(true, true), 60) != nil {
		t.Error("a run with no timings draws a timing widget")
	}
}

// Times measured in a step-mode run measure the student's stepping: the
// demo says so under them, and not under a live run's.
func TestTimingsOfAStepRunAreFlagged(t *testing.T) {
	d := testDemo(t, "pool-vs-process")
	d.st = sim.Fold(timeline(
		[5]string{"1", "MainProcess", "proc.start", "", `"pool-vs-process"`},
		[5]string{"1", "MainProcess", "timing", "Pool(5).map", `3.5`},
	))
	s := newStyles(true, true)
	flagged := func() bool {
		_, evidence := d.resources(s, 100)
		return strings.Contains(ansi.Strip(strings.Join(evidence, "\n")), "these times measure the stepping")
	}
	if flagged() {
		t.Error("a live run's times are flagged")
	}
	d.ranMode = sim.Step
	if !flagged() {
		t.Error("a step run's times are not flagged")
	}
}
