package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"

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

// BenchmarkFollowerFrame is a classroom follower taking the driver's next
// frame of a 100-buyer tickets run (ten events more than the last): the
// work each follower's program does per frame, drawing aside.
func BenchmarkFollowerFrame(b *testing.B) {
	timeline := record(b, "tickets", sim.Live, 0, "buyers=100")
	st := &classApp{}
	link := &Class{Publish: func(ClassFrame) {}, Answer: func(int, int) {}, Follow: func(bool) {}, Hand: func() {}, Views: NewViewCache()}
	a, err := newApp(Options{Lang: "en", Class: link}, newRunner(), true)
	if err != nil {
		b.Fatal(err)
	}
	st.a = a
	st.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	n := len(timeline) / 2
	st.send(ticketsFrame(1, timeline, n, true))
	seq := uint64(1)
	b.ReportAllocs()
	for b.Loop() {
		seq++
		n = n%(len(timeline)-10) + 10
		m, _ := st.a.Update(ticketsFrame(seq, timeline, n, true))
		st.a = m.(app)
	}
}
