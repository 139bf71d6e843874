//go:build unix

package primitives

import (
	"os"

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
