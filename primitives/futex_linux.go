package primitives

import (
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Shared (not private) futex operations: the words live in memory mapped by
// several processes.
const (
	futexWait = 0
	futexWake = 1
)

// futexWaitOn blocks while *addr == val, for at most d (d < 0: no limit).
// It returns false only when the time ran out; spurious wake-ups return true
// and callers re-check their condition.
func futexWaitOn(addr *uint32, val uint32, d time.Duration) bool {
	var ts *unix.Timespec
	if d >= 0 {
		t := unix.NsecToTimespec(int64(d))
		ts = &t
	}
	_, _, errno := unix.Syscall6(unix.SYS_FUTEX, uintptr(unsafe.Pointer(addr)), futexWait, uintptr(val), uintptr(unsafe.Pointer(ts)), 0, 0)
	return errno != unix.ETIMEDOUT
}

// futexWakeOn wakes up to n processes waiting on addr.
func futexWakeOn(addr *uint32, n int) {
	unix.Syscall6(unix.SYS_FUTEX, uintptr(unsafe.Pointer(addr)), futexWake, uintptr(n), 0, 0, 0)
}
