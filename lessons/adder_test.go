package lessons

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// checkAdder checks a run with n requests as a student would: every answer
// is the sum of its request, in order, and the server ends after EOF, which
// comes only once main has closed client_conn.
func checkAdder(t *testing.T, events []trace.Record, st *sim.State, n int) {
	t.Helper()
	var requests [][2]int
	var sums []int
	var lines []string
	for i := 1; i <= n; i++ {
		requests = append(requests, [2]int{i, i * 10})
		sums = append(sums, i+i*10)
		lines = append(lines, fmt.Sprintf("MainProcess: %d + %d = %d", i, i*10, i+i*10))
	}
	if got := pipeValues[[2]int](t, events, "server", trace.KindPipeRecv, "server_conn"); !slices.Equal(got, requests) {
		t.Errorf("the server received %v, want %v in order", got, requests)
	}
	if got := pipeValues[int](t, events, "server", trace.KindPipeSend, "server_conn"); !slices.Equal(got, sums) {
		t.Errorf("the server answered %v, want the sums %v", got, sums)
	}
	if got := pipeValues[int](t, events, "MainProcess", trace.KindPipeRecv, "client_conn"); !slices.Equal(got, sums) {
		t.Errorf("main received %v, want the sums %v in order", got, sums)
	}
	out := prints(events)
	var answers []string
	for _, l := range out {
		if strings.HasPrefix(l, "MainProcess: ") && strings.Contains(l, " = ") {
			answers = append(answers, l)
		}
	}
	if !slices.Equal(answers, lines) {
		t.Errorf("main printed %q, want %q", answers, lines)
	}

	closed, eofs := false, 0
	for _, e := range events {
		switch {
		case e.Kind == trace.KindPipeClose && e.Obj == "client_conn" && e.Proc == "MainProcess":
			closed = true
		case e.Kind == trace.KindPipeEOF:
			eofs++
			if e.Proc != "server" || e.Obj != "server_conn" || !closed {
				t.Errorf("EOF %+v: want the server's, on server_conn, after main closed client_conn (closed: %v)", e, closed)
			}
		case e.Kind == trace.KindPipeSend && e.Proc == "MainProcess" && closed:
			t.Errorf("main sent after closing client_conn: %+v", e)
		}
	}
	if eofs != 1 {
		t.Errorf("the server saw EOF %d times, want once", eofs)
	}
	if want := fmt.Sprintf("server: server: EOF after %d requests, bye", n); count(out, want) != 1 {
		t.Errorf("no line %q in %q", want, out)
	}
	if server := pipeProc(t, st, "server"); server.ExitCode != 0 {
		t.Errorf("the server exited with %d, want 0", server.ExitCode)
	}
	if out[len(out)-1] != "MainProcess: server exitcode: 0" {
		t.Errorf("main's last print %q, want the server's exit code 0", out[len(out)-1])
	}
}

func TestAdderAnswersEveryRequestWithItsSum(t *testing.T) {
	t.Parallel()
	for range repeats(3) {
		events, st := run(t, "adder")
		checkAdder(t, events, st, 5)
	}
	events, st := run(t, "adder", "requests=12")
	checkAdder(t, events, st, 12)
}

func TestAdderSteppedAndSeeded(t *testing.T) {
	t.Parallel()
	for _, mode := range []sim.Options{{Mode: sim.Step}, {Mode: sim.Seeded, Seed: 1}, {Mode: sim.Seeded, Seed: 2}} {
		events, st := runIn(t, mode, "adder", "requests=3")
		checkAdder(t, events, st, 3)
	}
}
