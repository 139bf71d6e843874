package tui

import (
	"encoding/json"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// brokerRun is a broker demo's timeline (crash=on) up to a moment: t_ns in
// seconds, then the row as timeline takes it.
func brokerRun(rows ...struct {
	at  float64
	row [5]string
}) []trace.Record {
	out := make([]trace.Record, len(rows))
	for i, r := range rows {
		var pid int
		json.Unmarshal([]byte(r.row[0]), &pid)
		out[i] = trace.Record{Seq: int64(i + 1), TNs: int64(r.at * 1e9), Pid: pid, Proc: r.row[1], Kind: r.row[2], Obj: r.row[3], Val: json.RawMessage(r.row[4])}
	}
	return out
}

type at = struct {
	at  float64
	row [5]string
}

// consumer-1 took job 0 and died before its ack; consumer-2 holds job 1;
// jobs 2 and 3 wait; nothing acked yet. At 1.5 s job 0's ack wait (2 s
// from 0.2 s) has 0.7 s to run: the widget says who holds what, that
// consumer-1 is gone and when the job comes again.
func TestBrokerWidgetShowsWhoHoldsWhatAndWhenItComesBack(t *testing.T) {
	events := brokerRun(
		at{0, [5]string{"1", "MainProcess", "proc.start", "", `"broker"`}},
		at{0.01, [5]string{"1", "MainProcess", "broker.publish", "jobs", `{"job": 0, "seq": 1}`}},
		at{0.02, [5]string{"1", "MainProcess", "broker.publish", "jobs", `{"job": 1, "seq": 2}`}},
		at{0.03, [5]string{"1", "MainProcess", "broker.publish", "jobs", `{"job": 2, "seq": 3}`}},
		at{0.04, [5]string{"1", "MainProcess", "broker.publish", "jobs", `{"job": 3, "seq": 4}`}},
		at{0.1, [5]string{"2", "consumer-1", "proc.start", "", `"broker.consumer"`}},
		at{0.1, [5]string{"3", "consumer-2", "proc.start", "", `"broker.consumer"`}},
		at{0.2, [5]string{"2", "consumer-1", "broker.deliver", "jobs", `{"job": 0, "seq": 1, "delivered": 1, "ack_wait_ns": 2000000000}`}},
		at{0.3, [5]string{"3", "consumer-2", "broker.deliver", "jobs", `{"job": 1, "seq": 2, "delivered": 1, "ack_wait_ns": 2000000000}`}},
		at{0.9, [5]string{"2", "consumer-1", "proc.exit", "", `-9`}},
		at{1.5, [5]string{"1", "MainProcess", "sleep", "", `0.5`}},
	)
	st := sim.Fold(events)
	if len(st.Violations) > 0 {
		t.Fatal(st.Violations)
	}
	got := ansi.Strip(strings.Join(brokerWidget(st, newStyles(true, true), 100), "\n"))
	want := "broker     jobs · waiting 2: 2, 3 · acked 0 · redelivered 0\n" +
		"           job 0 → consumer-1 (exited) · redelivered in 0.7 s\n" +
		"           job 1 → consumer-2 · ack due in 0.8 s"
	if got != want {
		t.Errorf("broker widget:\n%s\nwant\n%s", got, want)
	}

	// consumer-2 acks job 1 and gets job 0 again at 2.3 s; job 2 goes to it
	// later, and its ack wait passes while it works.
	events = append(events, brokerRun(
		at{2.0, [5]string{"3", "consumer-2", "broker.ack", "jobs", `{"job": 1, "seq": 2, "delivered": 1}`}},
		at{2.3, [5]string{"3", "consumer-2", "broker.redeliver", "jobs", `{"job": 0, "seq": 1, "delivered": 2, "ack_wait_ns": 2000000000}`}},
		at{4.4, [5]string{"1", "MainProcess", "sleep", "", `0.5`}},
	)...)
	for i := range events {
		events[i].Seq = int64(i + 1)
	}
	st = sim.Fold(events)
	if len(st.Violations) > 0 {
		t.Fatal(st.Violations)
	}
	got = ansi.Strip(strings.Join(brokerWidget(st, newStyles(true, true), 100), "\n"))
	want = "broker     jobs · waiting 2: 2, 3 · acked 1 · redelivered 1\n" +
		"           job 0 → consumer-2 · delivery 2 · ack wait over: the broker may deliver it again"
	if got != want {
		t.Errorf("broker widget after the redelivery:\n%s\nwant\n%s", got, want)
	}

	// In Chinese, and within 80 and 40 columns.
	zh := newStyles(true, true)
	zh.lang = "zh"
	lines := brokerWidget(st, zh, 80)
	if !hasHan(ansi.Strip(lines[0])) || !hasHan(ansi.Strip(lines[1])) {
		t.Errorf("broker widget in Chinese:\n%s", ansi.Strip(strings.Join(lines, "\n")))
	}
	for _, w := range []int{80, 40} {
		for _, s := range []styles{newStyles(true, true), zh} {
			for _, l := range brokerWidget(st, s, w) {
				if lipgloss.Width(l) > w {
					t.Errorf("%d columns: %q is %d wide", w, ansi.Strip(l), lipgloss.Width(l))
				}
			}
		}
	}
}

// A demo that takes workers of other machines says how to join it, on a
// line of its own under the lanes, the authkey included.
func TestJoinWidget(t *testing.T) {
	st := sim.Fold(timeline(
		[5]string{"1", "MainProcess", "proc.start", "", `"remote-queue"`},
		[5]string{"1", "MainProcess", "manager.listen", "", `{"addr": "0.0.0.0:41025", "join": "proctour worker --connect 192.0.2.2:41025 --authkey proctour"}`},
	))
	got := ansi.Strip(strings.Join(joinWidget(st, newStyles(true, true), 80), "\n"))
	if want := "join       proctour worker --connect 192.0.2.2:41025 --authkey proctour"; got != want {
		t.Errorf("join line:\n%s\nwant\n%s", got, want)
	}
	zh := newStyles(true, true)
	zh.lang = "zh"
	if got := ansi.Strip(joinWidget(st, zh, 80)[0]); !strings.HasPrefix(got, "加入") || !strings.HasSuffix(got, "--authkey proctour") {
		t.Errorf("join line in Chinese: %q", got)
	}
}
