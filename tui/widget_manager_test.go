package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/proctour/proctour/sim"
)

func TestManagerWidget(t *testing.T) {
	st := sim.Fold(timeline(
		[5]string{"1", "MainProcess", "proc.start", "", `"manager"`},
		[5]string{"2", "SyncManager-1", "proc.start", "", `"manager.server"`},
		[5]string{"3", "worker-1", "proc.start", "", `"t"`},
		[5]string{"4", "worker-2", "proc.start", "", `"t"`},
		[5]string{"2", "SyncManager-1", "manager.new", "d", `{"type": "dict", "value": {"count": 100}, "caller": "MainProcess", "pid": 1}`},
		[5]string{"2", "SyncManager-1", "manager.new", "ns", `{"type": "Namespace", "value": {}, "caller": "MainProcess", "pid": 1}`},
		[5]string{"2", "SyncManager-1", "manager.new", "lock", `{"type": "Lock", "value": null, "caller": "MainProcess", "pid": 1}`},
		[5]string{"2", "SyncManager-1", "manager.serve", "d", `{"type": "dict", "method": "__setitem__", "args": ["count", 99], "value": {"count": 99}, "caller": "worker-1", "pid": 3}`},
		[5]string{"2", "SyncManager-1", "manager.serve", "ns", `{"type": "Namespace", "method": "__setattr__", "args": ["x", 1], "value": {"x": 1, "y": "a"}, "caller": "worker-1", "pid": 3}`},
		[5]string{"2", "SyncManager-1", "manager.serve", "lock", `{"type": "Lock", "method": "acquire", "value": 3, "caller": "worker-1", "pid": 3}`},
		[5]string{"2", "SyncManager-1", "manager.block", "lock", `{"type": "Lock", "method": "acquire", "caller": "worker-2", "pid": 4}`},
	))
	if len(st.Violations) > 0 {
		t.Fatal(st.Violations)
	}
	got := ansi.Strip(strings.Join(managerWidget(st, newStyles(true, true), 100), "\n"))
	want := "manager    d    {'count': 99} · 1 call\n" +
		"           ns   Namespace(x=1, y='a') · 1 call\n" +
		"           lock held by worker-1 · 1 call · waiting: worker-2"
	if got != want {
		t.Errorf("manager widget:\n%s\nwant\n%s", got, want)
	}
	if p := st.Procs[3]; p.Status != sim.Blocked || p.On != "lock" {
		t.Errorf("worker-2 waiting in the server for the lock: %v on %q", p.Status, p.On)
	}
	if st.Stuck() {
		t.Error("worker-1 holds the lock and runs: not stuck")
	}
}
