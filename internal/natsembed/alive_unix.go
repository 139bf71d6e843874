//go:build !windows

package natsembed

import "syscall"

// alive reports whether a process with the pid exists (kill(pid, 0): only
// ESRCH says it does not).
func alive(pid int) bool { return syscall.Kill(pid, 0) != syscall.ESRCH }
