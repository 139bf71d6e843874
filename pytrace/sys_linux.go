package pytrace

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// sysProcAttr puts python3 in a process group of its own (so that the
// whole run is killed at once) and kills it if proctour dies.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

func killGroup(pid int) { syscall.Kill(-pid, syscall.SIGKILL) }

// becomeSubreaper makes proctour the parent of the run's orphans (the
// children of a python3 that was killed), so that it can reap them: no
// zombie is left behind.
func becomeSubreaper() { unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) }

// reap collects the exit status of pid if it became proctour's child.
func reap(pid int) bool {
	var ws unix.WaitStatus
	got, err := unix.Wait4(pid, &ws, unix.WNOHANG, nil)
	return got == pid || err == unix.ECHILD
}

func killPid(pid int) { syscall.Kill(pid, syscall.SIGKILL) }
