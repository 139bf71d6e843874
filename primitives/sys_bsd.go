//go:build unix && !linux

package primitives

import (
	"errors"
	"os"
)

func growPipeOS(f *os.File) {}

// errNoProcState: waiting without reaping and reading a process's state
// use Linux's waitid and /proc.
var errNoProcState = errors.New("a process's state from the OS needs Linux (/proc)")

// waitExited is not available here: the child is reaped as it exits.
func waitExited(pid int) error { return errNoProcState }

// ProcState needs /proc (Linux).
func ProcState(pid int) (string, error) { return "", errNoProcState }

// PinToCPU needs Linux's sched_setaffinity.
func PinToCPU(cpu int) error {
	return errors.New("pinning a process to a CPU needs Linux (sched_setaffinity)")
}

// AllowedCPUs needs Linux's sched_getaffinity.
func AllowedCPUs() ([]int, error) {
	return nil, errors.New("a process's CPUs need Linux (sched_getaffinity)")
}

// BecomeSubreaper needs Linux; elsewhere orphans go to init.
func BecomeSubreaper() error { return errNoProcState }

// ReapOrphan reaps nothing here: orphans are init's.
func ReapOrphan(pid int, block bool) (int, bool) { return 0, false }
