package sim

import (
	"encoding/json"
	"testing"

	"github.com/proctour/proctour/trace"
)

// Values read as Python prints their repr: quotes chosen as Python
// chooses them, None/True/False, lists and dicts.
func TestReprIsPythons(t *testing.T) {
	for in, want := range map[any]string{
		"sold out":   `'sold out'`,
		"it's sold":  `"it's sold"`,
		`say "hi"`:   `'say "hi"'`,
		`it's "x"`:   `'it\'s "x"'`,
		"two\nlines": `'two\nlines'`,
		`back\slash`: `'back\\slash'`,
		true:         "True",
		float64(3):   "3",
	} {
		if got := pyRepr(in); got != want {
			t.Errorf("repr(%q) = %s, want %s", in, got, want)
		}
	}
	if got := pyRepr([]any{"a", nil, false}); got != "['a', None, False]" {
		t.Errorf("a list: %s", got)
	}
	if got := pyRepr(map[string]any{"count": float64(3), "name": "it's"}); got != `{'count': 3, 'name': "it's"}` {
		t.Errorf("a dict: %s", got)
	}
}

// Every kind of the trace contract has a description of its own, not the
// fallback that shows the kind as it is ("error" has none yet, and an
// intent is never in a timeline).
func TestEveryKindIsDescribed(t *testing.T) {
	for _, k := range trace.Kinds() {
		if k == trace.KindError || k == trace.KindIntent {
			continue
		}
		r := trace.Record{Seq: 1, Pid: 7, Proc: "MainProcess", Kind: k, Obj: "x", Val: json.RawMessage("null")}
		if got := Describe(r); got == k+" x None" || got == "" {
			t.Errorf("%s is described as %q", k, got)
		}
	}
}

// A call is named as the listing's line names it: a child's end of a pipe
// by the child's parameter, a process by the variable that holds it; a
// line that calls the object by its own name, or by two names, or not at
// all, leaves the description as it is.
func TestInListing(t *testing.T) {
	for _, c := range []struct{ desc, obj, src, want string }{
		{"child_conn.recv() → 'ping'", "child_conn", "        msg = conn.recv()      # waits for the parent", "conn.recv() → 'ping'"},
		{"reader_conn.recv()  # nothing has arrived: waiting", "reader_conn", "            msg = conn.recv()", "conn.recv()  # nothing has arrived: waiting"},
		{"writer.join()  # returns once writer has exited", "writer", "    w.join()", "w.join()  # returns once writer has exited"},
		{"parent_conn.send('ping')", "parent_conn", "        parent_conn.send(msg)", "parent_conn.send('ping')"},
		{"a.send(1)", "a", "    b.send(1); c.send(2)", "a.send(1)"},                                             // two names: which?
		{"a.send(1)", "a", "    print('x.send(1)')  # b.send(", "a.send(1)"},                                    // in a string or a comment
		{"lock.acquire()", "lock", "    with lock:", "lock.acquire()"},                                          // no call on the line
		{"q.get() → 1", "q", "    item = self.q.get()", "q.get() → 1"},                                          // an attribute's, not a name's
		{"print('hi')", "", "    print('hi')", "print('hi')"},                                                   // no object
		{"python tickets.py  # the main script", "tickets.py", "x.py(", "python tickets.py  # the main script"}, // not a call on obj
	} {
		if got := InListing(c.desc, c.obj, c.src); got != c.want {
			t.Errorf("%q on %q: %q, want %q", c.desc, c.src, got, c.want)
		}
	}
}

// run.begin and run.end say what ran and how it ended; a hostile mode is
// shown as its words, never used as a format.
func TestRunBeginAndEndDescribed(t *testing.T) {
	begin := func(b trace.RunBegin) trace.Record {
		return trace.Record{Kind: trace.KindRunBegin, Proc: trace.RunProc, Val: mustJSON(b)}
	}
	end := func(e trace.RunEnd) trace.Record {
		return trace.Record{Kind: trace.KindRunEnd, Proc: trace.RunProc, Val: mustJSON(e)}
	}
	three := 3
	for _, c := range []struct {
		r      trace.Record
		en, zh string
	}{
		{begin(trace.RunBegin{Scenario: "tickets", Vars: map[string]string{"lock": "off", "buyers": "100"}, Mode: "live", Speed: 0.5, Proctour: "v1.0.0"}),
			"run tickets  # buyers=100 lock=off · live · ×0.5, proctour v1.0.0",
			"运行 tickets  # buyers=100 lock=off · 实时 · ×0.5，proctour v1.0.0"},
		{begin(trace.RunBegin{Program: "prog.py", Args: []string{"a"}, Mode: "%999999999d", Speed: 1, Python: "3.11.2"}),
			"run prog.py a  # %999999999d · ×1, Python 3.11.2",
			"运行 prog.py a  # %999999999d · ×1，Python 3.11.2"},
		{end(trace.RunEnd{Exit: 0, Outcome: &three, OutcomeLabel: "tickets sold"}),
			"the run ends  # the main script ended with exit code 0; tickets sold: 3",
			"运行结束  # 主脚本结束，退出码 0；售出的票数：3"},
		{end(trace.RunEnd{Exit: -15, StoppedBy: trace.StoppedByWatchdog}),
			"the run ends  # the main script was stopped by the watchdog",
			"运行结束  # 主脚本被看门狗停下了"},
		{end(trace.RunEnd{Exit: -15, StoppedBy: trace.StoppedByUser}),
			"the run ends  # the main script was stopped before its end",
			"运行结束  # 主脚本在结束前被停下了"},
	} {
		if got := DescribeIn(c.r, "en"); got != c.en {
			t.Errorf("%s: %q, want %q", c.r.Val, got, c.en)
		}
		if got := DescribeIn(c.r, "zh"); got != c.zh {
			t.Errorf("%s in Chinese: %q, want %q", c.r.Val, got, c.zh)
		}
	}
}
