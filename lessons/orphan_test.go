package lessons

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/proctour/proctour/sim"
)

// The orphan first reports its parent's pid, and after the parent has
// exited, main's: proctour adopted it (the subreaper), saw it exit, and
// reaped it.
func TestOrphanIsAdopted(t *testing.T) {
	// Not parallel: a timed scenario (see timed).
	if runtime.GOOS != "linux" {
		t.Skip("the subreaper is Linux's")
	}
	for _, opts := range []sim.Options{{Mode: sim.Live}, {Mode: sim.Seeded, Seed: 4}} {
		events, st := runIn(t, opts, "orphan")
		var mainPid, parentPid, orphan int
		for _, p := range st.Procs {
			switch p.Name {
			case "MainProcess":
				mainPid = p.Pid
			case "parent":
				parentPid = p.Pid
			case "orphan":
				orphan = p.Pid
				if p.Status != sim.Exited || p.ExitCode != 0 || p.PPid != parentPid {
					t.Errorf("%v: orphan %+v", opts.Mode, p)
				}
			}
		}
		out := prints(events)
		want := []string{
			fmt.Sprintf("orphan: orphan: my parent is %d", parentPid),
			fmt.Sprintf("orphan: orphan: now my parent is %d", mainPid),
		}
		// Whether the parent has exited by the orphan's second look is the
		// scheduler's: live, the OS's (the parent has 0.5 listing seconds,
		// 0.1 s, to spare, and on a loaded machine may lag more), so a live
		// run checks that the orphan's parent then is its parent still or,
		// adopted, the main script; seeded, the same seed the same run, the
		// orphan is adopted (seed 4; in seed 3 the scheduler lets the
		// orphan finish before its parent exits).
		still := fmt.Sprintf("orphan: orphan: now my parent is %d", parentPid)
		adopted := count(out, want[1]) == 1
		if count(out, want[0]) != 1 || orphan == 0 || !adopted && (opts.Mode != sim.Live || count(out, still) != 1) {
			t.Errorf("%v: prints %q, want %q", opts.Mode, out, want)
		}
	}
}
