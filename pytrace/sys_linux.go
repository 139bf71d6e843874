package pytrace

import "syscall"

// sysProcAttr puts python3 in a process group of its own (so that the
// whole run is killed at once) and kills it if proctour dies.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

func killGroup(pid int) { syscall.Kill(-pid, syscall.SIGKILL) }
