package primitives

import (
	"bytes"
	"errors"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// growPipeOS enlarges the event pipe so that bursts from many children do not
// make them wait for the collector. Failure only costs speed.
func growPipeOS(f *os.File) { unix.FcntlInt(f.Fd(), unix.F_SETPIPE_SZ, 1<<20) }

// waitExited blocks until the child has exited and leaves it unreaped: a
// zombie, still in the process table with its exit status, until a wait
// reaps it.
func waitExited(pid int) error {
	var info unix.Siginfo
	for {
		err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if err != unix.EINTR {
			return err
		}
	}
}

// ProcState is a process's state as the OS reports it: "R" running, "S"
// sleeping, "Z" zombie, …, or "" when there is no such process (it was
// reaped, or never was).
func ProcState(pid int) (string, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		if os.IsNotExist(err) {
			return "", nil
		}
		return "", err
	}
	// pid (comm) state ...: comm may hold spaces and parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 || i+2 >= len(b) {
		return "", errors.New("unreadable /proc stat")
	}
	return string(b[i+2]), nil
}

// PinToCPU restricts the calling thread, and the threads it starts, to one
// CPU (sched_setaffinity), as Python's os.sched_setaffinity(0, {cpu}) does
// for its one-threaded process. Call it with the goroutine locked to its
// thread (runtime.LockOSThread) that then does the work.
func PinToCPU(cpu int) error {
	var set unix.CPUSet
	set.Set(cpu)
	return unix.SchedSetaffinity(0, &set)
}

// AllowedCPUs lists the CPUs the calling thread may run on
// (os.sched_getaffinity(0)).
func AllowedCPUs() ([]int, error) {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return nil, err
	}
	var cpus []int
	for i := range 1024 {
		if set.IsSet(i) {
			cpus = append(cpus, i)
		}
	}
	return cpus, nil
}

// BecomeSubreaper makes this process the one that adopts its descendants'
// orphans (PR_SET_CHILD_SUBREAPER) instead of init: an orphan stays in the
// session's tree, visible, and is reaped by ReapOrphan.
func BecomeSubreaper() error { return unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) }

// ReapOrphan reaps pid if it is an adopted child of this process that has
// exited (block: wait for it to exit), and returns its exit code as
// Python's exitcode. ok is false if it is not (yet) this process's child or
// has not exited.
func ReapOrphan(pid int, block bool) (code int, ok bool) {
	var ws unix.WaitStatus
	opts := unix.WNOHANG
	if block {
		opts = 0
	}
	for {
		got, err := unix.Wait4(pid, &ws, opts, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil || got != pid {
			return 0, false
		}
		if ws.Signaled() {
			return -int(ws.Signal()), true
		}
		return ws.ExitStatus(), true
	}
}
