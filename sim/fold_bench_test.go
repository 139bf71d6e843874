package sim

import (
	"os"
	"testing"

	"github.com/proctour/proctour/trace"
)

// BenchmarkFoldTickets folds a recorded 100-buyer tickets trace (made with
// `proctour run tickets --format json`); the figure that matters is
// events/s, as scrubbing re-folds from the start.
func BenchmarkFoldTickets(b *testing.B) {
	f, err := os.Open("testdata/tickets-100.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	events, err := trace.Read(f)
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		Fold(events)
	}
	b.ReportMetric(float64(len(events)*b.N)/b.Elapsed().Seconds(), "events/s")
}

func TestRecordedTraceIsValid(t *testing.T) {
	f, err := os.Open("testdata/tickets-100.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	events, err := trace.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	// It was recorded before run.begin and run.end: it is read and folded
	// as it was, and ends where it should (MainProcess's exit).
	for _, v := range Fold(events).Violations {
		t.Error(v)
	}
	if trace.EndsEarly(events) {
		t.Error("the recorded trace ends early")
	}
	if st := Fold(events); len(st.Procs) != 101 || st.Run != nil || !st.Ended {
		t.Errorf("%d processes in the recorded trace, want 101", len(st.Procs))
	}
}
