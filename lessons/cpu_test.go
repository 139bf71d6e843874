package lessons

import (
	"runtime"
	"strings"
	"testing"

	"github.com/proctour/proctour/primitives"
)

// The first run's workers may only use CPU 0; the second's may use every
// CPU this test may use. Each worker reports the CPU time it used, and main
// both runs' wall times. (Which run is faster is a measurement, not a test:
// the lesson shows it.)
func TestCPUPinnedThenSpread(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("CPU affinity is Linux's")
	}
	runtime.LockOSThread()
	mine, err := primitives.AllowedCPUs()
	runtime.UnlockOSThread()
	if err != nil {
		t.Fatal(err)
	}
	events, st := run(t, "cpu", "procs=2")
	var pinned, spread, cpuLines int
	for _, l := range prints(events) {
		switch {
		case strings.HasSuffix(l, "may run on CPUs [0]") && pinned < 2:
			pinned++
		case strings.Contains(l, "may run on CPUs "+pyIntList(mine)):
			spread++
		case strings.Contains(l, " s of CPU in ") && !strings.Contains(l, ": 0.00 s of CPU"):
			cpuLines++
		}
	}
	if len(mine) == 1 {
		spread += pinned - 2 // on one CPU both runs report [0]
	}
	if pinned != 2 || spread != 2 || cpuLines != 4 {
		t.Errorf("pinned %d, spread %d, CPU reports %d; want 2, 2, 4:\n%s", pinned, spread, cpuLines, strings.Join(prints(events), "\n"))
	}
	if len(st.Timings) != 2 || st.Timings[0].Seconds <= 0 || st.Timings[1].Seconds <= 0 {
		t.Errorf("timings %+v", st.Timings)
	}
	for _, p := range st.Procs[1:] {
		if p.ExitCode != 0 {
			t.Errorf("%s exited %d", p.Name, p.ExitCode)
		}
	}
}
