package sim

import (
	"bytes"
	"encoding/json"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/proctour/proctour/trace"
)

// traceError is the form of every error trace.Read gives: one line about
// the trace or a line of it.
var traceError = regexp.MustCompile(`^(trace line ([0-9]+)[: ]|reading trace line ([0-9]+): |the trace is empty)`)

// FuzzReadTrace: whatever the bytes, trace.Read returns (no panic); an
// error is one line that names the trace line (one that exists) and shows
// nothing of Go; a trace it accepts keeps its promises (seq from 1 up by
// one, t_ns never back, values of bounded depth, names without control
// characters) and round-trips: written with trace.Write and read again it
// is the same events, and writing those gives the same bytes.
func FuzzReadTrace(f *testing.F) {
	addTraceSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		events, err := trace.Read(bytes.NewReader(data))
		if err != nil {
			msg := err.Error()
			m := traceError.FindStringSubmatch(msg)
			if m == nil || strings.Contains(msg, "\n") {
				t.Fatalf("error not in the trace's form: %q", msg)
			}
			if n, _ := strconv.Atoi(m[2] + m[3]); n > bytes.Count(data, []byte("\n"))+1 {
				t.Fatalf("error names line %d of a %d-line trace: %q", n, bytes.Count(data, []byte("\n"))+1, msg)
			}
			for _, w := range goWords {
				if strings.Contains(msg, w) {
					t.Fatalf("error shows Go's %q: %q", w, msg)
				}
			}
			return
		}
		if len(events) == 0 {
			t.Fatal("no events and no error")
		}
		for i, e := range events {
			if e.Seq != int64(i+1) || (i > 0 && e.TNs < events[i-1].TNs) || e.Kind == "" || e.Proc == "" {
				t.Fatalf("event %d breaks the trace's form: %+v", i, e)
			}
			if !json.Valid(e.Val) || trace.Depth(e.Val) > trace.MaxValueDepth {
				t.Fatalf("event %d: value %q is not JSON of depth ≤ %d", i, e.Val, trace.MaxValueDepth)
			}
			for _, s := range []string{e.Proc, e.Kind, e.Obj, e.Err} {
				if strings.ContainsFunc(s, isControl) {
					t.Fatalf("event %d: %q holds a control character", i, s)
				}
			}
		}
		var once bytes.Buffer
		for _, e := range events {
			if err := trace.Write(&once, e); err != nil {
				t.Fatalf("writing %+v: %v", e, err)
			}
		}
		back, err := trace.Read(bytes.NewReader(once.Bytes()))
		if err != nil {
			t.Fatalf("a trace written from accepted events is refused: %v\n%s", err, once.Bytes())
		}
		var twice bytes.Buffer
		for _, e := range back {
			trace.Write(&twice, e)
		}
		if !bytes.Equal(once.Bytes(), twice.Bytes()) {
			t.Fatalf("written, read and written again, the trace changed:\n%s\n%s", once.Bytes(), twice.Bytes())
		}
		for i := range events {
			a, b := events[i], back[i]
			a.Val, b.Val, a.Text, b.Text = nil, nil, nil, nil // JSON, compared as what it holds
			if !reflect.DeepEqual(a, b) || PyValue(events[i].Val) != PyValue(back[i].Val) || !sameJSON(events[i].Text, back[i].Text) {
				t.Fatalf("event %d changed in the round trip: %+v, then %+v", i, events[i], back[i])
			}
		}
	})
}

// FuzzPyValue: whatever the payload, PyValue returns at most RenderBytes
// (and the "…" that marks a cut) of valid UTF-8 without a control
// character, ValueElided agrees with it, and for a value it draws whole
// that Go's JSON decoder reads, the scalars are those the decoder reads.
func FuzzPyValue(f *testing.F) {
	for _, s := range []string{
		`{"count": 100, "name": "it's"}`, `[1.5, -2, 1e21, false, "x", [], {}]`, `"\u001b[2J"`,
		`{"z":1,"a":[{"y":null,"b":true}]}`, `"say \"hi\""`, `not json`, `[1, 2`, ``, `1e999`,
		string(nested(RenderDepth + 1)), `"\ud800"`, `{"a":"\u00e9\u4e16"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		s := PyValue(raw)
		if len(s) > RenderBytes+len("…") {
			t.Fatalf("%d bytes drawn", len(s))
		}
		if json.Valid(raw) {
			if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || (r >= 0x7f && r < 0xa0) }) {
				t.Fatalf("a control character drawn: %q", s)
			}
			if elided := ValueElided(raw); elided != (strings.Contains(s, "[...]") || strings.Contains(s, "{...}") || strings.HasSuffix(s, "…")) && !strings.Contains(string(raw), "...") && !strings.Contains(string(raw), "…") {
				t.Fatalf("ValueElided %v, drawn %q", elided, s)
			}
			var x any
			if len(s) < RenderBytes && trace.Depth(raw) <= RenderDepth && json.Unmarshal(raw, &x) == nil {
				if want := pyRepr(x); !holdsMap(x) && want != s {
					t.Fatalf("drawn %q, the decoder's value is %q", s, want)
				}
			}
		}
	})
}

// holdsMap reports whether x holds a map: pyRepr sorts a map's keys, where
// PyValue keeps their order (and every duplicate).
func holdsMap(x any) bool {
	switch v := x.(type) {
	case map[string]any:
		return true
	case []any:
		for _, e := range v {
			if holdsMap(e) {
				return true
			}
		}
	}
	return false
}

// sameJSON reports whether a and b hold the same JSON value (WriteRecord
// compacts a payload and escapes <, > and &), or are both absent.
func sameJSON(a, b json.RawMessage) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	var x, y any
	return json.Unmarshal(a, &x) == nil && json.Unmarshal(b, &y) == nil && reflect.DeepEqual(x, y)
}
