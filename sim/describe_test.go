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
