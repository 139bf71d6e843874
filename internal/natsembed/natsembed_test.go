package natsembed

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// A broker's store left by a proctour that was killed (SIGKILL: nothing
// of it runs) is removed by the next broker started; the store of a
// proctour still running is left to it.
func TestStartSweepsStoresOfProcessesGone(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the dead process is made with /bin/true")
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	gone := filepath.Join(tmp, fmt.Sprintf("proctour-broker-%d-123", dead.Process.Pid))
	running := filepath.Join(tmp, fmt.Sprintf("proctour-broker-%d-456", os.Getppid()))
	other := filepath.Join(tmp, "proctour-broker-notapid")
	for _, d := range []string{gone, running, other} {
		if err := os.MkdirAll(filepath.Join(d, "jetstream"), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	url, stop, err := Start("127.0.0.1", "")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if url == "" {
		t.Fatal("no URL")
	}
	if _, err := os.Stat(gone); !os.IsNotExist(err) {
		t.Errorf("the store of pid %d, which has exited, is still there (%v)", dead.Process.Pid, err)
	}
	for _, d := range []string{running, other} {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("%s was removed: %v", d, err)
		}
	}
	stop()
	if left, _ := filepath.Glob(filepath.Join(tmp, fmt.Sprintf("proctour-broker-%d-*", os.Getpid()))); len(left) != 0 {
		t.Errorf("stopped, the broker left %v", left)
	}
}
