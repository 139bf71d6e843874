package tui

import (
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// drawnLanes draws st's lanes as the demo view does, its calls named as
// sc's listing names them.
func drawnLanes(t *testing.T, sc *lessons.Scenario, tl []trace.Record, lang string) string {
	t.Helper()
	st := sim.Fold(tl)
	s := newStyles(true, true)
	s.lang = lang
	c := &drawCache{listing: listingLines(sc)}
	lanes, hidden := pickLanes(st, nil, 9)
	describe := func(e trace.Record) string { return c.describeEvent(tl, e, lang) }
	lines := drawLanesWith(st, lanes, hidden, s, 100, len(lanes), describe)
	for i, l := range lines { // the columns' padding as one space
		lines[i] = strings.Join(strings.Fields(ansi.Strip(l)), " ")
	}
	return strings.Join(lines, "\n")
}

// A join that waits and the same join once it returned are two different
// lines; the call is named as the listing's line names it (r.join(), where
// the process is called reader).
func TestJoinWaitingAndReturnedDiffer(t *testing.T) {
	sc, err := lessons.Lookup("pipe-eof")
	if err != nil {
		t.Fatal(err)
	}
	line := slices.IndexFunc(sc.Listing.Lines(), func(l string) bool { return strings.TrimSpace(l) == "r.join()" }) + 1
	if line == 0 {
		t.Fatal("pipe-eof's listing has no r.join()")
	}
	tl := timeline(
		[5]string{"1", "MainProcess", "proc.start", "pipe-eof.py", `"pipe-eof"`},
		[5]string{"2", "reader", "proc.start", "", `"pipe-eof.reader"`},
		[5]string{"1", "MainProcess", "proc.join", "reader", `null`},
		[5]string{"2", "reader", "proc.exit", "", `0`},
	)
	tl[1].PPid, tl[2].Line = 1, line
	waiting := drawnLanes(t, sc, tl[:3], "en")
	if !strings.Contains(waiting, "blocked: join") || !strings.Contains(waiting, " r.join() # returns once reader has exited") {
		t.Errorf("MainProcess waiting in the join:\n%s", waiting)
	}
	returned := drawnLanes(t, sc, tl, "en")
	if !strings.Contains(returned, "running r.join() returned") || strings.Contains(returned, "returns once") {
		t.Errorf("MainProcess once the join returned:\n%s", returned)
	}
	if zh := drawnLanes(t, sc, tl, "zh"); !strings.Contains(zh, "r.join() 已返回") {
		t.Errorf("in Chinese:\n%s", zh)
	}
}

// A Go demo's main script stopped by the watchdog runs in proctour, which
// goes on: its lane says it was stopped by the watchdog, not that a
// process exited -15.
func TestMainScriptStoppedByTheWatchdog(t *testing.T) {
	tl := timeline(
		[5]string{"1", "MainProcess", "proc.start", "terminate.py", `"terminate"`},
		[5]string{"2", "worker-0", "proc.start", "", `"terminate.worker"`},
		[5]string{"1", "MainProcess", "watchdog", "deadlock", `"every process waits forever"`},
		[5]string{"2", "worker-0", "proc.exit", "", `-15`},
		[5]string{"1", "MainProcess", "proc.exit", "stopped", `-15`},
		[5]string{"1", "proctour", "run.end", "", `{"exit":-15,"stopped_by":"watchdog"}`},
	)
	tl[1].PPid = 1
	for lang, want := range map[string]string{"en": "✗ MainProcess 1 stopped by the watchdog", "zh": "✗ MainProcess 1 已停止 被看门狗叫停"} {
		got := drawnLanes(t, nil, tl, lang)
		if !strings.Contains(got, want) || strings.Contains(got, "-15\n") || !strings.Contains(got, "worker-0") {
			t.Errorf("%s: the main script's lane:\n%s\nwant %q", lang, got, want)
		}
	}
	// Stopped from outside (q, esc): stopped, not by the watchdog.
	user := append(slices.Clone(tl[:2]), tl[3:5]...)
	if got := drawnLanes(t, nil, user, "en"); !strings.Contains(got, "✗ MainProcess 1 stopped before its end") {
		t.Errorf("stopped by the user:\n%s", got)
	}
}

// The child's end of a pipe arrives under the name its code gives it:
// "conn = child_conn  # a copy…", and its calls are conn's, as the listing
// says them; before the child has used it, it is child_conn's arrival,
// told again once it has.
func TestChildsEndNamedAsItsCode(t *testing.T) {
	sc, err := lessons.Lookup("pipe")
	if err != nil {
		t.Fatal(err)
	}
	line := slices.IndexFunc(sc.Listing.Lines(), func(l string) bool { return strings.TrimSpace(l) == "conn.send('hello from the child')" }) + 1
	if line == 0 {
		t.Fatal("pipe's listing has no conn.send('hello from the child')")
	}
	tl := timeline(
		[5]string{"1", "MainProcess", "proc.start", "pipe.py", `"pipe"`},
		[5]string{"1", "MainProcess", "pipe.new", "parent_conn, child_conn", `{"ends":["parent_conn","child_conn"],"duplex":true}`},
		[5]string{"2", "child", "proc.start", "", `"pipe.child"`},
		[5]string{"2", "child", "pipe.inherit", "child_conn", `{"pipe":"parent_conn, child_conn"}`},
		[5]string{"2", "child", "pipe.send", "child_conn", `"hello from the child"`},
	)
	tl[2].PPid, tl[4].Line = 1, line
	c := &drawCache{listing: listingLines(sc)}
	if got := c.describe(tl[:4], 3, "en"); got != "child_conn  # a copy of this end, passed in the arguments" {
		t.Errorf("before the child uses it: %q", got)
	}
	if got := c.describe(tl, 3, "en"); got != "conn = child_conn  # a copy of this end, passed in the arguments" {
		t.Errorf("once the child has used it: %q", got)
	}
	if got := c.describe(tl, 4, "en"); got != "conn.send('hello from the child')" {
		t.Errorf("the child's send: %q", got)
	}
}

// Workers on two student machines, with the same pid as each other and as
// the teacher's server: a lane each, labelled with its pid and machine.
func TestLanesOfOtherMachinesNameTheirHost(t *testing.T) {
	sc, err := lessons.Lookup("remote-queue")
	if err != nil {
		t.Fatal(err)
	}
	tl := timeline(
		[5]string{"1", "MainProcess", "proc.start", "remote-queue.py", `"remote-queue"`},
		[5]string{"200", "server", "proc.start", "", `"remote-queue.server"`},
		[5]string{"200", "worker-1", "proc.start", "", `"w"`},
		[5]string{"200", "worker-1", "proc.start", "", `"w"`},
		[5]string{"200", "worker-1", "stdout", "", `"job 3 done"`},
	)
	tl[2].Host, tl[3].Host, tl[4].Host = "pc-anna", "pc-ben", "pc-ben"
	drawn := drawnLanes(t, sc, tl, "en")
	for _, want := range []string{"server 200 ", "worker-1 200@pc-anna ", "worker-1 200@pc-ben "} {
		if !strings.Contains(drawn, want) {
			t.Errorf("no lane %q:\n%s", want, drawn)
		}
	}
	if strings.Count(drawn, "\n")+1 != 4 {
		t.Errorf("want 4 lanes (main, the server, a worker on each machine):\n%s", drawn)
	}
}
