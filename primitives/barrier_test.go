package primitives

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/proctour/proctour/trace"
)

type partyArgs struct {
	Barrier *Barrier
	Log     string
	Name    string
	Timeout float64
}

// A party logs its arrival, waits at the barrier, and logs what wait()
// gave: its index, or the error.
var barrierParty = Register("test.barrier.party", func(rt *Runtime, a partyArgs) error {
	if err := appendLine(a.Log, "arrive "+a.Name); err != nil {
		return err
	}
	i, err := a.Barrier.WaitTimeout(a.Timeout)
	if err != nil {
		return appendLine(a.Log, "raise "+a.Name+" "+err.(*Error).Type)
	}
	return appendLine(a.Log, "pass "+a.Name+" "+strconv.Itoa(i))
})

var barrierAction = Register("test.barrier.action", func(rt *Runtime, _ struct{}) error {
	return appendLine(os.Getenv("PROCTOUR_TEST_BARRIER_LOG"), "action "+rt.Name())
})

func logLines(t *testing.T, path string) []string {
	b, _ := os.ReadFile(path)
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

// No party passes before all have arrived; the indices are 0 to parties-1,
// one each; the action runs once, in the last to arrive, before anyone
// passes; and the barrier serves a second round.
func TestBarrierLinesUpProcesses(t *testing.T) {
	log := filepath.Join(t.TempDir(), "log")
	t.Setenv("PROCTOUR_TEST_BARRIER_LOG", log)
	rt, events := tracedMain(t)
	b, err := rt.NewBarrier("start", 4, barrierAction, -1)
	if err != nil {
		t.Fatal(err)
	}
	for round := range 2 {
		os.Remove(log)
		var ps []*Process
		for i := range 4 {
			p := NewProcess(rt, barrierParty, partyArgs{b, log, "p" + strconv.Itoa(i), -1})
			p.Name = "p" + strconv.Itoa(i)
			ps = append(ps, start(t, p))
		}
		for _, p := range ps {
			p.Join()
		}
		lines := logLines(t, log)
		var indices []int
		arrived, action := 0, 0
		for _, l := range lines {
			f := strings.Fields(l)
			switch f[0] {
			case "arrive":
				arrived++
			case "action":
				action++
				if arrived != 4 {
					t.Errorf("round %d: the action ran after %d of 4 arrived", round, arrived)
				}
			case "pass":
				if arrived != 4 || action != 1 {
					t.Errorf("round %d: %s passed with %d of 4 arrived, the action run %d times", round, f[1], arrived, action)
				}
				n, _ := strconv.Atoi(f[2])
				indices = append(indices, n)
			default:
				t.Errorf("round %d: %q", round, l)
			}
		}
		slices.Sort(indices)
		if !slices.Equal(indices, []int{0, 1, 2, 3}) {
			t.Errorf("round %d: indices %v, want 0 1 2 3 one each:\n%s", round, indices, strings.Join(lines, "\n"))
		}
	}
	n := map[string]int{}
	for _, w := range events() {
		n[w.Kind]++
	}
	if n[trace.KindBarrierWait] != 8 || n[trace.KindBarrierPass] != 8 {
		t.Errorf("%d barrier.wait and %d barrier.pass, want 8 and 8", n[trace.KindBarrierWait], n[trace.KindBarrierPass])
	}
}

// A wait that times out breaks the barrier: every waiter raises
// BrokenBarrierError, and so does whoever comes later, until reset().
func TestBarrierBrokenByATimeoutUntilReset(t *testing.T) {
	rt := quietMain(t)
	b, _ := rt.NewBarrier("start", 3, nil, -1)
	log := filepath.Join(t.TempDir(), "log")
	p1 := start(t, NewProcess(rt, barrierParty, partyArgs{b, log, "patient", -1}))
	p2 := start(t, NewProcess(rt, barrierParty, partyArgs{b, log, "hasty", 0.5}))
	p1.Join()
	p2.Join()
	lines := logLines(t, log)
	for _, want := range []string{"raise patient BrokenBarrierError", "raise hasty BrokenBarrierError"} {
		if !slices.Contains(lines, want) {
			t.Errorf("%q not in %q", want, lines)
		}
	}
	if !b.Broken() {
		t.Error("the barrier is not broken")
	}
	if _, err := b.Wait(); !IsBrokenBarrier(err) {
		t.Errorf("wait on a broken barrier: %v, want BrokenBarrierError", err)
	}
	b.Reset()
	if b.Broken() || b.NWaiting() != 0 {
		t.Errorf("after reset: broken %v, %d waiting", b.Broken(), b.NWaiting())
	}
	// whole again: three parties pass
	os.Remove(log)
	var ps []*Process
	for i := range 3 {
		ps = append(ps, start(t, NewProcess(rt, barrierParty, partyArgs{b, log, strconv.Itoa(i), -1})))
	}
	for _, p := range ps {
		p.Join()
	}
	if n := strings.Count(strings.Join(logLines(t, log), "\n"), "pass "); n != 3 {
		t.Errorf("after reset %d passed, want 3: %q", n, logLines(t, log))
	}
}

// abort() breaks the barrier: a waiter raises at once.
func TestBarrierAbort(t *testing.T) {
	rt := quietMain(t)
	b, _ := rt.NewBarrier("start", 2, nil, -1)
	log := filepath.Join(t.TempDir(), "log")
	p := start(t, NewProcess(rt, barrierParty, partyArgs{b, log, "waiter", -1}))
	for b.NWaiting() == 0 {
		rt.Sleep(0.05)
	}
	b.Abort()
	p.Join()
	if lines := logLines(t, log); !slices.Contains(lines, "raise waiter BrokenBarrierError") {
		t.Errorf("after abort: %q", lines)
	}
	// as CPython 3.11: Barrier(0) is made, unchecked
	if z, err := rt.NewBarrier("none", 0, nil, -1); err != nil || z.Parties() != 0 {
		t.Errorf("Barrier(0): %v", err)
	}
}
