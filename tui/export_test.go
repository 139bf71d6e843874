package tui

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/proctour/proctour/sim"
)

// e in the demo view writes the run as a Perfetto file beside the saved
// traces, and the status bar says where.
func TestExportForPerfetto(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv("PROCTOUR_STATE_DIR", t.TempDir())
	d := testDemo(t, "hello")
	if _, cmd := d.update(press("e")); cmd != nil {
		t.Error("e before a run wrote something")
	}
	timeline := normalise(record(t, "hello", sim.Live, 0))
	d.timeline, d.pb = timeline, Playback{Cursor: len(timeline), Len: len(timeline), Following: true}
	d.refold()
	d, cmd := d.update(press("e"))
	if cmd == nil {
		t.Fatal("e gave no command")
	}
	saved := cmd().(savedMsg)
	if saved.err != nil {
		t.Fatal(saved.err)
	}
	d, _ = d.update(saved)
	if !strings.HasSuffix(saved.path, ".perfetto.json") || !strings.Contains(d.statusInfo().Note, saved.path) {
		t.Errorf("exported to %s; the status bar says %q", saved.path, d.statusInfo().Note)
	}
	if second := cmd().(savedMsg); second.err != nil || second.path == saved.path {
		t.Errorf("second export in the same second: %v, %s", second.err, second.path)
	}
	b, err := os.ReadFile(saved.path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		TraceEvents []struct {
			Ph   string         `json:"ph"`
			Pid  int            `json:"pid"`
			Name string         `json:"name"`
			Args map[string]any `json:"args"`
		} `json:"traceEvents"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", saved.path, err)
	}
	named := map[int]bool{}
	for _, e := range doc.TraceEvents {
		if e.Ph == "M" && e.Name == "process_name" {
			named[e.Pid] = true
		}
	}
	for _, r := range timeline {
		if !named[r.Pid] {
			t.Errorf("%s (pid %d) has no track in %s", r.Proc, r.Pid, saved.path)
		}
	}
	shown := false
	for _, g := range d.keys.FullHelp() {
		for _, b := range g {
			shown = shown || b.Help().Key == "e" && b.Enabled()
		}
	}
	if !shown {
		t.Error("? does not show e")
	}
}
