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
