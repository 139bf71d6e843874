package lessons

import (
	"strings"
	"testing"

	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// notify_all wakes both consumers for one bun, in every mode: with the
// while loop the second waits again and eats bun-2; with if it pops from
// an empty list (IndexError) and the producer waits for ever.
func TestConditionWhileLoopAndIf(t *testing.T) {
	t.Parallel()
	for _, mode := range []sim.Options{{Mode: sim.Live}, {Mode: sim.Step}, {Mode: sim.Seeded, Seed: 3}} {
		events, st := runIn(t, mode, "condition")
		lines := prints(events)
		if n := count(lines, " eats bun-"); n != 2 {
			t.Errorf("%v loop=while: %d buns eaten, want 2:\n%s", mode.Mode, n, strings.Join(lines, "\n"))
		}
		woken := 0
		for _, e := range events {
			if e.Kind == trace.KindCondNotify && strings.Contains(string(e.Val), `"woken":2`) {
				woken++
			}
		}
		if woken != 1 {
			t.Errorf("%v: %d notify_all() woke two consumers, want the first one", mode.Mode, woken)
		}
		if c := st.FindCond("cond"); c == nil || c.Lock != "cond" {
			t.Errorf("%v: the condition's own RLock is not told under its name: %+v", mode.Mode, c)
		}

		events, st = runIn(t, mode, "condition", "loop=if")
		lines = prints(events)
		if n := count(lines, " eats bun-1"); n != 1 || count(lines, "IndexError: pop from empty list") != 1 {
			t.Errorf("%v loop=if: want one consumer eating bun-1 and the other's IndexError:\n%s", mode.Mode, strings.Join(lines, "\n"))
		}
		if !strings.Contains(st.Watchdog, "producer waits for hungry") {
			t.Errorf("%v loop=if: the watchdog says %q; want the producer waiting for hungry", mode.Mode, st.Watchdog)
		}
	}
}
