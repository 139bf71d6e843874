package main

import (
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal: the master end (the "terminal") and the
// slave end (what the program gets as its tty).
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.IoctlSetWinsize(int(s.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 40, Col: 120}); err != nil {
		t.Fatal(err)
	}
	return m, s
}

// A terminal that stops reading (a stalled connection) must not keep
// proctour from stopping on SIGTERM: it exits within its grace period.
func TestSIGTERMWithAStalledTerminal(t *testing.T) {
	master, slave := openPTY(t)
	defer master.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProctour$")
	cmd.Env = append(os.Environ(), "PROCTOUR_HELPER_ARGS=replay sim/testdata/tickets-100.jsonl")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	// Keys make it redraw; nothing reads the output, so its writes block.
	unix.SetNonblock(int(master.Fd()), true)
	for range 3000 {
		if _, err := master.Write([]byte("n")); err != nil {
			time.Sleep(5 * time.Millisecond)
		}
	}
	time.Sleep(500 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
		if code := cmd.ProcessState.ExitCode(); code != exitTerminated {
			t.Errorf("exit %d after SIGTERM, want %d", code, exitTerminated)
		}
	case <-time.After(stopGrace + 10*time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("still running %v after SIGTERM with a stalled terminal", stopGrace+10*time.Second)
	}
}
