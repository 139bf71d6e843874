package pytrace

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
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

// place puts the tracer where python3 finds it: on Linux, a zip archive in
// a memfd that the Python processes read through /proc/<proctour>/fd/N,
// and an abstract Unix socket: nothing is on disk, so nothing is left
// behind even when proctour is killed with SIGKILL.
func (r *Run) place() (pythonpath, sock string, err error) {
	z, err := tracerZip()
	if err != nil {
		return "", "", err
	}
	fd, err := unix.MemfdCreate("proctour-tracer", unix.MFD_CLOEXEC)
	if err != nil {
		return r.placeInDir()
	}
	f := os.NewFile(uintptr(fd), "proctour-tracer")
	if _, err := f.Write(z); err != nil {
		f.Close()
		return r.placeInDir()
	}
	path := fmt.Sprintf("/proc/%d/fd/%d", os.Getpid(), fd)
	if _, err := os.Stat(path); err != nil { // no /proc
		f.Close()
		return r.placeInDir()
	}
	r.mem = f
	return path, fmt.Sprintf("@proctour-py-%d-%d", os.Getpid(), runCounter.Add(1)), nil
}

var runCounter atomic.Int64

// readable reports whether a socket has bytes, or its end, not yet read
// (a closed one: its end is on its way to the loop).
func readable(c *net.UnixConn) bool {
	rc, err := c.SyscallConn()
	if err != nil {
		return true
	}
	n := 0
	if rc.Control(func(fd uintptr) {
		n, _ = unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN | unix.POLLRDHUP}}, 0)
	}) != nil {
		return true
	}
	return n > 0
}

// zombieCode is the exit code of pid when it is a zombie (ended, not yet
// reaped by its parent), read from /proc/PID/stat (exit_code, field 52) as
// Python reports it: the negative signal number when a signal ended it.
func zombieCode(pid int) (int, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 50 || f[0] != "Z" {
		return 0, false
	}
	st, err := strconv.Atoi(f[49])
	if err != nil {
		return 0, false
	}
	if sig := st & 0x7f; sig != 0 {
		return -sig, true
	}
	return (st >> 8) & 0xff, true
}

// gone reports whether pid no longer exists, not even as a zombie.
func gone(pid int) bool {
	_, err := os.Stat(fmt.Sprintf("/proc/%d", pid))
	return errors.Is(err, os.ErrNotExist)
}
