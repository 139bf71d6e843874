package lessons

import (
	"strings"
	"testing"

	"github.com/proctour/proctour/sim"
)

// Opposite orders: each transfer holds one lock and waits for the other's,
// in every mode; the watchdog names the cycle. The same order: both finish.
func TestDeadlockIsACycleOfTwoLocks(t *testing.T) {
	t.Parallel()
	for _, mode := range []sim.Options{{Mode: sim.Live}, {Mode: sim.Step}, {Mode: sim.Seeded, Seed: 3}} {
		_, st := runIn(t, mode, "deadlock")
		for _, want := range []string{"a_to_b waits for lock_b, held by b_to_a", "b_to_a waits for lock_a, held by a_to_b"} {
			if !strings.Contains(st.Watchdog, want) {
				t.Errorf("%v: the watchdog says %q; want it to name %q", mode.Mode, st.Watchdog, want)
			}
		}
		for _, l := range st.Locks {
			if l.Holder == 0 {
				t.Errorf("%v: %s is free at the end; in a deadlock each lock is held", mode.Mode, l.Name)
			}
		}
	}
	events, _ := run(t, "deadlock", "order=same")
	lines := prints(events)
	if n := count(lines, ": holds both, moves the money"); n != 2 {
		t.Errorf("order=same: %d transfers held both locks, want 2:\n%s", n, strings.Join(lines, "\n"))
	}
}

// With no fix the philosophers' waits close a cycle around the table; an
// order or a waiter breaks it and everyone eats.
func TestPhilosophersCycleAndItsFixes(t *testing.T) {
	t.Parallel()
	_, st := runIn(t, sim.Options{Mode: sim.Seeded, Seed: 5}, "philosophers")
	for i := range 5 {
		want := "philosopher-" + string(rune('0'+i)) + " waits for forks[" + string(rune('0'+(i+1)%5)) + "], held by philosopher-" + string(rune('0'+(i+1)%5))
		if !strings.Contains(st.Watchdog, want) {
			t.Errorf("the watchdog says %q; want %q", st.Watchdog, want)
		}
	}
	for _, fix := range []string{"ordered", "waiter"} {
		events, st := run(t, "philosophers", "fix="+fix, "philosophers=4")
		if n := count(prints(events), " eats"); n != 4 {
			t.Errorf("fix=%s: %d of 4 ate", fix, n)
		}
		if fix == "waiter" {
			for _, s := range st.Sems {
				if s.Name == "waiter" && s.MaxInside > 3 {
					t.Errorf("fix=waiter: %d seated at once, want at most 3", s.MaxInside)
				}
			}
		}
	}
}
