package lessons

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// pipeProc finds a process of the run by name.
func pipeProc(t *testing.T, st *sim.State, name string) *sim.Proc {
	t.Helper()
	for _, p := range st.Procs {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no process %s among %d", name, len(st.Procs))
	return nil
}

// pipeValues are the values that proc sent (kind pipe.send) or received
// (pipe.recv) on end obj, in order, decoded; failed calls are left out.
func pipeValues[T any](t *testing.T, events []trace.Record, proc, kind, obj string) []T {
	t.Helper()
	var out []T
	for _, e := range events {
		if e.Proc != proc || e.Kind != kind || e.Obj != obj || e.Err != "" {
			continue
		}
		var v T
		if err := json.Unmarshal(e.Val, &v); err != nil {
			t.Fatalf("%s %s on %s: value %s: %v", proc, kind, obj, e.Val, err)
		}
		out = append(out, v)
	}
	return out
}

// pipeFailure is the first event of proc with kind that failed, or nil.
func pipeFailure(events []trace.Record, proc, kind string) *trace.Record {
	for i, e := range events {
		if e.Proc == proc && e.Kind == kind && e.Err != "" {
			return &events[i]
		}
	}
	return nil
}

// checkPipeConversation checks a duplex run as a student would: every
// message arrives, in order, each answer is the message in capitals, and
// both sides say goodbye.
func checkPipeConversation(t *testing.T, events []trace.Record, st *sim.State) {
	t.Helper()
	toChild := append(slices.Clone(pipeMessages), "bye")
	if got := pipeValues[string](t, events, "MainProcess", trace.KindPipeSend, "parent_conn"); !slices.Equal(got, toChild) {
		t.Errorf("main sent %q, want %q", got, toChild)
	}
	if got := pipeValues[string](t, events, "child", trace.KindPipeRecv, "child_conn"); !slices.Equal(got, toChild) {
		t.Errorf("the child received %q, want %q in that order", got, toChild)
	}
	toMain := []string{"hello from the child", "PING", "HOW ARE YOU?", "PIPES ARE FUN", "bye, parent"}
	if got := pipeValues[string](t, events, "MainProcess", trace.KindPipeRecv, "parent_conn"); !slices.Equal(got, toMain) {
		t.Errorf("main received %q, want %q in that order", got, toMain)
	}

	var heard, said []string
	for _, line := range prints(events) {
		if s, ok := strings.CutPrefix(line, "MainProcess: main got "); ok {
			heard = append(heard, s)
		}
		if s, ok := strings.CutPrefix(line, "child: child got "); ok {
			said = append(said, s)
		}
	}
	if !slices.Equal(heard, toMain) || !slices.Equal(said, toChild) {
		t.Errorf("main printed that it got %q and the child %q; want %q and %q", heard, said, toMain, toChild)
	}
	for _, e := range events {
		if e.Kind == trace.KindPipeEOF || e.Err != "" {
			t.Errorf("%s: %s %s failed with %s", e.Proc, e.Kind, e.Obj, e.Err)
		}
	}
	if child := pipeProc(t, st, "child"); child.ExitCode != 0 {
		t.Errorf("the child exited with %d, want 0", child.ExitCode)
	}
}

// pipePolls are main's poll(t) results, in order.
func pipePolls(events []trace.Record) []bool {
	var out []bool
	for _, e := range events {
		if e.Proc == "MainProcess" && e.Kind == trace.KindPipePoll {
			var v struct{ Ready bool }
			json.Unmarshal(e.Val, &v)
			out = append(out, v.Ready)
		}
	}
	return out
}

func TestPipeParentAndChildTalkBothWays(t *testing.T) {
	t.Parallel()
	for range repeats(3) {
		events, st := run(t, "pipe")
		checkPipeConversation(t, events, st)
		// The child takes 1 s to answer; poll(0.4) says False before the
		// answer is there, and True once it is, once per message.
		polls := pipePolls(events)
		if ready := countTrue(polls); ready != len(pipeMessages) {
			t.Errorf("poll() returned True %d times, want once per message (%d): %v", ready, len(pipeMessages), polls)
		}
		// Whether a poll times out at all in a live run is the OS
		// scheduler's call (main may come to poll late); the seeded runs
		// below show it.
		if waited := count(prints(events), "MainProcess: main: no answer yet"); waited != len(polls)-len(pipeMessages) {
			t.Errorf("main said 'no answer yet' %d times after %d polls; want once per poll that timed out", waited, len(polls))
		}
	}
}

func TestPipeSteppedAndSeededRunsTellTheSameConversation(t *testing.T) {
	t.Parallel()
	for _, mode := range []sim.Options{{Mode: sim.Step}, {Mode: sim.Seeded, Seed: 3}, {Mode: sim.Seeded, Seed: 11}} {
		events, st := runIn(t, mode, "pipe")
		checkPipeConversation(t, events, st)
		if mode.Mode != sim.Seeded {
			continue
		}
		// A poll the seeded scheduler lets go before the child's answer
		// times out, the same in every run of the seed (seeds 1 to 12 all
		// have at least one).
		polls := pipePolls(events)
		waited := count(prints(events), "MainProcess: main: no answer yet")
		if countTrue(polls) != len(pipeMessages) || waited == 0 || waited != len(polls)-len(pipeMessages) {
			t.Errorf("seed %d: polls %v, 'no answer yet' %d times; want True once per message and at least one poll that timed out, said", mode.Seed, polls, waited)
		}
	}
}

// With poll(2) main waits longer than the child takes to answer (1 s), so
// live it sees every answer at its first poll, unless the OS lets the child
// lag a listing second (0.2 s) behind; a seeded run cannot order it (a 0.4 s
// poll is counted as waiting outside the gate, and then real time decides).
// What holds in every run is checked: each answer seen once, and 'no answer
// yet' said once per poll that timed out.
func TestPipePatientPollNeverTimesOut(t *testing.T) {
	t.Parallel()
	events, st := run(t, "pipe", "patience=2")
	checkPipeConversation(t, events, st)
	polls := pipePolls(events)
	if countTrue(polls) != len(pipeMessages) {
		t.Errorf("poll(2) returned %v, want True once for each of the %d answers", polls, len(pipeMessages))
	}
	if n := count(prints(events), "no answer yet"); n != len(polls)-len(pipeMessages) {
		t.Errorf("main said 'no answer yet' %d times after poll(2) returned %v", n, polls)
	}
	t.Logf("poll(2) returned %v", polls)
}

// With duplex=False the pipe is one-way, child_conn → parent_conn: the
// child's greeting arrives, then each side uses its end the wrong way.
func TestPipeOneWayRaisesOSError(t *testing.T) {
	t.Parallel()
	for range repeats(2) {
		events, st := run(t, "pipe", "duplex=off")
		if got := pipeValues[string](t, events, "MainProcess", trace.KindPipeRecv, "parent_conn"); !slices.Equal(got, []string{"hello from the child"}) {
			t.Errorf("main received %q, want only the child's greeting", got)
		}
		if e := pipeFailure(events, "MainProcess", trace.KindPipeSend); e == nil || e.Obj != "parent_conn" || e.Err != "OSError" {
			t.Errorf("main's send on parent_conn: %+v, want OSError", e)
		}
		if e := pipeFailure(events, "child", trace.KindPipeRecv); e == nil || e.Obj != "child_conn" || e.Err != "OSError" {
			t.Errorf("the child's recv on child_conn: %+v, want OSError", e)
		}
		out := prints(events)
		for _, want := range []string{
			"MainProcess: main got hello from the child",
			"MainProcess: Traceback (most recent call last): OSError: connection is read-only",
			"child: Process child: OSError: connection is write-only",
		} {
			if count(out, want) != 1 {
				t.Errorf("no line %q in %q", want, out)
			}
		}
		if n := count(out, "child got"); n != 0 {
			t.Errorf("the child received something on its send-only end: %q", out)
		}
		if child := pipeProc(t, st, "child"); child.ExitCode != 1 {
			t.Errorf("the child exited with %d, want 1 (the OSError)", child.ExitCode)
		}
		if last := events[len(events)-2]; string(last.Val) != "1" { // (before run.end)
			t.Errorf("main ended with %s, want exit code 1 (the OSError)", last.Val)
		}
	}
}

func countTrue(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}
