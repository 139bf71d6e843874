package trace

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// traceLine is a valid trace line with seq n and value val.
func traceLine(n int, val string) string {
	return `{"seq":` + strconv.Itoa(n) + `,"t_ns":` + strconv.Itoa(n*1000) + `,"pid":7,"proc":"MainProcess","kind":"stdout","obj":"stdout","val":` + val + "}"
}

// nested is a list nested depth deep around 1: [[[1]]].
func nested(depth int) json.RawMessage {
	return json.RawMessage(strings.Repeat("[", depth) + "1" + strings.Repeat("]", depth))
}

// goWords are what a message about a trace must not show: Go's types and
// packages mean nothing to someone with a trace file.
var goWords = []string{"Go ", "go struct", "json:", "int64", "strconv", "bufio", "Scanner", "Record.", "token too long", "ParseFloat", "[]", "map["}

// Each bad trace is refused with one line that names the trace line and
// says what is wrong in the trace's terms; before, some were refused in
// Go's words ("Go struct field Record.seq of type int64", "bufio.Scanner:
// token too long"), a BOM made line 1 "not a JSON object", and JSON nested
// 20,000 deep was "not a JSON object" too.
func TestReadTraceSaysWhatIsWrong(t *testing.T) {
	ok := traceLine(1, `"hi"`) + "\n"
	for _, tc := range []struct{ name, trace, want string }{
		{"seq a string", strings.Replace(ok, `"seq":1`, `"seq":"1"`, 1), `trace line 1: "seq" must be a whole number`},
		{"seq a fraction", strings.Replace(ok, `"seq":1`, `"seq":1.5`, 1), `trace line 1: "seq" must be a whole number`},
		{"t_ns huge", strings.Replace(ok, `"t_ns":1000`, `"t_ns":1e999`, 1), `trace line 1: "t_ns" must be a whole number`},
		{"pid too large", strings.Replace(ok, `"pid":7`, `"pid":99999999999999999999`, 1), `trace line 1: "pid" is too large a number`},
		{"proc a number", strings.Replace(ok, `"proc":"MainProcess"`, `"proc":3`, 1), `trace line 1: "proc" must be a string`},
		{"proc with an escape", strings.Replace(ok, `"proc":"MainProcess"`, `"proc":"\u001b[2J"`, 1), `trace line 1: "proc" holds a control character`},
		{"daemon not a bool", strings.Replace(ok, `"val"`, `"daemon":"yes","val"`, 1), `trace line 1: "daemon" must be true or false`},
		{"not an object", "[1,2]\n", "trace line 1: not a JSON object"},
		{"bad json", ok + "{nope\n", "trace line 2: not a JSON object (bad JSON at column 2)"},
		{"too deep", traceLine(1, string(nested(MaxValueDepth+1))), "trace line 1: the value is nested deeper than 64 levels"},
		{"20000 deep", ok + traceLine(2, string(nested(20000))), "trace line 2: the value is nested deeper than 64 levels"},
		{"too long", ok + traceLine(2, `"`+strings.Repeat("x", MaxLineBytes)+`"`) + "\n", "trace line 2 is longer than 1 MiB"},
		{"too long by one, last", ok + strings.Repeat(" ", MaxLineBytes+1), "trace line 2 is longer than 1 MiB"},
		{"truncated", ok + traceLine(2, `"hi"`)[:40], "trace line 2: the line is cut short: the trace looks truncated"},
		{"cut inside", ok + traceLine(2, `"hi"`)[:40] + "\n" + traceLine(3, "1"), "trace line 2: not a JSON object: the line ends in the middle of one"},
		{"empty", "\n\n", "the trace is empty: it has no events"},
	} {
		_, err := Read(strings.NewReader(tc.trace))
		if err == nil {
			t.Errorf("%s: read, want %q", tc.name, tc.want)
			continue
		}
		msg := err.Error()
		if msg != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, msg, tc.want)
		}
		for _, w := range goWords {
			if strings.Contains(msg, w) {
				t.Errorf("%s: %q shows Go's %q", tc.name, msg, w)
			}
		}
	}
}

// What a person's editor may do to a trace is still read: a UTF-8 BOM at
// the start, CRLF line ends, blank lines, no newline after the last line;
// and a value as deep as the limit allows.
func TestReadTraceTakesEditedTraces(t *testing.T) {
	for name, trace := range map[string]string{
		"bom":        "\xef\xbb\xbf" + traceLine(1, `"hi"`) + "\n" + traceLine(2, "1") + "\n",
		"crlf":       traceLine(1, `"hi"`) + "\r\n\r\n" + traceLine(2, "1") + "\r\n",
		"no newline": traceLine(1, `"hi"`) + "\n" + traceLine(2, "1"),
		"deep":       traceLine(1, string(nested(MaxValueDepth))) + "\n",
	} {
		events, err := Read(strings.NewReader(trace))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if events[0].Seq != 1 || events[0].Proc != "MainProcess" || events[0].Kind != "stdout" || events[0].Pid != 7 {
			t.Errorf("%s: first event %+v", name, events[0])
		}
	}
}

// A trace cut anywhere in its last line (a copy or download that
// stopped, head -c) is truncated, whether or not a newline follows:
// never "not a JSON object". A line cut short with lines after it is.
func TestReadCutAnywhereIsTruncated(t *testing.T) {
	ok := traceLine(1, `"hi"`) + "\n"
	last := `{"seq":2,"t_ns":2000,"pid":7,"proc":"MainProcess","kind":"stdout","obj":"stdout","val":"caf\u00e9 \"x\" [1, {\"a\": 2.5e3}]","line":12}`
	for n := 1; n < len(last); n++ {
		cut := last[:n]
		if strings.TrimSpace(cut) == "" {
			continue
		}
		for _, end := range []string{"", "\n", "\n\n"} {
			_, err := Read(strings.NewReader(ok + cut + end))
			if want := "trace line 2: the line is cut short: the trace looks truncated"; err == nil || err.Error() != want {
				t.Errorf("cut after %d bytes (%q), then %q: %v, want %q", n, cut, end, err, want)
			}
		}
	}
	_, err := Read(strings.NewReader(ok + last[:30] + "\n" + traceLine(3, "1") + "\n"))
	if want := "trace line 2: not a JSON object: the line ends in the middle of one"; err == nil || err.Error() != want {
		t.Errorf("a line cut short in the middle: %v, want %q", err, want)
	}
}

// A trace that stops before its run ended ends early: one with run.begin
// and no run.end, or one from before run.begin whose last event is not
// the main script's exit.
func TestEndsEarly(t *testing.T) {
	rec := func(kind string, pid int) Record { return Record{Kind: kind, Pid: pid, Proc: "p"} }
	begin, start, child, childExit, exit, end := rec(KindRunBegin, 1), rec(KindProcStart, 1), rec(KindProcStart, 2), rec(KindProcExit, 2), rec(KindProcExit, 1), rec(KindRunEnd, 1)
	for _, c := range []struct {
		name  string
		trace []Record
		early bool
	}{
		{"whole", []Record{begin, start, child, childExit, exit, end}, false},
		{"no run.end", []Record{begin, start, child, childExit, exit}, true},
		{"cut in the middle", []Record{begin, start, child}, true},
		{"old, whole", []Record{start, child, childExit, exit}, false},
		{"old, cut after a child's exit", []Record{start, child, childExit}, true},
		{"empty", nil, true},
	} {
		if got := EndsEarly(c.trace); got != c.early {
			t.Errorf("%s: ends early %v, want %v", c.name, got, c.early)
		}
	}
}
