package lessons

import (
	"fmt"
	"slices"
	"testing"

	"github.com/proctour/proctour/trace"
)

func TestIsolationGlobalsAreNotSharedButFilesAre(t *testing.T) {
	t.Parallel()
	events, st := run(t, "isolation")
	if len(st.Procs) != 2 {
		t.Fatalf("%d processes, want MainProcess and one child", len(st.Procs))
	}
	main, child := st.Procs[0], st.Procs[1]
	if child.ExitCode != 0 {
		t.Errorf("the child exited %d", child.ExitCode)
	}
	out := prints(events)
	// The child changed its n; the parent, after joining it, still has 100.
	i := slices.Index(out, "Process-1: child: n = 0")
	j := slices.Index(out, "MainProcess: parent: n = 100")
	if i < 0 || j < 0 || j < i {
		t.Errorf("want the child's n = 0, then the parent's n = 100: %q", out)
	}
	var exit, parentSees int64
	for _, e := range events {
		if e.Kind == trace.KindProcExit && e.Proc == "Process-1" {
			exit = e.Seq
		}
		if e.Kind == trace.KindStdout && e.Proc == "MainProcess" && parentSees == 0 {
			parentSees = e.Seq
		}
	}
	if parentSees < exit {
		t.Errorf("the parent printed n (seq %d) before the child exited (seq %d)", parentSees, exit)
	}
	// The file system is shared: both lines are in the file, the child's
	// first, each with the pid of the process that wrote it.
	childLine := fmt.Sprintf("child (pid %d) was here", child.Pid)
	parentLine := fmt.Sprintf("parent (pid %d) was here", main.Pid)
	if len(st.Files) != 1 || st.Files[0].Name != "shared.txt" || st.Files[0].Content != childLine+"\n"+parentLine+"\n" {
		t.Errorf("files at the end: %+v; want shared.txt with %q and %q", st.Files, childLine, parentLine)
	}
	// Who wrote what: each append comes from its own process.
	var writers []string
	for _, e := range events {
		if e.Kind == trace.KindFileAppend {
			writers = append(writers, e.Proc)
		}
	}
	if !slices.Equal(writers, []string{"Process-1", "MainProcess"}) {
		t.Errorf("shared.txt written by %q, want the child then the parent", writers)
	}
	// And the parent shows the content on the shared terminal.
	if n := len(out); n < 2 || out[n-2] != "MainProcess: shared.txt: "+childLine || out[n-1] != "MainProcess: shared.txt: "+parentLine {
		t.Errorf("main's last prints: %q", out)
	}
}

// parent_n, the measure lesson 3's prediction reads, is the n the parent
// prints after the child set its own to 0.
func TestIsolationParentNMeasure(t *testing.T) {
	t.Parallel()
	m := Isolation.Measure("parent_n")
	events, _ := run(t, "isolation")
	if v, ok := m(events); !ok || v != 100 {
		t.Errorf("parent_n %d, %v; want 100, told", v, ok)
	}
	last := 0
	for i, e := range events {
		if e.Kind == trace.KindProcExit && e.Proc == "Process-1" {
			last = i
		}
	}
	if v, ok := m(events[:last+1]); ok {
		t.Errorf("up to the child's exit: parent_n %d, told", v)
	}
}
