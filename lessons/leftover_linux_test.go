package lessons

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/proctour/proctour/trace"
)

// A session's processes are this process's children (or, orphaned, its
// adopted children: the subreaper). Tests run in parallel, so once one of
// them has been reaped its pid may be handed to a child of another test's
// session, which is this process's child too: a pid alone does not name a
// process. watch names each by its pid and its start time.
type watch struct{ started map[int]string }

// saw notes the start time of a process the session started, as soon as
// its start is reported: it has not been reaped yet (its exit comes later
// in the trace), so its pid is not free for another process.
func (w *watch) saw(r trace.Record) {
	if r.Kind != trace.KindProcStart || r.Pid == os.Getpid() {
		return
	}
	if w.started == nil {
		w.started = map[int]string{}
	}
	if _, _, start, ok := procStat(r.Pid); ok {
		w.started[r.Pid] = start
	}
	// Already gone (the session runs ahead of the test reading its
	// trace): reaped, so not left over, and whichever process has its pid
	// now is another one.
}

// leftovers lists the session's processes that are still this process's
// children — running, or zombies nobody reaped — after the session ended.
func (w *watch) leftovers() []string {
	var out []string
	for pid, start := range w.started {
		if state, ppid, now, ok := procStat(pid); ok && ppid == os.Getpid() && now == start {
			out = append(out, fmt.Sprintf("%d (state %s)", pid, state))
		}
	}
	return out
}

// procStat returns the state, parent and start time (in clock ticks after
// boot) of process pid.
func procStat(pid int) (state string, ppid int, start string, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return "", 0, "", false
	}
	// After "pid (comm) ": state, ppid, ..., starttime (field 22 of stat).
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(f) < 20 {
		return "", 0, "", false
	}
	ppid, err = strconv.Atoi(f[1])
	return f[0], ppid, f[19], err == nil
}
