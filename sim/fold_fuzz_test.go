package sim

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/proctour/proctour/trace"
)

// FuzzFold: for any trace trace.Read accepts, folding it never panics and
// keeps the State's own invariants: every pid leads to the latest process
// started with it (an OS reuses pids; a process started twice is a
// violation, and both are listed), every process has a status it can name; folding is deterministic (twice, the same
// State) and does not touch the events; folding a prefix and applying the
// rest, as the demo view does when its cursor moves on, is folding the
// whole; and what the views ask of a State, and every event's
// description in both languages, comes without a control character.
func FuzzFold(f *testing.F) {
	addTraceSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		events, err := trace.Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		keep := cloneEvents(events)
		st := Fold(events)
		if !reflect.DeepEqual(events, keep) {
			t.Fatal("folding changed the events")
		}
		if again := Fold(events); !reflect.DeepEqual(st, again) {
			t.Fatalf("two folds of one trace differ:\n%+v\n%+v", st, again)
		}
		half := Fold(events[:len(events)/2])
		for _, e := range events[len(events)/2:] {
			half.Apply(e)
		}
		if !reflect.DeepEqual(st, half) {
			t.Fatalf("a prefix folded, then the rest applied, differs from the whole folded")
		}
		if st.Seq != events[len(events)-1].Seq || st.TNs != events[len(events)-1].TNs {
			t.Fatalf("the State is at seq %d, t_ns %d; the last event is %+v", st.Seq, st.TNs, events[len(events)-1])
		}
		latest := map[int]*Proc{}
		for _, p := range st.Procs {
			latest[p.Pid] = p
		}
		if len(latest) != len(st.procs) {
			t.Fatalf("%d pids among the processes, %d processes by pid", len(latest), len(st.procs))
		}
		for _, p := range st.Procs {
			if st.Proc(p.Pid) != latest[p.Pid] {
				t.Fatalf("pid %d does not lead to the latest process started with it", p.Pid)
			}
			if p.Status < Running || p.Status > Exited {
				t.Fatalf("process %s has status %d", p.Name, p.Status)
			}
			_ = p.Status.String()
		}
		texts := []string{st.WhoWaits(), st.Watchdog}
		_ = st.Stuck()
		_ = st.Live()
		_ = Check(events)
		for _, e := range events {
			texts = append(texts, Describe(e), DescribeIn(e, "zh"))
		}
		for _, s := range texts {
			if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f || r >= 0x80 && r < 0xa0 }) {
				t.Fatalf("a control character in what is drawn: %q", s)
			}
		}
	})
}

func cloneEvents(events []trace.Record) []trace.Record {
	out := make([]trace.Record, len(events))
	for i, e := range events {
		e.Val = append([]byte(nil), e.Val...)
		if e.Daemon != nil {
			d := *e.Daemon
			e.Daemon = &d
		}
		out[i] = e
	}
	return out
}
