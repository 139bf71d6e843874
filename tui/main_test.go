package tui

import (
	"flag"
	"os"
	"testing"
	"time"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// updating reports whether -update was given: rewrite the golden files.
// The flag is teatest's (its golden package defines it); it is defined
// here only if that ever changes.
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files in testdata")
	}
}

// TestMain hands over to the child entry point first: the demos' children
// are this test binary, run again.
func TestMain(m *testing.M) {
	sim.MaybeRunChild()
	flag.Parse()
	os.Exit(m.Run())
}

// record runs a scenario headless, to the end, and returns its timeline.
// Sleeps ten times shorter: the timeline is the same.
func record(tb testing.TB, id string, mode sim.Mode, seed uint64, sets ...string) []trace.Record {
	tb.Helper()
	return recordAt(tb, id, mode, seed, 10, sets...)
}

// recordAt is record at a speed. The watchdog gets a generous budget, for
// slow machines and the race detector.
func recordAt(tb testing.TB, id string, mode sim.Mode, seed uint64, speed float64, sets ...string) []trace.Record {
	tb.Helper()
	sc, err := lessons.Lookup(id)
	if err != nil {
		tb.Fatal(err)
	}
	vars, err := sc.Resolve(sets)
	if err != nil {
		tb.Fatal(err)
	}
	o := sc.Options(speed, 2*time.Minute)
	o.Mode, o.Seed = mode, seed
	s, err := lessons.StartSession(sc, vars, o)
	if err != nil {
		tb.Fatal(err)
	}
	var timeline []trace.Record
	for r := range s.Events() {
		timeline = append(timeline, r)
	}
	if err := s.Wait(); err != nil {
		tb.Fatal(err)
	}
	return timeline
}

// normalise makes a timeline the same in every run of a seeded scenario:
// pids become 1000 + the order of each process's first appearance, and
// times one millisecond per event.
func normalise(timeline []trace.Record) []trace.Record {
	pids := map[int]int{}
	pid := func(p int) int {
		if p == 0 {
			return 0
		}
		if _, ok := pids[p]; !ok {
			pids[p] = 1000 + len(pids)
		}
		return pids[p]
	}
	out := make([]trace.Record, len(timeline))
	for i, r := range timeline {
		r.Pid, r.PPid = pid(r.Pid), pid(r.PPid)
		r.TNs = int64(i) * 1e6
		out[i] = r
	}
	return out
}
