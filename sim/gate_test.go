package sim

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

// The student as scheduler: with two workers after one lock, stepping
// oldest-first reaches a moment where one worker's acquire would block. It
// is shown blocked on the lock and cannot be released; the run still ends.
func TestStepModeReleasesOnlyWhatCanProceed(t *testing.T) {
	s, err := Start(func(rt *primitives.Runtime) error {
		lock, err := rt.NewLock("lock")
		if err != nil {
			return err
		}
		for range 2 {
			if err := primitives.NewProcess(rt, worker, lockArgs{lock, 2}).Start(); err != nil {
				return err
			}
		}
		return nil
	}, Options{Name: "step", Mode: Step})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	var sawBlocked, refused bool
	pos, released := 0, 0
	deadline := time.After(30 * time.Second)
	for {
		quiet := !s.Busy()
		events, pending, done, changed := s.Snapshot(pos)
		pos += len(events)
		if done {
			break
		}
		// Like a student, the test steps only after it has seen every
		// process at the gate: quiet before the snapshot means nothing
		// moved in between, so what the snapshot judged blocked is.
		if quiet {
			for _, in := range pending {
				if in.Op == trace.KindLockAcquire && !in.CanProceed {
					sawBlocked = true
					if !strings.HasPrefix(in.Blocked.String(), "lock, held by Process-") {
						t.Errorf("blocked on %q", in.Blocked)
					}
					if err := s.Release(in.Pid); err != nil && strings.Contains(err.Error(), "would block") {
						refused = true
					} else {
						t.Errorf("releasing a blocked acquire while all was quiet: %v", err)
					}
				}
			}
			switch err := s.ReleaseNext(); {
			case err == nil:
				released++
				continue
			case errors.Is(err, ErrBusy), errors.Is(err, ErrNothingWaiting):
			default:
				t.Fatalf("step %d: %v", released, err)
			}
		}
		select {
		case <-changed:
		case <-time.After(10 * time.Millisecond): // a process can fall quiet without a change (see awayAfter)
		case <-deadline:
			t.Fatalf("stuck after %d steps", released)
		}
	}
	events := s.Timeline()
	noViolations(t, events)
	if !sawBlocked || !refused {
		t.Errorf("saw a blocked acquire: %v, refused to release it: %v", sawBlocked, refused)
	}
	// Every instrumented operation was one step: 2 starts, and per worker
	// 2×(acquire, print, release), then main's joins at exit.
	if released < 14 {
		t.Errorf("%d steps, want at least 14", released)
	}
	if st := Fold(events); st.Watchdog != "" {
		t.Errorf("watchdog: %s", st.Watchdog)
	}
}

func TestLiveSessionHasNoGate(t *testing.T) {
	_, s := run(t, func(rt *primitives.Runtime) error { return nil }, Options{Name: "live"})
	if err := s.ReleaseNext(); !errors.Is(err, ErrNotStepping) {
		t.Errorf("ReleaseNext in live mode: %v", err)
	}
}
