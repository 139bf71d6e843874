package lessons

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestProgressSavesAndLoads(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p, err := LoadProgress(dir)
	if err != nil || len(p.Lessons) != 0 {
		t.Fatalf("fresh progress: %+v, %v", p, err)
	}
	l5 := Course()[4]
	if p.Of(l5, 2) != NotStarted {
		t.Errorf("lesson 5 before anything: %v", p.Of(l5, 2))
	}
	p.MarkRead(5)
	p.MarkDemo(5, "tickets")
	p.MarkCheckpoint(5, "q1", false)
	p.MarkCheckpoint(5, "q1", true)
	p.MarkCheckpoint(5, "q1", false) // a right answer stays right
	if err := p.Save(); err != nil {
		t.Fatal(err)
	}
	q, err := LoadProgress(dir)
	if err != nil {
		t.Fatal(err)
	}
	r := q.Lessons[5]
	if r == nil || !r.Read || len(r.Demos) != 1 || !r.Checkpoints["q1"] {
		t.Fatalf("reloaded lesson 5: %+v", r)
	}
	if q.Of(l5, 1) != Started { // terminate not run yet
		t.Errorf("lesson 5 with one of its two demos run: %v", q.Of(l5, 1))
	}
	q.MarkDemo(5, "terminate")
	if q.Of(l5, 1) != Done || q.Of(l5, 2) != Started {
		t.Errorf("lesson 5 with both demos and one checkpoint: %v for 1 question, %v for 2", q.Of(l5, 1), q.Of(l5, 2))
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*.tmp"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	if err := q.Reset(); err != nil {
		t.Fatal(err)
	}
	if z, _ := LoadProgress(dir); len(z.Lessons) != 0 {
		t.Errorf("after reset: %+v", z.Lessons)
	}
}

// A corrupt progress file is set aside and reported; the program carries
// on with empty progress.
func TestCorruptProgressIsSetAside(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "progress.json")
	os.WriteFile(path, []byte(`{"version": 1, "lessons": {`), 0o600)
	p, err := LoadProgress(dir)
	if !errors.Is(err, ErrCorruptProgress) || !strings.Contains(err.Error(), "set aside") {
		t.Fatalf("corrupt file: %v", err)
	}
	if p == nil || len(p.Lessons) != 0 {
		t.Fatalf("progress after a corrupt file: %+v", p)
	}
	aside, _ := filepath.Glob(path + ".corrupt-*")
	if len(aside) != 1 {
		t.Errorf("set-aside copies: %v", aside)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Error("the corrupt file is still in place")
	}
	if err := p.Save(); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadProgress(dir); err != nil {
		t.Errorf("after saving afresh: %v", err)
	}
}

func TestStateDir(t *testing.T) {
	t.Setenv("PROCTOUR_STATE_DIR", "")
	t.Setenv("XDG_STATE_HOME", "/x/state")
	if d, err := StateDir(); err != nil || (d != "/x/state/proctour" && !strings.HasSuffix(d, "proctour")) {
		t.Errorf("StateDir with XDG_STATE_HOME: %q, %v", d, err)
	}
	t.Setenv("PROCTOUR_STATE_DIR", "/override")
	if d, _ := StateDir(); d != "/override" {
		t.Errorf("StateDir with PROCTOUR_STATE_DIR: %q", d)
	}
}
