//go:build unix

package pytrace

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// monotonic is CLOCK_MONOTONIC in nanoseconds: the clock Python's
// time.monotonic_ns() reads, so stamps from both sides compare.
func monotonic() int64 {
	var ts unix.Timespec
	unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	return ts.Nano()
}

// readFD reads from a socket's descriptor (gate.go's sock.Read).
func readFD(fd uintptr, p []byte) (int, error) { return syscall.Read(int(fd), p) }
