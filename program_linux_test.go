package main

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/proctour/proctour/trace"
)

const pythonHangSrc = `import time
from multiprocessing import Process, Queue

def worker(q):
    q.get()

if __name__ == '__main__':
    q = Queue()
    for _ in range(3):
        Process(target=worker, args=(q,)).start()
    time.sleep(1000)
`

// Whatever ends proctour while it traces a Python program (SIGKILL,
// SIGTERM, Ctrl-C), every Python process of the run ends with it, under
// every start method, and no tracer file is left behind.
func TestEndingProctourEndsThePythonProgram(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	prog := filepath.Join(dir, "hang.py")
	os.WriteFile(prog, []byte(pythonHangSrc), 0o600)
	tmp := t.TempDir()
	for _, method := range []string{"fork", "spawn", "forkserver"} {
		for _, sig := range []syscall.Signal{syscall.SIGKILL, syscall.SIGTERM, syscall.SIGINT} {
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProctour$")
			cmd.Env = append(os.Environ(), "PROCTOUR_HELPER_ARGS=run "+prog+" --format json", "PROCTOUR_START_METHOD="+method, "TMPDIR="+tmp)
			out, _ := cmd.StdoutPipe()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var pids []int
			blocked := 0
			sc := bufio.NewScanner(out)
			for blocked < 3 && sc.Scan() {
				var r trace.Record
				if json.Unmarshal(sc.Bytes(), &r) != nil {
					continue
				}
				switch r.Kind {
				case trace.KindProcStart:
					pids = append(pids, r.Pid)
				case "queue.block":
					blocked++
				}
			}
			go func() {
				for sc.Scan() {
				}
			}()
			want := 4 // main and three workers
			if method == "forkserver" {
				want++ // and the fork server, which must end too
			}
			if blocked < 3 || len(pids) != want {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("%s: %d processes started, %d waiting, want %d and 3", method, len(pids), blocked, want)
			}
			cmd.Process.Signal(sig)
			cmd.Wait()
			awaitGone(t, pids)
		}
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("left in TMPDIR: %v", left)
	}
}
