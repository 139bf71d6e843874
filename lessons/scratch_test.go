package lessons

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

func TestSweepScratchRemovesOnlyDeadOwners(t *testing.T) {
	t.Parallel()
	// A pid that surely ended: a child we started and reaped.
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	dead := filepath.Join(os.TempDir(), scratchPrefix+strconv.Itoa(cmd.Process.Pid)+"-tickets-test")
	mine, err := scratchDir("tickets")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(mine)
	if err := os.MkdirAll(filepath.Join(dead, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dead)
	SweepScratch()
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("the dead owner's %s is still there", dead)
	}
	if _, err := os.Stat(mine); err != nil {
		t.Errorf("this process's own scratch directory was removed: %v", err)
	}
}
