package lessons

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// queueText decodes an item or a print: a JSON string, or "None" for null.
func queueText(raw json.RawMessage) string {
	var s *string
	if json.Unmarshal(raw, &s) != nil {
		return string(raw)
	}
	if s == nil {
		return "None"
	}
	return *s
}

// queueOps lists proc's queue events and prints, in order, as a student
// reads them off the log: "put apple", "put date → queue.Full", "block
// get", "get result-0", "print full: True".
func queueOps(events []trace.Record, proc string) []string {
	var out []string
	for _, e := range events {
		if e.Proc != proc {
			continue
		}
		var s string
		switch e.Kind {
		case trace.KindQueuePut:
			s = "put " + queueText(e.Val)
		case trace.KindQueueGet:
			s = "get"
			if e.Err == "" {
				s += " " + queueText(e.Val)
			}
		case trace.KindQueueBlock:
			s = "block " + blockOp(e)
		case trace.KindStdout:
			s = "print " + queueText(e.Val)
		default:
			continue
		}
		if e.Err != "" {
			s += " → " + e.Err
		}
		out = append(out, s)
	}
	return out
}

// queueFind returns the first event of proc of kind with error errName
// ("" for none), or nil.
func queueFind(events []trace.Record, proc, kind, errName string) *trace.Record {
	for i, e := range events {
		if e.Proc == proc && e.Kind == kind && e.Err == errName {
			return &events[i]
		}
	}
	return nil
}

// queuePrefix checks the first part of main's story: fill Queue(3), full,
// refused, drain in FIFO order, empty, refused. Main's own gets may wait a
// moment for its feeder (an item is visible a little after its put), so
// "block get" lines are left out.
func queuePrefix(t *testing.T, events []trace.Record, timeout bool) {
	t.Helper()
	var ops []string
	for _, op := range queueOps(events, "MainProcess") {
		if op != "block get" || timeout && len(ops) > 0 && ops[len(ops)-1] == "print empty: True" {
			ops = append(ops, op)
		}
	}
	want := []string{
		"put apple", "put banana", "put cherry",
		"print full: True",
		"put date → queue.Full",
		"print queue.Full: no room for date",
		"get apple", "print got apple",
		"get banana", "print got banana",
		"get cherry", "print got cherry",
		"print empty: True",
		"get → queue.Empty",
		"print queue.Empty: nothing to get",
	}
	if timeout { // put(timeout=…) and get(timeout=…) wait before they raise
		want = slices.Insert(want, 4, "block put")
		want = slices.Insert(want, 14, "block get")
	}
	if len(ops) < len(want) || !slices.Equal(ops[:len(want)], want) {
		t.Fatalf("main's first part:\n got %q\nwant %q", ops[:min(len(ops), len(want))], want)
	}
}

func TestQueueFullAndEmptyRaiseAtOnceWithNowait(t *testing.T) {
	t.Parallel()
	events, st := run(t, "queue")
	queuePrefix(t, events, false)
	at := queueListing.At
	full := queueFind(events, "MainProcess", trace.KindQueuePut, "queue.Full")
	if full.Line != at("putnowait") || queueText(full.Val) != "date" {
		t.Errorf("queue.Full at line %d for %s, want put_nowait('date') at line %d", full.Line, full.Val, at("putnowait"))
	}
	empty := queueFind(events, "MainProcess", trace.KindQueueGet, "queue.Empty")
	if empty.Line != at("getnowait") {
		t.Errorf("queue.Empty at line %d, want get_nowait() at line %d", empty.Line, at("getnowait"))
	}
	if q := st.Queues[0]; q.Name != "q" || q.Capacity != 3 || q.MaxItems != 3 || len(q.Items) != 0 {
		t.Errorf("queue %s: maxsize %d, held at most %d, %d left; want q = Queue(3), full at some point, empty at the end", q.Name, q.Capacity, q.MaxItems, len(q.Items))
	}
}

func TestQueueTimeoutWaitsBeforeRaising(t *testing.T) {
	t.Parallel()
	events, _ := run(t, "queue", "timeout=2", "items=2")
	queuePrefix(t, events, true)
	at := queueListing.At
	wait := primitives.Unit * 2
	for _, c := range []struct {
		kind, block, err, tag string
	}{
		{trace.KindQueuePut, `"put"`, "queue.Full", "puttimeout"},
		{trace.KindQueueGet, `"get"`, "queue.Empty", "gettimeout"},
	} {
		raisedAt := queueFind(events, "MainProcess", c.kind, c.err)
		var block *trace.Record
		for i, e := range events {
			if e.Proc == "MainProcess" && e.Kind == trace.KindQueueBlock && strconv.Quote(blockOp(e)) == c.block && e.Seq < raisedAt.Seq {
				block = &events[i]
			}
		}
		if block == nil || block.Line != at(c.tag) || raisedAt.Line != at(c.tag) {
			t.Fatalf("%s: want a wait, then the error, both at line %d; got %+v then %+v", c.err, at(c.tag), block, raisedAt)
		}
		// A timeout never ends early: this is a lower bound, not a speed test.
		if waited := time.Duration(raisedAt.TNs - block.TNs); waited < wait {
			t.Errorf("%s after %v of waiting, want timeout=2 (%v)", c.err, waited, wait)
		}
	}
}

// queueWorkerStory checks the second part: the worker's ITEMS results
// reach main in order, and a put that waited on a full queue goes on only
// after main got an item. It
// returns how many of the worker's puts waited, and how many of those began
// while q held 3 items; each of those goes on only after main got one.
//
// A put may also wait a moment with 2 items showing: a get's event comes
// before its slot is given back (so that the slot is never seen first), and
// a put in between waits for it.
func queueWorkerStory(t *testing.T, events []trace.Record, st *sim.State, items int) (waited, full int) {
	t.Helper()
	var want, got, puts []string
	for i := range items {
		want = append(want, fmt.Sprintf("result-%d", i))
	}
	start := queueFind(events, "worker", trace.KindProcStart, "")
	for _, e := range events {
		switch {
		case e.Proc == "MainProcess" && e.Kind == trace.KindQueueGet && e.Seq > start.Seq:
			got = append(got, queueText(e.Val))
		case e.Proc == "worker" && e.Kind == trace.KindQueuePut:
			puts = append(puts, queueText(e.Val))
		}
	}
	if !slices.Equal(got, want) || !slices.Equal(puts, want) {
		t.Errorf("the worker put %q and main got %q; want %q both, in order", puts, got, want)
	}
	// Main asks before the worker has anything (it takes 1.5 s), so its
	// get waits — unless the OS lets main lag that much behind the worker:
	// the wait is looked for in seeded runs (queueSeededWaits).
	// Replay the timeline: a put that waits on a full queue goes on only
	// after main has made room.
	waiting, onFull, gotSince := false, false, false
	s := &sim.State{}
	for _, e := range events {
		s.Apply(e)
		switch {
		case e.Proc == "worker" && e.Kind == trace.KindQueueBlock:
			n := len(s.Queues[0].Items)
			if n < 2 {
				t.Errorf("seq %d: the worker's put waits while q holds %d items", e.Seq, n)
			}
			waited++
			waiting, onFull, gotSince = true, n == 3, false
			if onFull {
				full++
			}
		case e.Proc == "MainProcess" && e.Kind == trace.KindQueueGet && e.Err == "":
			gotSince = true
		case e.Proc == "worker" && e.Kind == trace.KindQueuePut && waiting:
			if onFull && !gotSince {
				t.Errorf("seq %d: the worker's put went on before main got an item from the full queue", e.Seq)
			}
			waiting = false
		}
	}
	out := prints(events)
	if count(out, "worker: worker: all results put") != 1 || out[len(out)-1] != "MainProcess: main: done" {
		t.Errorf("prints: %q", out)
	}
	for _, p := range st.Procs[1:] {
		if p.ExitCode != 0 {
			t.Errorf("%s exited %d", p.Name, p.ExitCode)
		}
	}
	return waited, full
}

func TestQueueWorkersPutWaitsForRoom(t *testing.T) {
	t.Parallel()
	// Main gets result-0 as soon as it is put and then takes a second per
	// result, while the worker puts the next ones at once: live, the queue
	// fills and result-4 (at least) waits for room — unless the OS lets the
	// worker lag seconds behind main. Live runs keep what holds in every
	// run (queueWorkerStory: a put that waits on a full queue goes on only
	// after main has made room); a seeded run, the same seed the same run,
	// shows the worker's put waiting on the full queue and main's first get
	// on the empty one (seed 6; in seed 1, for one, the worker never finds
	// the queue full).
	for range repeats(3) {
		events, st := run(t, "queue")
		queueWorkerStory(t, events, st, 5)
	}
	events, st := runIn(t, sim.Options{Mode: sim.Seeded, Seed: 6}, "queue")
	queueWorkerStory(t, events, st, 5)
	mainEmpty, workerFull := queueSeededWaits(events)
	if !mainEmpty {
		t.Errorf("seed 6: main's first q.get() after starting the worker did not find the queue empty: %q", queueOps(events, "MainProcess"))
	}
	if workerFull == 0 {
		t.Errorf("seed 6: no put of the worker came on the full queue: %q", queueOps(events, "worker"))
	}
}

// queueSeededWaits reads off a seeded run (queueArrivals) whether main's
// first get after the worker started came on an empty queue, and how many
// of the worker's puts came on a full one.
func queueSeededWaits(events []trace.Record) (mainEmpty bool, workerFull int) {
	first := true
	for _, a := range queueArrivals(events) {
		switch {
		case a.Proc == "worker" && a.Kind == trace.KindQueuePut && a.Items >= 3:
			workerFull++
		case a.Proc == "MainProcess" && a.Kind == trace.KindQueueGet && first && strings.HasPrefix(queueText(a.Val), "result-"):
			first, mainEmpty = false, a.Items == 0
		}
	}
	return mainEmpty, workerFull
}

func TestQueueFewItemsNeverFill(t *testing.T) {
	t.Parallel()
	events, st := run(t, "queue", "items=3")
	if n, _ := queueWorkerStory(t, events, st, 3); n != 0 {
		t.Errorf("%d puts of 3 items waited, but Queue(3) holds 3", n)
	}
}

func TestQueueInStepAndSeededModes(t *testing.T) {
	t.Parallel()
	for _, mode := range []sim.Options{{Mode: sim.Step}, {Mode: sim.Seeded, Seed: 1}, {Mode: sim.Seeded, Seed: 9}} {
		events, st := runIn(t, mode, "queue", "items=6")
		queuePrefix(t, events, false)
		var want []string
		for i := range 6 {
			want = append(want, fmt.Sprintf("result-%d", i))
		}
		var got []string
		for _, op := range queueOps(events, "MainProcess") {
			if r, ok := strings.CutPrefix(op, "get "); ok && strings.HasPrefix(r, "result-") {
				got = append(got, r)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("mode %v: main got %q, want %q", mode.Mode, got, want)
		}
		if st.Procs[1].ExitCode != 0 {
			t.Errorf("mode %v: the worker exited %d", mode.Mode, st.Procs[1].ExitCode)
		}
	}
}
