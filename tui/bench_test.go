package tui

import (
	"testing"

	"github.com/proctour/proctour/sim"
)

// BenchmarkDemoView120x40 draws the demo view once at 120×40 with a
// 100-buyer tickets timeline at its end; the target is 5 ms a frame.
func BenchmarkDemoView120x40(b *testing.B) {
	timeline := record(b, "tickets", sim.Live, 0, "buyers=100")
	a := demoAt(b, "tickets", []string{"buyers=100"}, timeline, len(timeline), 120, 40)
	b.ReportAllocs()
	for b.Loop() {
		a.View()
	}
}

// BenchmarkScrubBack is one step back at the end of the same timeline: the
// State is folded again from the start.
func BenchmarkScrubBack(b *testing.B) {
	timeline := record(b, "tickets", sim.Live, 0, "buyers=100")
	a := demoAt(b, "tickets", []string{"buyers=100"}, timeline, len(timeline), 120, 40)
	for b.Loop() {
		d := a.demo.navigate(Back, 0)
		d.navigate(Forward, 0)
	}
}
