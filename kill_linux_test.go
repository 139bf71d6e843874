package main

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/proctour/proctour/trace"
)

// TestHelperProctour is not a test: it is proctour itself, run as a separate
// process by the tests below with its arguments in PROCTOUR_HELPER_ARGS.
func TestHelperProctour(t *testing.T) {
	args := os.Getenv("PROCTOUR_HELPER_ARGS")
	if args == "" {
		return
	}
	os.Exit(run(strings.Fields(args), os.Stdout, os.Stderr))
}

// startProctour runs proctour with args in a process of its own and returns
// the pids of the first n children it reports starting.
func startProctour(t *testing.T, args string, n int) (*exec.Cmd, []int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProctour$")
	cmd.Env = append(os.Environ(), "PROCTOUR_HELPER_ARGS="+args)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var pids []int
	sc := bufio.NewScanner(out)
	for len(pids) < n && sc.Scan() {
		var r trace.Record
		if json.Unmarshal(sc.Bytes(), &r) == nil && r.Kind == trace.KindProcStart && r.PPid == cmd.Process.Pid {
			pids = append(pids, r.Pid)
		}
	}
	if len(pids) < n {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("proctour reported %d children, want %d", len(pids), n)
	}
	go func() { // keep the pipe drained so the children are never stuck on it
		for sc.Scan() {
		}
	}()
	return cmd, pids
}

// alive reports whether pid is still a process that is not a zombie.
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	return len(f) > 0 && f[0] != "Z"
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// awaitGone waits for every pid to end, reaping those that were orphaned to
// this process, and fails for any still there after a few seconds.
func awaitGone(t *testing.T, pids []int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	left := pids
	for len(left) > 0 && time.Now().Before(deadline) {
		var still []int
		for _, pid := range left {
			var ws unix.WaitStatus
			unix.Wait4(pid, &ws, unix.WNOHANG, nil) // an orphan of ours: reap it
			if alive(pid) {
				still = append(still, pid)
			}
		}
		left = still
		time.Sleep(20 * time.Millisecond)
	}
	if len(left) > 0 {
		t.Errorf("%d of %d children outlived proctour: %v", len(left), len(pids), left)
	}
}

// Killing proctour with SIGKILL runs none of its code, yet no child may stay:
// Pdeathsig and the lifeline pipe end them. Their parent is gone, so the
// kernel hands them to the nearest subreaper: this test process plays init
// for them (this machine's PID 1 does not reap), so that no zombie is left.
func TestKill9DuringTicketsLeavesNoChild(t *testing.T) {
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		t.Fatal(err)
	}
	defer unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)
	cmd, pids := startProctour(t, "run tickets --set lock=on --format json", 40)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	awaitGone(t, pids)
	// Children started after the ones we counted were orphaned to us too:
	// reap them all, until this process has no child left.
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		var ws unix.WaitStatus
		pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil)
		if err == unix.ECHILD {
			return
		}
		// Killed by its death signal, or ended by itself: a buyer that
		// exited the moment proctour was killed, before proctour reaped it,
		// comes to us as an orphan that exited 0. What it may not do is
		// fail, or still run (below).
		if pid > 0 && !ws.Signaled() && ws.ExitStatus() != 0 {
			t.Errorf("orphan %d ended with %v: neither killed nor done", pid, ws)
		}
		if pid == 0 {
			time.Sleep(20 * time.Millisecond)
		}
	}
	t.Error("orphaned children still running 5 s after proctour was killed")
}

// SIGTERM and Ctrl-C stop the demo cleanly: proctour reaps its children
// itself and exits with the shell's code for the signal.
func TestSignalsStopTheDemoAndItsChildren(t *testing.T) {
	for _, tc := range []struct {
		sig  unix.Signal
		code int
	}{{unix.SIGTERM, exitTerminated}, {unix.SIGINT, exitInterrupted}} {
		cmd, pids := startProctour(t, "run tickets --set lock=on --format json", 20)
		cmd.Process.Signal(tc.sig)
		err := cmd.Wait()
		if code := cmd.ProcessState.ExitCode(); code != tc.code {
			t.Errorf("%v: exit %d (%v), want %d", tc.sig, code, err, tc.code)
		}
		for _, pid := range pids {
			if alive(pid) {
				t.Errorf("%v: child %d still running after proctour exited", tc.sig, pid)
			}
		}
	}
}
