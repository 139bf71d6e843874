package sim

import (
	"strings"
	"testing"
)

// row draws each process's states over the ticks: R running, . ready,
// b blocked, blank done.
func rows(procs []ModelProc, ticks []ModelTick) []string {
	out := make([]string, len(procs))
	for i := range procs {
		var b strings.Builder
		for _, t := range ticks {
			b.WriteByte(" R.b "[[...]int{ModelReady: 2, ModelRunning: 1, ModelBlocked: 3, ModelDone: 0, ModelNotYet: 4}[t.States[i]]])
		}
		out[i] = procs[i].Name + " " + strings.TrimRight(b.String(), " ")
	}
	return out
}

var modelProcs = []ModelProc{
	{"A", []Burst{{Ticks: 3}, {IO: true, Ticks: 2}, {Ticks: 1}}},
	{"B", []Burst{{Ticks: 4}}},
}

func TestModelOneCPUTimeSlices(t *testing.T) {
	ticks := RunModel(modelProcs, 1, 2, 100)
	got := strings.Join(rows(modelProcs, ticks), "\n")
	// A runs 2 (its slice), B runs 2, A its last CPU tick then blocks for
	// 2 while B finishes, and runs its last tick at once.
	want := "A RR..RbbR\n" +
		"B ..RR.RR"
	if got != want {
		t.Errorf("one CPU, slice 2:\n%s\nwant\n%s", got, want)
	}
	for _, tk := range ticks {
		running := 0
		for _, s := range tk.States {
			if s == ModelRunning {
				running++
			}
		}
		if running > 1 {
			t.Fatalf("two processes running on one CPU: %+v", tk)
		}
	}
}

func TestModelTwoCPUsRunInParallel(t *testing.T) {
	ticks := RunModel(modelProcs, 2, 2, 100)
	got := strings.Join(rows(modelProcs, ticks), "\n")
	want := "A RRRbbR\n" +
		"B RRRR"
	if got != want {
		t.Errorf("two CPUs:\n%s\nwant\n%s", got, want)
	}
	if len(ticks) != 6 {
		t.Errorf("%d ticks on two CPUs, want 6", len(ticks))
	}
}
