package sim

import (
	"encoding/json"
	"testing"

	"github.com/proctour/proctour/trace"
)

// The main script's name is its proc.start's obj, which the session sets
// from Options.Script; a trace without one (recorded before there was an
// obj, or a session without a script name) names it by the id with .py.
func TestMainScriptName(t *testing.T) {
	for _, c := range []struct {
		obj, val, want string
	}{
		{"queue_demo.py", "queue", "python queue_demo.py  # the main script, pid 42"},
		{"tickets.py", "tickets", "python tickets.py  # the main script, pid 42"},
		{"", "pipe-eof", "python pipe-eof.py  # the main script, pid 42"},
	} {
		val, _ := json.Marshal(c.val)
		r := trace.Record{Pid: 42, Proc: "MainProcess", Kind: trace.KindProcStart, Obj: c.obj, Val: val}
		if got := Describe(r); got != c.want {
			t.Errorf("obj %q, val %q: %q, want %q", c.obj, c.val, got, c.want)
		}
	}
}
