package sim

import (
	"slices"
	"testing"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

func wire(n uint64, pid, ppid int, kind, obj string) primitives.Wire {
	return primitives.Wire{Record: trace.Record{Pid: pid, PPid: ppid, Kind: kind, Obj: obj}, N: n}
}

// collected passes ws to a collector in this order, then ends the session,
// and returns the timeline as "kind obj" lines.
func collected(ws ...primitives.Wire) []string {
	var got []string
	c := newCollector(0, func(r trace.Record) { got = append(got, r.Kind+" "+r.Obj) }, func(primitives.Wire) {})
	for _, w := range ws {
		c.add(w)
	}
	c.flush()
	return got
}

// A child's first events come before its parent reports its start; they
// wait for it, and so does every later event of other processes: a get of
// what the child put never comes before the put.
func TestCollectorKeepsOrderAcrossAParkedChild(t *testing.T) {
	got := collected(
		wire(1, 1, 0, trace.KindProcStart, "main"),
		wire(2, 2, 1, trace.KindQueuePut, "q"),      // the child puts before its start is reported
		wire(3, 1, 0, trace.KindQueueGet, "q"),      // main gets it
		wire(4, 2, 1, trace.KindProcStart, "child"), // the parent reports the start
		wire(5, 1, 0, trace.KindStdout, "after"),
	)
	want := []string{"proc.start main", "proc.start child", "queue.put q", "queue.get q", "stdout after"}
	if !slices.Equal(got, want) {
		t.Fatalf("timeline %q, want %q", got, want)
	}
}

// Two children's first events both come before their starts are reported
// (a parent slow to get back from starting them, on a loaded machine). The
// lock the first releases is taken by the second only after the release,
// and the timeline must keep it so: once the first child's start is out,
// the second's acquire still waits behind the first's release. (Before,
// the second's start let its acquire through ahead of the first's events.)
func TestCollectorKeepsALockHandOverInOrderAcrossTwoLateStarts(t *testing.T) {
	got := collected(
		wire(1, 1, 0, trace.KindProcStart, "main"),
		wire(2, 5, 1, trace.KindLockAcquire, "b5"),
		wire(3, 5, 1, trace.KindLockRelease, "b5"),
		wire(4, 6, 1, trace.KindLockAcquire, "b6"),
		wire(5, 5, 1, trace.KindProcStart, "b5"),
		wire(6, 6, 1, trace.KindProcStart, "b6"),
		wire(7, 1, 0, trace.KindStdout, "after"),
	)
	want := []string{"proc.start main", "proc.start b5", "lock.acquire b5", "lock.release b5", "proc.start b6", "lock.acquire b6", "stdout after"}
	if !slices.Equal(got, want) {
		t.Fatalf("timeline %q, want %q", got, want)
	}
}

// A grandchild's start reported before its parent's start is out waits for
// it; a process whose start never comes (its parent was killed) is let
// through at the end, in order.
func TestCollectorGrandchildAndAStartThatNeverComes(t *testing.T) {
	got := collected(
		wire(1, 1, 0, trace.KindProcStart, "main"),
		wire(2, 3, 2, trace.KindProcStart, "grandchild"),
		wire(3, 3, 2, trace.KindStdout, "grandchild says"),
		wire(4, 2, 1, trace.KindProcStart, "child"),
		wire(5, 9, 1, trace.KindStdout, "orphan says"), // its start is never reported
		wire(6, 1, 0, trace.KindStdout, "main says"),
	)
	want := []string{"proc.start main", "proc.start child", "proc.start grandchild", "stdout grandchild says", "stdout orphan says", "stdout main says"}
	if !slices.Equal(got, want) {
		t.Fatalf("timeline %q, want %q", got, want)
	}
}
