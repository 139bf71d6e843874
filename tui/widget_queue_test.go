package tui

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// timeline numbers hand-written events: pid, process, kind, object, value.
func timeline(rows ...[5]string) []trace.Record {
	out := make([]trace.Record, len(rows))
	for i, r := range rows {
		var pid int
		json.Unmarshal([]byte(r[0]), &pid)
		out[i] = trace.Record{Seq: int64(i + 1), Pid: pid, Proc: r[1], Kind: r[2], Obj: r[3], Val: json.RawMessage(r[4])}
	}
	return out
}

func TestQueueWidget(t *testing.T) {
	st := sim.Fold(timeline(
		[5]string{"1", "MainProcess", "proc.start", "", `"queue"`},
		[5]string{"2", "cons-1", "proc.start", "", `"t"`},
		[5]string{"1", "MainProcess", "queue.new", "q", `{"maxsize": 3}`},
		[5]string{"1", "MainProcess", "queue.put", "q", `"bun-1"`},
		[5]string{"1", "MainProcess", "queue.put", "q", `"bun-2"`},
		[5]string{"1", "MainProcess", "queue.put", "q", `"bun-3"`},
		[5]string{"1", "MainProcess", "queue.block", "q", `{"op": "put", "timeout": null}`},
		[5]string{"2", "cons-1", "queue.new", "jq", `{"maxsize": 0, "joinable": true}`},
		[5]string{"2", "cons-1", "queue.block", "jq", `{"op": "get", "timeout": null}`},
	))
	if len(st.Violations) > 0 {
		t.Fatal(st.Violations)
	}
	got := ansi.Strip(strings.Join(queueWidget(st, newStyles(true, true), 100), "\n"))
	want := "q          ['bun-1'] ['bun-2'] ['bun-3'] · 3 of 3 (full) · putting: MainProcess\n" +
		"jq         (empty) · 0 · not done 0 · getting: cons-1"
	if got != want {
		t.Errorf("queue widget:\n%s\nwant\n%s", got, want)
	}
}
