package main

import (
	"bytes"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// ptyOutput collects what proctour writes to its terminal.
type ptyOutput struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	done chan struct{} // closed when the terminal has no writer left
}

func (p *ptyOutput) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.buf.String()
}

func (p *ptyOutput) drain(master *os.File) {
	defer close(p.done)
	b := make([]byte, 4096)
	for {
		n, err := master.Read(b)
		p.mu.Lock()
		p.buf.Write(b[:n])
		p.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// waitFor waits until the output contains s, or gives up after a while
// (a fail-safe for a broken build, not a timing check).
func (p *ptyOutput) waitFor(s string) bool {
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if bytes.Contains([]byte(p.String()), []byte(s)) {
			return true
		}
	}
	return false
}

// startTUI runs proctour with args on a terminal of its own, 120×40, with
// env added to its environment.
func startTUI(t *testing.T, args string, env ...string) (cmd *exec.Cmd, master *os.File, out *ptyOutput) {
	t.Helper()
	master, slave := openPTY(t)
	out = &ptyOutput{done: make(chan struct{})}
	go out.drain(master)
	cmd = exec.Command(os.Args[0], "-test.run=^TestHelperProctour$")
	cmd.Env = append(os.Environ(), append([]string{"PROCTOUR_HELPER_ARGS=" + args, "TERM=xterm-256color"}, env...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	return cmd, master, out
}

// ended waits until everything proctour wrote has been read.
func (p *ptyOutput) ended() string {
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
	}
	return p.String()
}

// SIGTERM or SIGINT to the tutorial ends it with the terminal as it was:
// out of the alternate screen, cursor shown, echo and line editing back on,
// without waiting for the forced exit. Before, bubbletea's own signal
// handler raced proctour's and, about one time in three, blocked the
// shutdown until the grace period forced an exit that restored nothing.
func TestSignalRestoresTheTerminal(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		for round := range 6 {
			cmd, master, out := startTUI(t, "--lang en", "PROCTOUR_STATE_DIR="+t.TempDir())
			if !out.waitFor("open lesson") {
				cmd.Process.Kill()
				cmd.Wait()
				master.Close()
				t.Fatalf("%v round %d: the lesson list never appeared; the terminal shows %q", sig, round, out.String())
			}
			cmd.Process.Signal(sig)
			err := cmd.Wait()
			tio, terr := unix.IoctlGetTermios(int(master.Fd()), unix.TCGETS)
			screen := out.ended()
			master.Close()
			if terr != nil {
				t.Fatal(terr)
			}
			if code := cmd.ProcessState.ExitCode(); code != exitCodeFor(sig) {
				t.Errorf("%v round %d: exit %d (%v), want %d", sig, round, code, err, exitCodeFor(sig))
			}
			if bytes.Contains([]byte(screen), []byte("exiting anyway")) {
				t.Errorf("%v round %d: proctour did not stop by itself; it was forced out after %v", sig, round, stopGrace)
			}
			enter := bytes.LastIndex([]byte(screen), []byte("\x1b[?1049h"))
			if leave := bytes.LastIndex([]byte(screen), []byte("\x1b[?1049l")); leave < enter {
				t.Errorf("%v round %d: the terminal was left in the alternate screen", sig, round)
			}
			if tio.Lflag&unix.ECHO == 0 || tio.Lflag&unix.ICANON == 0 {
				t.Errorf("%v round %d: the terminal was left raw (echo %v, canonical %v)", sig, round,
					tio.Lflag&unix.ECHO != 0, tio.Lflag&unix.ICANON != 0)
			}
		}
	}
}
