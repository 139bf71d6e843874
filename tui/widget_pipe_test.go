package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/proctour/proctour/sim"
)

func TestPipeWidget(t *testing.T) {
	events := timeline(
		[5]string{"1", "MainProcess", "proc.start", "", `"pipe"`},
		[5]string{"1", "MainProcess", "pipe.new", "parent_conn, child_conn", `{"ends": ["parent_conn", "child_conn"], "duplex": true}`},
		[5]string{"2", "child", "proc.start", "", `"t"`},
		[5]string{"2", "child", "pipe.inherit", "child_conn", `{"pipe": "parent_conn, child_conn"}`},
		[5]string{"1", "MainProcess", "pipe.close", "child_conn", `null`},
		[5]string{"1", "MainProcess", "pipe.send", "parent_conn", `"ping-1"`},
		[5]string{"1", "MainProcess", "pipe.send", "parent_conn", `[1, 2]`},
		[5]string{"1", "MainProcess", "pipe.new", "r, w", `{"ends": ["r", "w"], "duplex": false}`},
		[5]string{"1", "MainProcess", "pipe.close", "w", `null`},
		[5]string{"1", "MainProcess", "pipe.eof", "r", `null`},
		[5]string{"2", "child", "pipe.recv", "child_conn", `"ping-1"`},
		[5]string{"2", "child", "pipe.block", "child_conn", `"recv"`},
	)
	st := sim.Fold(events)
	if len(st.Violations) > 0 {
		t.Fatal(st.Violations)
	}
	got := ansi.Strip(strings.Join(pipeWidget(st, newStyles(true, true), 110), "\n"))
	want := "pipe       parent_conn ● MainProcess → [1, 2] on the way to child_conn\n" +
		"           child_conn  ● child · recv waiting: child\n" +
		"pipe 1-way r (recv) ● MainProcess · recv → EOFError\n" +
		"           w (send) ✗ closed in every process"
	if got != want {
		t.Errorf("pipe widget:\n%s\nwant\n%s", got, want)
	}
}

// The latest message received is drawn as an arrow from the sender's lane
// down (or up) to the receiver's, while the receiver has done nothing else;
// the receiver's step says from whom.
func TestDeliveryArrowBetweenLanes(t *testing.T) {
	events := timeline(
		[5]string{"1", "MainProcess", "proc.start", "", `"prodcons"`},
		[5]string{"2", "producer", "proc.start", "", `"t"`},
		[5]string{"3", "other", "proc.start", "", `"t"`},
		[5]string{"4", "consumer", "proc.start", "", `"t"`},
		[5]string{"2", "producer", "queue.put", "q", `"bun-1"`},
		[5]string{"4", "consumer", "queue.get", "q", `"bun-1"`},
	)
	s := newStyles(true, true)
	draw := func(st *sim.State) string {
		lanes, hidden := pickLanes(st, nil, 9)
		return ansi.Strip(strings.Join(drawLanes(st, lanes, hidden, s, 80, len(lanes)), "\n"))
	}
	st := sim.Fold(events)
	got := draw(st)
	for i, want := range []string{"  1 ▶ MainProcess", "╭ 2 ▶ producer", "│ 3 ▶ other", "▼ 4 ▶ consumer"} {
		if line := strings.Split(got, "\n")[i]; !strings.HasPrefix(line, want) {
			t.Errorf("lane %d: %q, want it to begin %q", i+1, line, want)
		}
	}
	if !strings.Contains(got, "q.get() → 'bun-1'  ← from producer") {
		t.Errorf("the consumer's step does not say where its item came from:\n%s", got)
	}
	// Once the consumer moves on, the arrow is gone.
	next := timeline([5]string{"4", "consumer", "stdout", "", `"ate bun-1"`})[0]
	next.Seq = 7
	st.Apply(next)
	if got := draw(st); strings.ContainsAny(got, "╭▼│") || strings.Contains(got, "← from") {
		t.Errorf("the arrow outlived the delivery:\n%s", got)
	}
}
