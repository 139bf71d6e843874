package lessons

import (
	"fmt"
	"strings"
	"testing"

	"github.com/proctour/proctour/sim"
)

// The Go demo is spawn's, whatever the method: main says so; each child
// runs the program from its start, has main as its parent and sees the
// setting the program starts with, not main's change; no lambda is
// started. In every mode, and with every method value.
func TestStartMethodsGoDemoIsSpawnLike(t *testing.T) {
	t.Parallel()
	for _, method := range []string{"spawn", "fork", "forkserver"} {
		for _, mode := range []sim.Options{{Mode: sim.Live}, {Mode: sim.Step}, {Mode: sim.Seeded, Seed: 2}} {
			events, st := runIn(t, mode, "startmethods", "method="+method)
			if len(st.Procs) != 3 {
				t.Fatalf("method=%s %v: %d processes, want main and two children", method, mode.Mode, len(st.Procs))
			}
			main := st.Procs[0].Pid
			lines := prints(events)
			text := strings.Join(lines, "\n")
			for _, want := range []string{
				fmt.Sprintf("MainProcess: main: pid %d, start method %s", main, method),
				"MainProcess: main: the Go demo starts its children as spawn does; P runs this listing under CPython with " + method,
				"MainProcess: main: done",
			} {
				if count(lines, want) != 1 {
					t.Errorf("method=%s %v: want %q once in:\n%s", method, mode.Mode, want, text)
				}
			}
			for i, c := range st.Procs[1:] {
				name := fmt.Sprintf("child-%d", i+1)
				if c.Name != name || c.PPid != main || c.ExitCode != 0 {
					t.Errorf("method=%s %v: process %s (parent %d, exit %d), want %s, started by main (%d), exit 0", method, mode.Mode, c.Name, c.PPid, c.ExitCode, name, main)
				}
				for _, want := range []string{
					fmt.Sprintf("%s: __mp_main__ imported in pid %d", name, c.Pid),
					fmt.Sprintf("%s: %s: my parent is pid %d (main)", name, name, main),
					fmt.Sprintf("%s: %s: SETTING = 'set at import'", name, name),
				} {
					if count(lines, want) != 1 {
						t.Errorf("method=%s %v: want %q once in:\n%s", method, mode.Mode, want, text)
					}
				}
			}
			if strings.Contains(text, "lambda: I ran") || strings.Contains(text, "changed in main'") {
				t.Errorf("method=%s %v: a lambda ran or a child saw main's change:\n%s", method, mode.Mode, text)
			}
		}
	}
}

// The measures the lesson's predictions read, on the Go demo: three
// imports (main and each child), no child sees main's change, both have
// main as their parent, no lambda ran; none is told before main is done.
func TestStartMethodsMeasures(t *testing.T) {
	t.Parallel()
	events, _ := run(t, "startmethods")
	for name, want := range map[string]int{"imports": 3, "saw_change": 0, "parent_main": 2, "lambda_ran": 0} {
		m := StartMethods.Measure(name)
		if v, ok := m(events); !ok || v != want {
			t.Errorf("%s = %d (told: %v), want %d", name, v, ok, want)
		}
		for i, e := range events {
			if text, _ := printed(e); text == "main: done" {
				if v, ok := m(events[:i]); ok {
					t.Errorf("%s told as %d before main is done", name, v)
				}
			}
		}
	}
}
