package lessons

import (
	"strings"
	"testing"

	"github.com/proctour/proctour/sim"
)

// With the barrier no runner starts before the last is ready, in every
// mode; trip=on breaks it and every other runner's wait() raises.
func TestBarrierLinesRunnersUp(t *testing.T) {
	t.Parallel()
	sc, _ := Lookup("barrier")
	for _, mode := range []sim.Options{{Mode: sim.Live}, {Mode: sim.Step}, {Mode: sim.Seeded, Seed: 3}} {
		events, st := runIn(t, mode, "barrier")
		lines := prints(events)
		if early, ok := sc.Measures["early"](events); !ok || early != 0 {
			t.Errorf("%v: %d runners started before the last was ready, want 0:\n%s", mode.Mode, early, strings.Join(lines, "\n"))
		}
		if n := count(lines, " starts at "); n != 4 {
			t.Errorf("%v: %d runners started, want 4", mode.Mode, n)
		}
		if b := st.FindBarrier("line_up"); b == nil || b.Parties != 4 || b.Broken {
			t.Errorf("%v: the barrier at the end: %+v", mode.Mode, b)
		}

		events, st = runIn(t, mode, "barrier", "trip=on")
		lines = prints(events)
		if broken, _ := sc.Measures["broken"](events); broken != 3 || count(lines, " starts at ") != 0 {
			t.Errorf("%v trip=on: %d runners found it broken (want 3), and some started:\n%s", mode.Mode, broken, strings.Join(lines, "\n"))
		}
		if b := st.FindBarrier("line_up"); b == nil || !b.Broken {
			t.Errorf("%v trip=on: the barrier is not broken at the end: %+v", mode.Mode, b)
		}
	}
}
