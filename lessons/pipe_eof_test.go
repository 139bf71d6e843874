package lessons

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// pipeEOFSent are the messages the writer sends with messages=n.
func pipeEOFSent(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("message %d", i)
	}
	return out
}

// readerGot is what the reader printed that it got, in order.
func readerGot(events []trace.Record) []string {
	var got []string
	for _, line := range prints(events) {
		if s, ok := strings.CutPrefix(line, "reader: reader got "); ok {
			got = append(got, s)
		}
	}
	return got
}

// checkPipeEOF checks a run where every copy of the write end is closed:
// the reader gets every message, then EOFError once, only after the last
// copy of writer_conn was closed, and everyone exits 0.
func checkPipeEOF(t *testing.T, events []trace.Record, st *sim.State, n int) {
	t.Helper()
	want := pipeEOFSent(n)
	if got := pipeValues[string](t, events, "reader", trace.KindPipeRecv, "reader_conn"); !slices.Equal(got, want) {
		t.Errorf("the reader received %q, want %q in order", got, want)
	}
	if got := readerGot(events); !slices.Equal(got, want) {
		t.Errorf("the reader printed that it got %q, want %q", got, want)
	}
	var closed []string // who closed their copy of writer_conn, before the EOF
	eofs := 0
	for _, e := range events {
		switch {
		case e.Kind == trace.KindPipeClose && e.Obj == "writer_conn":
			if eofs > 0 {
				t.Errorf("%s closed writer_conn after the reader's EOF", e.Proc)
			}
			closed = append(closed, e.Proc)
		case e.Kind == trace.KindPipeEOF:
			eofs++
			if e.Proc != "reader" || e.Obj != "reader_conn" || e.Err != "EOFError" {
				t.Errorf("EOF event %+v, want the reader's EOFError on reader_conn", e)
			}
		}
	}
	slices.Sort(closed)
	if eofs != 1 || !slices.Equal(closed, []string{"MainProcess", "writer"}) {
		t.Errorf("%d EOFs after writer_conn was closed by %v; want one EOF, after both MainProcess and the writer closed their copies", eofs, closed)
	}
	out := prints(events)
	if count(out, "reader: EOF: every writer closed") != 1 {
		t.Errorf("the reader should print the EOF once: %q", out)
	}
	if i := slices.Index(out, "reader: EOF: every writer closed"); i >= 0 && slices.ContainsFunc(out[i+1:], func(s string) bool { return strings.HasPrefix(s, "reader:") }) {
		t.Errorf("the reader printed after EOF: %q", out[i:])
	}
	if out[len(out)-1] != "MainProcess: reader and writer are done" {
		t.Errorf("main's last print %q", out[len(out)-1])
	}
	for _, p := range st.Procs[1:] {
		if p.ExitCode != 0 {
			t.Errorf("%s exited with %d, want 0", p.Name, p.ExitCode)
		}
	}
}

func TestPipeEOFReachesTheReaderOnceEveryWriteEndIsClosed(t *testing.T) {
	t.Parallel()
	for range repeats(3) {
		events, st := run(t, "pipe-eof")
		checkPipeEOF(t, events, st, 3)
	}
	events, st := run(t, "pipe-eof", "messages=8")
	checkPipeEOF(t, events, st, 8)
}

func TestPipeEOFSteppedAndSeeded(t *testing.T) {
	t.Parallel()
	for _, mode := range []sim.Options{{Mode: sim.Step}, {Mode: sim.Seeded, Seed: 5}, {Mode: sim.Seeded, Seed: 6}} {
		events, st := runIn(t, mode, "pipe-eof")
		checkPipeEOF(t, events, st, 3)
	}
}

// forget_close=on: main keeps its copy of writer_conn, so the reader waits
// in recv() for ever after the last message, main waits in join(), and the
// watchdog stops the demo, naming the end still open and who holds it.
func TestPipeEOFForgottenCloseHangsTheReader(t *testing.T) {
	t.Parallel()
	for _, mode := range []sim.Options{{Mode: sim.Live}, {Mode: sim.Live}, {Mode: sim.Step}, {Mode: sim.Seeded, Seed: 4}} {
		events, st := runIn(t, mode, "pipe-eof", "forget_close=on")
		want := pipeEOFSent(3)
		if got := readerGot(events); !slices.Equal(got, want) {
			t.Errorf("the reader printed that it got %q, want every message %q", got, want)
		}
		for _, e := range events {
			if e.Kind == trace.KindPipeEOF {
				t.Errorf("the reader saw EOF although main still holds writer_conn: %+v", e)
			}
			if e.Kind == trace.KindPipeClose && e.Obj == "writer_conn" && e.Proc == "MainProcess" {
				t.Errorf("main closed writer_conn with forget_close=on: %+v", e)
			}
		}
		out := prints(events)
		if count(out, "EOF") != 0 {
			t.Errorf("the reader may not see EOF: %q", out)
		}
		// Main never gets past r.join(). (Only checked live: at the gate,
		// a stopped main script may still be released and run on.)
		if mode.Mode == sim.Live && count(out, "reader and writer are done") != 0 {
			t.Errorf("main got past r.join(): %q", out)
		}
		if count(out, "writer: closed my end") != 1 {
			t.Errorf("the writer should close its own end: %q", out)
		}
		if w := pipeProc(t, st, "writer"); w.ExitCode != 0 {
			t.Errorf("the writer exited with %d, want 0", w.ExitCode)
		}
		if r := pipeProc(t, st, "reader"); r.ExitCode != -15 {
			t.Errorf("the reader exited with %d, want -15 (stopped by the watchdog)", r.ExitCode)
		}
		// Who holds the write end when the watchdog fires: main only.
		w := slices.IndexFunc(events, func(e trace.Record) bool { return e.Kind == trace.KindWatchdog })
		if w < 0 {
			t.Fatal("no watchdog event")
		}
		then := sim.Fold(events[:w+1])
		if pp, i := then.FindEnd("writer_conn"); pp == nil {
			t.Error("no pipe with an end writer_conn in the fold")
		} else if holders := pp.Ends[i].Holders; !slices.Equal(holders, []int{st.Procs[0].Pid}) {
			t.Errorf("writer_conn is held by %v when the watchdog fires, want only MainProcess (%d)", holders, st.Procs[0].Pid)
		}
		for _, want := range []string{"reader", "writer_conn"} {
			if !strings.Contains(st.Watchdog, want) {
				t.Errorf("watchdog said %q, want it to mention %q", st.Watchdog, want)
			}
		}
	}
}

// eofs, the measure lesson 9's prediction reads, counts the reader's
// EOFErrors: one when every write end is closed, none (told once the
// watchdog stops the wait) when main keeps its copy.
func TestPipeEOFEofsMeasure(t *testing.T) {
	t.Parallel()
	m := PipeEOF.Measure("eofs")
	events, _ := run(t, "pipe-eof")
	if v, ok := m(events); !ok || v != 1 {
		t.Errorf("forget_close=off: eofs %d, %v; want 1, told", v, ok)
	}
	events, _ = run(t, "pipe-eof", "forget_close=on")
	if v, ok := m(events); !ok || v != 0 {
		t.Errorf("forget_close=on: eofs %d, %v; want 0, told", v, ok)
	}
	w := slices.IndexFunc(events, func(e trace.Record) bool { return e.Kind == trace.KindWatchdog })
	if v, ok := m(events[:w]); w < 0 || ok {
		t.Errorf("forget_close=on, before the watchdog: eofs %d, told %v", v, ok)
	}
}
