package pytrace

import (
	"net"
	"syscall"
	"time"
)

func sysProcAttr() *syscall.SysProcAttr { return nil }

func killGroup(pid int) {}

func becomeSubreaper() {}

func reap(pid int) bool { return true }

func killPid(pid int) {}

func (r *Run) place() (pythonpath, sock string, err error) { return r.placeInDir() }

var epoch = time.Now()

func monotonic() int64 { return int64(time.Since(epoch)) }

func readFD(fd uintptr, p []byte) (int, error) { return syscall.Read(syscall.Handle(fd), p) }

func readable(c *net.UnixConn) bool { return false }

func zombieCode(pid int) (int, bool) { return 0, false }

func gone(pid int) bool { return false }
