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
	for _, opts := range []sim.Options{{Mode: sim.Live}, {Mode: sim.Seeded, Seed: 3}} {
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
		// Seeded, the scheduler may let the orphan finish before its
		// parent exits: then it never was an orphan while it looked.
		if count(out, want[0]) != 1 || (opts.Mode == sim.Live && count(out, want[1]) != 1) || orphan == 0 {
			t.Errorf("%v: prints %q, want %q", opts.Mode, out, want)
		}
	}
}
