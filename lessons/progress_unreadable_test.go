package lessons

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// A progress file that is there but cannot be read is never replaced: the
// progress is kept in memory only, and saving it leaves the file alone.
// (A directory stands in for a file without read permission, which root,
// running CI, could read anyway.)
func TestUnreadableProgressIsLeftAlone(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "progress.json")
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	inside := filepath.Join(path, "kept")
	if err := os.WriteFile(inside, []byte("the student's work"), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := LoadProgress(dir)
	if !errors.Is(err, ErrUnreadableProgress) {
		t.Fatalf("an unreadable progress file: %v, want ErrUnreadableProgress", err)
	}
	if errors.Is(err, ErrCorruptProgress) {
		t.Errorf("an unreadable file is reported as corrupt, which says it was set aside: %v", err)
	}
	if p.Path() != "" {
		t.Errorf("the progress would be saved to %s, over what could not be read", p.Path())
	}
	p.MarkRead(1)
	if err := p.Save(); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(inside); err != nil || string(b) != "the student's work" {
		t.Errorf("after a save, what could not be read holds %q (%v)", b, err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 1 {
		t.Errorf("the state directory now holds %v, want only progress.json", left)
	}
}
