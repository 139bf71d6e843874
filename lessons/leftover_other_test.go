//go:build !linux

package lessons

import (
	"fmt"
	"os"
	"syscall"

	"github.com/proctour/proctour/trace"
)

// watch remembers the pids of the processes a session started.
type watch struct{ pids []int }

func (w *watch) saw(r trace.Record) {
	if r.Kind == trace.KindProcStart && r.Pid != os.Getpid() {
		w.pids = append(w.pids, r.Pid)
	}
}

// leftovers lists the pids that still exist, running or unreaped, after a
// session ended. (Without /proc neither the parent nor the start time can
// be checked, so a pid reused by another test's process would count too;
// pids are handed out in turn, so that takes thousands of processes
// started in between.)
func (w *watch) leftovers() []string {
	var out []string
	for _, pid := range w.pids {
		if syscall.Kill(pid, 0) == nil {
			out = append(out, fmt.Sprint(pid))
		}
	}
	return out
}
