package pytrace

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// newOrderRun is a Run with no process behind it, to feed wire messages
// to as connections would.
func newOrderRun() *Run {
	return &Run{opts: Options{Window: 100 * time.Millisecond},
		procs: map[int]*proc{}, conns: map[int]int{}, hints: map[string]hint{}, names: map[string]string{},
		taken: map[string]string{}, counters: map[string]int{}, initial: map[string]int{}, pipeName: map[string]string{},
		puts: map[[2]int]bool{}, state: &sim.State{}, bcast: make(chan struct{}), mainPid: 10,
		socks: map[int]*sock{}, pidSock: map[int]*sock{}}
}

// age makes every pending event's arrival a second old.
func age(r *Run) {
	for i := range r.heap {
		r.heap[i].at = r.heap[i].at.Add(-time.Second)
	}
}

func wire(kind string, mono int64, val string, extra func(*wireMsg)) wireMsg {
	m := wireMsg{K: "ev", Kind: kind, Oid: "q", Mono: mono, Val: json.RawMessage(val)}
	if extra != nil {
		extra(&m)
	}
	return m
}

// A get names the put its item came from; when the put's event reaches
// proctour late (its process ran again only after the window), the get
// and everything stamped after it wait for it, and the trace has the put
// first. A get whose put never comes goes on after putWait.
func TestGetWaitsForItsLatePut(t *testing.T) {
	r := newOrderRun()
	start := monotonic() - int64(time.Second) // stamps a second old: past the window
	name := "Process-1"
	r.take(input{conn: 1, ms: []wireMsg{{K: "hello", Pid: 10}, wire(trace.KindProcStart, start, `"main"`, nil)}})
	r.take(input{conn: 2, ms: []wireMsg{{K: "hello", Pid: 11}, wire(trace.KindProcStart, start+1, `"t"`, func(m *wireMsg) { m.Name = &name })}})
	// the getter's events arrive; the putter's put (stamped before) not yet
	r.take(input{conn: 1, ms: []wireMsg{
		wire(trace.KindQueueGet, start+20, `7`, func(m *wireMsg) { m.After = &[2]int{11, 1} }),
		wire(trace.KindStdout, start+30, `"got 7"`, nil),
	}})
	age(r)
	r.release(false)
	if n := len(r.timeline); n != 2 {
		t.Fatalf("%d events released before the put arrived, want the two starts only: %v", n, r.timeline)
	}
	r.take(input{conn: 2, ms: []wireMsg{wire(trace.KindQueuePut, start+10, `7`, func(m *wireMsg) { m.PutID = 1 })}})
	age(r)
	r.release(false)
	var kinds []string
	for _, e := range r.timeline {
		kinds = append(kinds, e.Kind)
	}
	want := []string{trace.KindProcStart, trace.KindProcStart, trace.KindQueuePut, trace.KindQueueGet, trace.KindStdout}
	if len(kinds) != len(want) {
		t.Fatalf("released %v, want %v", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Fatalf("released %v, want %v", kinds, want)
		}
	}
	if len(r.state.Violations) > 0 {
		t.Errorf("violations: %v", r.state.Violations)
	}
	// a get whose put never comes is held putWait at most
	r.take(input{conn: 1, ms: []wireMsg{wire(trace.KindQueueGet, start+40, `8`, func(m *wireMsg) { m.After = &[2]int{11, 2} })}})
	r.heap[0].at = time.Now().Add(-putWait)
	r.release(false)
	if n := len(r.timeline); n != 6 {
		t.Errorf("%d events after putWait, want the get released without its put", n)
	}
}

// When proctour itself runs late, it may read an acquire on one connection
// before the release, stamped earlier, that waits unread on another: an
// event goes only once it arrived a window ago too, by when the other
// connection has been read.
func TestEventsWaitAWindowAfterTheyArrive(t *testing.T) {
	r := newOrderRun()
	start := monotonic() - int64(time.Second)
	a, b := "a", "b"
	r.take(input{conn: 1, ms: []wireMsg{{K: "hello", Pid: 10}, wire(trace.KindProcStart, start, `"main"`, nil)}})
	r.take(input{conn: 2, ms: []wireMsg{{K: "hello", Pid: 11}, wire(trace.KindProcStart, start+1, `"t"`, func(m *wireMsg) { m.Name = &a })}})
	r.take(input{conn: 3, ms: []wireMsg{{K: "hello", Pid: 12}, wire(trace.KindProcStart, start+2, `"t"`, func(m *wireMsg) { m.Name = &b })}})
	r.take(input{conn: 3, ms: []wireMsg{wire(trace.KindLockAcquire, start+3, `true`, nil)}})
	age(r)
	r.release(false)
	// b's release (stamped +10) still unread when a's acquire (+20) is read
	r.take(input{conn: 2, ms: []wireMsg{wire(trace.KindLockAcquire, start+20, `true`, nil)}})
	r.release(false)
	if n := len(r.timeline); n != 4 {
		t.Fatalf("%d events released, want the starts and b's acquire: the acquire just read waits a window", n)
	}
	r.take(input{conn: 3, ms: []wireMsg{wire(trace.KindLockRelease, start+10, `null`, nil)}})
	age(r)
	r.release(false)
	if len(r.timeline) != 6 || r.timeline[4].Kind != trace.KindLockRelease || r.timeline[5].Proc != "a" {
		t.Errorf("released %v, want b's release before a's acquire", r.timeline)
	}
	if len(r.state.Violations) > 0 {
		t.Errorf("violations: %v", r.state.Violations)
	}
}
