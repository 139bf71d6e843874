package pytrace

import (
	"errors"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

// sigtermSrc is a process whose flusher thread is sending (it holds the
// send lock) when SIGTERM comes: the handler leaves the send to finish,
// and the send's flush must then end the process, from the flusher thread.
const sigtermSrc = `import os, signal, threading, time
import proctour_trace as t

t._flush_on_sigterm()
held, go = threading.Event(), threading.Event()

def flusher():
    with t._send_lock:
        held.set()
        go.wait()
    t._flush()

threading.Thread(target=flusher, daemon=True).start()
held.wait()
os.kill(os.getpid(), signal.SIGTERM)
go.set()
time.sleep(10)
print('survived SIGTERM')
`

// A process terminated while another thread sends its events dies of
// SIGTERM as soon as that send is done; it used to live on (the thread
// could not reset the handler), and a parent joining it waited forever.
func TestSigtermDuringAnotherThreadsSendKillsTheProcess(t *testing.T) {
	needPython(t)
	python, _ := FindPython("")
	cmd := exec.Command(python, "-c", sigtermSrc)
	cmd.Env = append(cmd.Environ(), "PYTHONPATH=py")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || !ee.Sys().(syscall.WaitStatus).Signaled() || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGTERM {
		t.Fatalf("the process ended with %v, want killed by SIGTERM: %s", err, out)
	}
	if strings.Contains(string(out), "survived") || strings.Contains(string(out), "Error") {
		t.Errorf("output: %s", out)
	}
}
