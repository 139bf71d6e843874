//go:build unix

package primitives

import (
	"os"
	"syscall"
)

// exitCode is Python's exitcode: the status, or minus the signal that
// killed the process.
func exitCode(ps *os.ProcessState, err error) int {
	if ps == nil {
		return -1
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return -int(ws.Signal())
	}
	return ps.ExitCode()
}
