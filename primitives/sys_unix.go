//go:build unix

package primitives

import (
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// Monotonic reads CLOCK_MONOTONIC, one clock for every process on the
// machine, in nanoseconds.
func Monotonic() int64 {
	var ts unix.Timespec
	unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	return ts.Nano()
}

// closeOnExec keeps an inherited descriptor from leaking into this process's
// own children: only what is passed explicitly reaches a child.
func closeOnExec(fd int) { unix.CloseOnExec(fd) }

func growPipe(f *os.File) { growPipeOS(f) }

func killSelf() { unix.Kill(os.Getpid(), unix.SIGKILL) }

// CPUTime is the CPU time this process has used, user and system
// (Python's time.process_time()).
func CPUTime() time.Duration {
	var ru unix.Rusage
	if unix.Getrusage(unix.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
