package lessons

import "testing"

// A scenario's main script is its id with .py unless it says otherwise
// (queue: a queue.py beside `import queue` would import itself), and its
// sessions carry that name into the trace.
func TestScriptName(t *testing.T) {
	for id, want := range map[string]string{"queue": "queue_demo.py", "tickets": "tickets.py", "pipe-eof": "pipe-eof.py"} {
		s, err := Lookup(id)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.ScriptName(); got != want {
			t.Errorf("%s: script %q, want %q", id, got, want)
		}
		if got := s.Options(1, 0).Script; got != want {
			t.Errorf("%s: the session's script %q, want %q", id, got, want)
		}
	}
}
