package lessons

import (
	"runtime"
	"strings"
	"testing"

	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// The child exits at once; the OS shows it as a zombie (Z) until main's
// join() waits for it, and then it is gone.
func TestZombieUntilJoined(t *testing.T) {
	// Not parallel: a timed scenario (see timed).
	if runtime.GOOS != "linux" {
		t.Skip("process states are read from /proc")
	}
	for _, opts := range []sim.Options{{Mode: sim.Live}, {Mode: sim.Step}} {
		events, st := runIn(t, opts, "zombie")
		out := prints(events)
		want := []string{"child: my work is done, exiting", "MainProcess: child is Z", "MainProcess: child is Z", "MainProcess: child is gone - exit code 0"}
		// The first look is the OS's to say: the child starting (R),
		// working (S), or, on a loaded machine, already done (Z).
		var got []string
		firstLook := true
		for _, l := range out {
			if state, ok := strings.CutPrefix(l, "MainProcess: child is "); ok && firstLook && len(state) == 1 && strings.Contains("RSDZ", state) {
				firstLook = false
				continue
			}
			got = append(got, l)
		}
		// Live, that the child has exited by main's second look (it has
		// 1 listing second, 0.2 s) is the OS scheduler's call too: on a
		// loaded machine starting a child can take longer. What holds in
		// every live run: the child says it is done once; main looks three
		// times, each time seeing an OS state, a zombie only after the
		// child said it is done, and a zombie stays one until the join
		// reaps it. In step mode, where main's sleep holds the others and
		// the child runs to its exit first, the child is a zombie at both
		// later looks.
		if opts.Mode == sim.Live {
			done, zombie := false, false
			var looks []string
			for _, l := range out[:len(out)-1] {
				if l == "child: "+want[0] {
					done = true
				}
				if state, ok := strings.CutPrefix(l, "MainProcess: child is "); ok {
					looks = append(looks, state)
					if len(state) != 1 || !strings.Contains("RSDZ", state) || state == "Z" && !done || zombie && state != "Z" {
						t.Errorf("live: main saw %q (child done %v, a zombie before %v): %q", state, done, zombie, out)
					}
					zombie = zombie || state == "Z"
				}
			}
			if count(out, "child: "+want[0]) != 1 || len(looks) != 3 || out[len(out)-1] != want[3] {
				t.Errorf("live: prints %q; want the child's line once, three looks, then %q", out, want[3])
			}
		} else if len(got) != 4 || got[0] != "child: "+want[0] || got[1] != want[1] || got[2] != want[2] || got[3] != want[3] {
			t.Errorf("%v: prints %q, want %q", opts.Mode, out, want)
		}
		// The fold: a zombie from the child's exit until the join reaped it.
		fold := &sim.State{}
		sawZombie := false
		for _, e := range events {
			fold.Apply(e)
			if e.Kind == trace.KindProcZombie {
				if c := fold.Procs[1]; !c.Zombie {
					t.Errorf("%v: after proc.zombie the child is not shown as a zombie", opts.Mode)
				}
				sawZombie = true
			}
		}
		if (!sawZombie && opts.Mode != sim.Live) || st.Procs[1].Zombie || st.Procs[1].ExitCode != 0 {
			t.Errorf("%v: zombie seen %v; at the end zombie %v, exit %d", opts.Mode, sawZombie, st.Procs[1].Zombie, st.Procs[1].ExitCode)
		}
	}
}
