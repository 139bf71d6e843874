package sim

import (
	"testing"

	"github.com/proctour/proctour/primitives"
)

func wire(n uint64, pid, ppid int, kind, obj string) primitives.Wire {
	return primitives.Wire{Record: primitives.Record{Pid: pid, PPid: ppid, Kind: kind, Obj: obj}, N: n}
}

// A child's first events come before its parent reports its start; they
// wait for it, and so does every later event of other processes: a get of
// what the child put never comes before the put.
func TestCollectorKeepsOrderAcrossAParkedChild(t *testing.T) {
	var got []string
	c := newCollector(0, func(r primitives.Record) { got = append(got, r.Kind+" "+r.Obj) }, func(primitives.Wire) {})
	for _, w := range []primitives.Wire{
		wire(1, 1, 0, primitives.KindProcStart, "main"),
		wire(2, 2, 1, kindQueuePut, "q"),                 // the child puts before its start is reported
		wire(3, 1, 0, kindQueueGet, "q"),                 // main gets it
		wire(4, 2, 1, primitives.KindProcStart, "child"), // the parent reports the start
		wire(5, 1, 0, primitives.KindStdout, "after"),
	} {
		c.add(w)
	}
	want := []string{"proc.start main", "proc.start child", "queue.put q", "queue.get q", "stdout after"}
	if len(got) != len(want) {
		t.Fatalf("timeline %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("timeline %q, want %q", got, want)
		}
	}
}
