//go:build !linux

package lessons

import (
	"fmt"
	"syscall"
)

// leftovers lists the pids that still exist, running or unreaped, after a
// session ended. (Without /proc the parent cannot be checked, so a reused
// pid would count too; sessions are short enough that this does not happen.)
func leftovers(pids []int) []string {
	var out []string
	for _, pid := range pids {
		if syscall.Kill(pid, 0) == nil {
			out = append(out, fmt.Sprint(pid))
		}
	}
	return out
}
