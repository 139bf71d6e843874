package lessons

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// prodconsItem splits "p2-item-7" into producer 2, index 7.
func prodconsItem(s string) (producer, index int, ok bool) {
	_, err := fmt.Sscanf(s, "p%d-item-%d", &producer, &index)
	return producer, index, err == nil
}

// prodconsCheck checks what a student checks on a run: every item made is
// consumed exactly once; each consumer sees each producer's items in the
// order they were made; main puts one None per consumer, after every
// producer has ended; each consumer stops at its None; everyone exits 0.
func prodconsCheck(t *testing.T, events []trace.Record, st *sim.State, producers, consumers, items int) {
	t.Helper()
	put := map[string][]string{}    // producer -> items it put, in order
	got := map[string][]string{}    // consumer -> items it got, None included
	consumed := map[string]string{} // item -> the consumer that got it
	var nones []int64               // seqs of main's q.put(None)
	lastProducerExit := int64(0)
	for _, e := range events {
		switch {
		case e.Kind == trace.KindQueuePut && e.Proc == "MainProcess":
			if string(e.Val) != "null" {
				t.Errorf("main put %s; it should put only None", e.Val)
			}
			nones = append(nones, e.Seq)
		case e.Kind == trace.KindQueuePut:
			put[e.Proc] = append(put[e.Proc], queueText(e.Val))
		case e.Kind == trace.KindQueueGet && e.Err == "":
			item := queueText(e.Val)
			if item != "None" && len(got[e.Proc]) > 0 && got[e.Proc][len(got[e.Proc])-1] == "None" {
				t.Errorf("%s got %s after its sentinel", e.Proc, item)
			}
			got[e.Proc] = append(got[e.Proc], item)
			if item == "None" {
				continue
			}
			if other, twice := consumed[item]; twice {
				t.Errorf("%s got %s, which %s had already got", e.Proc, item, other)
			}
			consumed[item] = e.Proc
		case e.Kind == trace.KindProcExit && strings.HasPrefix(e.Proc, "producer-"):
			lastProducerExit = max(lastProducerExit, e.Seq)
		}
	}
	// Made: producer-i put p{i}-item-0 … p{i}-item-{items-1}, in order.
	for i := 1; i <= producers; i++ {
		var want []string
		for k := range items {
			want = append(want, fmt.Sprintf("p%d-item-%d", i, k))
		}
		name := fmt.Sprintf("producer-%d", i)
		if !slices.Equal(put[name], want) {
			t.Errorf("%s put %q, want %q", name, put[name], want)
		}
		for _, it := range want {
			if consumed[it] == "" {
				t.Errorf("%s was never consumed", it)
			}
		}
	}
	if len(put) != producers {
		t.Errorf("items were put by %d processes besides main, want %d producers", len(put), producers)
	}
	if n := len(consumed); n != producers*items {
		t.Errorf("%d items consumed, want %d × %d", n, producers, items)
	}
	// Sentinels: one per consumer, all after the producers have ended.
	if len(nones) != consumers {
		t.Errorf("main put %d None, want one per consumer (%d)", len(nones), consumers)
	}
	if len(nones) > 0 && nones[0] < lastProducerExit {
		t.Errorf("main put the first None (seq %d) before every producer had ended (seq %d)", nones[0], lastProducerExit)
	}
	out := prints(events)
	for j := 1; j <= consumers; j++ {
		name := fmt.Sprintf("consumer-%d", j)
		g := got[name]
		if len(g) == 0 || g[len(g)-1] != "None" || slices.Index(g, "None") != len(g)-1 {
			t.Errorf("%s got %q; want its items, then exactly one None, last", name, g)
		}
		last := map[int]int{}
		for _, it := range g {
			p, k, ok := prodconsItem(it)
			if !ok {
				continue
			}
			if prev, seen := last[p]; seen && k <= prev {
				t.Errorf("%s got p%d-item-%d after p%d-item-%d: a producer's items out of order", name, p, k, p, prev)
			}
			last[p] = k
		}
		if count(out, name+": "+name+" stops") != 1 {
			t.Errorf("%s did not say it stops: %q", name, out)
		}
		if n := count(out, name+": "+name+" got "); n != len(g)-1 {
			t.Errorf("%s printed %d items, got %d", name, n, len(g)-1)
		}
	}
	if len(out) == 0 || out[len(out)-1] != "MainProcess: main: every item consumed" {
		t.Errorf("main's last print: %q", out[max(len(out)-1, 0):])
	}
	if len(st.Procs) != 1+producers+consumers {
		t.Errorf("%d processes, want main, %d producers and %d consumers", len(st.Procs), producers, consumers)
	}
	for _, p := range st.Procs[1:] {
		if p.ExitCode != 0 {
			t.Errorf("%s exited %d", p.Name, p.ExitCode)
		}
	}
	if q := st.Queues[0]; len(q.Items) != 0 {
		t.Errorf("%d items left in the buffer: %q", len(q.Items), q.Items)
	}
}

func TestProdconsOtherSizes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ producers, consumers, items int }{
		{4, 3, 10},
		{1, 3, 1}, // more consumers than items: two get only their None
		{3, 1, 4},
	} {
		events, st := run(t, "prodcons", fmt.Sprintf("producers=%d", c.producers), fmt.Sprintf("consumers=%d", c.consumers), fmt.Sprintf("items=%d", c.items))
		prodconsCheck(t, events, st, c.producers, c.consumers, c.items)
	}
}

func TestProdconsInStepAndSeededModes(t *testing.T) {
	t.Parallel()
	for _, mode := range []sim.Options{{Mode: sim.Step}, {Mode: sim.Seeded, Seed: 3}, {Mode: sim.Seeded, Seed: 11}} {
		events, st := runIn(t, mode, "prodcons", "producers=3", "consumers=2", "items=3")
		prodconsCheck(t, events, st, 3, 2, 3)
	}
}

// prodconsSeededWaits reads off a seeded run who waited on the buffer
// (queueArrivals): fullPuts counts the producers' puts that came on a full
// buffer (they waited for room), emptyGets the gets that came on an empty
// one (they waited for an item), emptyAtStart the consumers whose first get
// did.
func prodconsSeededWaits(events []trace.Record) (fullPuts, emptyGets, emptyAtStart int) {
	gets := map[string]int{}
	for _, a := range queueArrivals(events) {
		switch {
		case a.Kind == trace.KindQueuePut && strings.HasPrefix(a.Proc, "producer-") && a.Items >= 3:
			fullPuts++
		case a.Kind == trace.KindQueueGet:
			if a.Items == 0 {
				emptyGets++
				if gets[a.Proc] == 0 {
					emptyAtStart++
				}
			}
			gets[a.Proc]++
		}
	}
	return fullPuts, emptyGets, emptyAtStart
}

// With the defaults, every item is consumed once, and the buffer does what
// the demo is for: it fills, and producers wait for room; at the start the
// consumers find it empty. Two producers make 5 items a second, two
// consumers use 3.3, so live the producers are the quicker side; but how
// often each side waits in a live run is the OS scheduler's call (on a
// loaded machine a consumer may start late, or a producer lag), and a
// seeded run, which orders the operations at random whatever the sleeps,
// has no rates to compare: live runs keep what holds in every run, and a
// seeded run, the same seed the same run, shows the buffer filling and
// both sides waiting (seed 4, for one, never fills it: its producers
// never wait).
func TestProdconsEveryItemConsumedOnceThroughAFullBuffer(t *testing.T) {
	t.Parallel()
	for range repeats(3) {
		events, st := run(t, "prodcons")
		prodconsCheck(t, events, st, 2, 2, 10)
		if q := st.Queues[0]; q.MaxItems > 3 || q.Capacity != 3 {
			t.Errorf("the buffer, Queue(%d), held up to %d items", q.Capacity, q.MaxItems)
		}
	}
	events, st := runIn(t, sim.Options{Mode: sim.Seeded, Seed: 1}, "prodcons")
	prodconsCheck(t, events, st, 2, 2, 10)
	if q := st.Queues[0]; q.MaxItems != 3 {
		t.Errorf("seed 1: the buffer held at most %d items; it should fill Queue(3)", q.MaxItems)
	}
	full, _, early := prodconsSeededWaits(events)
	if full == 0 {
		t.Errorf("seed 1: no producer came to put on a full buffer; they should wait for room")
	}
	if early == 0 {
		t.Errorf("seed 1: no consumer found the buffer empty at the start")
	}
}

// Four consumers use 6.7 items a second, more than two producers make: live,
// the consumers wait on an empty buffer, and the producers hardly ever
// wait. Which side waits more in a live run is the OS scheduler's call, as
// above: live runs keep what holds in every run; a seeded run shows the
// consumers waiting for items.
func TestProdconsQuickerConsumersWaitForItems(t *testing.T) {
	t.Parallel()
	events, st := run(t, "prodcons", "consumers=4")
	prodconsCheck(t, events, st, 2, 4, 10)
	events, st = runIn(t, sim.Options{Mode: sim.Seeded, Seed: 1}, "prodcons", "consumers=4")
	prodconsCheck(t, events, st, 2, 4, 10)
	if _, empty, _ := prodconsSeededWaits(events); empty == 0 {
		t.Errorf("seed 1: no consumer came to get on an empty buffer; the consumers should wait for items")
	}
}
