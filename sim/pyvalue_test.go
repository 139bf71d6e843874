package sim

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/proctour/proctour/trace"
)

// nested is a list nested depth deep around 1: [[[1]]].
func nested(depth int) json.RawMessage {
	return json.RawMessage(strings.Repeat("[", depth) + "1" + strings.Repeat("]", depth))
}

// A value nested 9,000 deep is drawn RenderDepth levels deep, the rest as
// Python draws a list that holds itself; before, the printer decoded the
// rest of the value at every level (quadratic, gigabytes in replay) and
// drew every bracket.
func TestPyValueDeepIsElided(t *testing.T) {
	want := strings.Repeat("[", RenderDepth) + "[...]" + strings.Repeat("]", RenderDepth)
	for _, depth := range []int{RenderDepth + 1, 900, 9000} {
		if got := PyValue(nested(depth)); got != want {
			t.Errorf("depth %d: %.80s (%d bytes), want %s", depth, got, len(got), want)
		}
	}
	if got := PyValue(nested(RenderDepth)); got != string(nested(RenderDepth)) {
		t.Errorf("depth %d is drawn whole: got %s", RenderDepth, got)
	}
	deepDict := json.RawMessage(strings.Repeat(`{"a":`, 40) + "1" + strings.Repeat("}", 40))
	if got := PyValue(deepDict); !strings.Contains(got, "{...}") || strings.Count(got, "{") != RenderDepth+1 {
		t.Errorf("a deep dict: %s", got)
	}
}

// A long value is drawn up to RenderBytes, then cut with "…".
func TestPyValueLongIsCut(t *testing.T) {
	items := make([]string, 200000)
	for i := range items {
		items[i] = "12345"
	}
	got := PyValue(json.RawMessage("[" + strings.Join(items, ",") + "]"))
	if len(got) > RenderBytes+len("…") || !strings.HasSuffix(got, "…") || !strings.HasPrefix(got, "[12345, 12345") {
		t.Errorf("a long list: %d bytes, ends %q", len(got), got[max(0, len(got)-20):])
	}
	s := strings.Repeat("世", RenderBytes) // cut on a rune boundary
	if got := PyValue(json.RawMessage(`"` + s + `"`)); !strings.HasSuffix(got, "…") || !strings.HasPrefix(got, "'世世") || strings.ContainsRune(got, '\uFFFD') {
		t.Errorf("a long string is cut badly: ends %q", got[max(0, len(got)-10):])
	}
}

// Python's repr escapes control characters; a trace's value drawn as it
// is could clear the screen or recolour the terminal.
func TestPyValueEscapesControlCharacters(t *testing.T) {
	for in, want := range map[string]string{
		`"\u001b[2J"`:      `'\x1b[2J'`,
		`"a\u0000b"`:       `'a\x00b'`,
		`"\u007f\u009b"`:   `'\x7f\x9b'`,
		`"tab\tnew\nline"`: `'tab\tnew\nline'`,
	} {
		if got := PyValue(json.RawMessage(in)); got != want {
			t.Errorf("PyValue(%s) = %s, want %s", in, got, want)
		}
	}
}

// The printer draws what the old one drew for the values demos make:
// dicts in their key order, nested ones too, None/True/False, numbers as
// Python prints them, and text that is not JSON as it is.
func TestPyValueAsBefore(t *testing.T) {
	for in, want := range map[string]string{
		`{"count": 100, "name": "it's"}`:      `{'count': 100, 'name': "it's"}`,
		`{"z":1,"a":[{"y":null,"b":true}]}`:   `{'z': 1, 'a': [{'y': None, 'b': True}]}`,
		`[1.5, -2, 1e21, false, "x", [], {}]`: `[1.5, -2, 1e+21, False, 'x', [], {}]`,
		` [ 1 , 2 ] `:                         `[1, 2]`,
		`"say \"hi\""`:                        `'say "hi"'`,
		`not json`:                            `not json`,
		`[1, 2`:                               `[1, 2`,
		``:                                    ``,
	} {
		if got := PyValue(json.RawMessage(in)); got != want {
			t.Errorf("PyValue(%s) = %s, want %s", in, got, want)
		}
	}
}

// What an event says is drawn as it is, so a trace's text cannot carry a
// control character into it: a stderr line, a watchdog report, a manager
// call's method name.
func TestDescribeEscapesControlCharacters(t *testing.T) {
	for _, e := range []trace.Record{
		{Seq: 1, Proc: "p", Kind: trace.KindStdout, Obj: "stderr", Val: json.RawMessage(`"\u001b[2Jgone"`)},
		{Seq: 1, Proc: "p", Kind: trace.KindWatchdog, Val: json.RawMessage(`"stuck\u0007"`)},
		{Seq: 1, Proc: "p", Kind: trace.KindManagerCall, Obj: "d", Val: json.RawMessage(`{"method":"x\u001b]0;title\u0007","args":[]}`)},
	} {
		for _, lang := range []string{"en", "zh"} {
			if s := DescribeIn(e, lang); strings.ContainsFunc(s, isControl) || !strings.Contains(s, `\x`) {
				t.Errorf("%s in %s: %q", e.Kind, lang, s)
			}
		}
	}
}
