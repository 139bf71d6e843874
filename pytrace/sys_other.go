//go:build unix && !linux

package pytrace

import "syscall"

func sysProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

func killGroup(pid int) { syscall.Kill(-pid, syscall.SIGKILL) }

func becomeSubreaper() {}

func reap(pid int) bool { return true }

func killPid(pid int) { syscall.Kill(pid, syscall.SIGKILL) }

func (r *Run) place() (pythonpath, sock string, err error) { return r.placeInDir() }
