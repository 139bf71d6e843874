//go:build unix && !linux

package pytrace

import (
	"net"
	"syscall"
)

func sysProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

func killGroup(pid int) { syscall.Kill(-pid, syscall.SIGKILL) }

func becomeSubreaper() {}

func reap(pid int) bool { return true }

func killPid(pid int) { syscall.Kill(pid, syscall.SIGKILL) }

func (r *Run) place() (pythonpath, sock string, err error) { return r.placeInDir() }

// readable: not asked here; a gated run takes what has arrived.
func readable(c *net.UnixConn) bool { return false }

func zombieCode(pid int) (int, bool) { return 0, false }

func gone(pid int) bool { return syscall.Kill(pid, 0) == syscall.ESRCH }
