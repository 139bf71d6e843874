package tui

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// Messages from the commands that drive a session. Each carries the id of
// the run it belongs to, so that a demo drops those of a run it replaced.
type (
	// runStartedMsg says a run started (or could not): a Go demo's
	// session, or a Python program under the tracer, whose interpreter
	// python names ("CPython 3.11.7"), and whose lines are source (the
	// student's program, read as the run started).
	runStartedMsg struct {
		run    int64
		sess   sim.Source
		python string
		source []string
		err    error
	}
	// batchMsg is everything new since the last batch: events, the
	// operations waiting at the gate, and whether the run is over; at the
	// end, err is why a Python program could not run (a syntax error).
	batchMsg struct {
		run     int64
		events  []trace.Record
		pending []sim.Intent
		done    bool
		err     error
	}
	// releasedMsg is the answer to a release in step mode.
	releasedMsg struct {
		run int64
		err error
	}
	// savedMsg says where a trace was saved: path, shown as shown.
	savedMsg struct {
		path, shown string
		err         error
	}
	// playTickMsg advances a replay played in time.
	playTickMsg struct{ run int64 }
)

var runIDs atomic.Int64

// nextRun is a new run id, unique in the process.
func nextRun() int64 { return runIDs.Add(1) }

// safe wraps a command so that a panic in it quits the program cleanly.
func safe(cmd func() tea.Msg) tea.Cmd {
	return func() tea.Msg { return recovered(func() any { return cmd() }) }
}

// startRun starts a session for a run.
func startRun(r *runner, run int64, sc *lessons.Scenario, vars lessons.Vars, o sim.Options) tea.Cmd {
	return safe(func() tea.Msg {
		s, err := r.start(sc, vars, o)
		if err != nil {
			return runStartedMsg{run: run, err: err} // no nil *Session in sess
		}
		return runStartedMsg{run: run, sess: s}
	})
}

// frame is how long a batch gathers events after the first change, so that
// a burst of events is one message and one frame.
const frame = 15 * time.Millisecond

// waitBatch waits until the run has something new after from events
// (or pending differs from prev) and returns all of it as one batchMsg.
// The demo re-arms it after each batch (bubbletea's realtime pattern).
func waitBatch(s sim.Source, run int64, from int, prev []sim.Intent) tea.Cmd {
	return safe(func() tea.Msg {
		for {
			events, pending, done, changed := s.Snapshot(from)
			if len(events) > 0 || done || !sameIntents(pending, prev) {
				var err error
				if done {
					err = runErr(s)
				}
				return batchMsg{run: run, events: events, pending: pending, done: done, err: err}
			}
			select {
			case <-changed:
				time.Sleep(frame)
			case <-s.Done():
			case <-time.After(250 * time.Millisecond):
			}
		}
	})
}

func sameIntents(a, b []sim.Intent) bool {
	return slices.EqualFunc(a, b, func(x, y sim.Intent) bool {
		return x.Pid == y.Pid && x.Arrived == y.Arrived && x.CanProceed == y.CanProceed && x.Blocked.String() == y.Blocked.String()
	})
}

// release lets a process move in step mode: the oldest operation that can
// proceed when pid is 0.
func release(s sim.Source, run int64, pid int) tea.Cmd {
	return safe(func() tea.Msg {
		var err error
		if pid == 0 {
			err = s.ReleaseNext()
		} else {
			err = s.Release(pid)
		}
		return releasedMsg{run: run, err: err}
	})
}

// stopRun stops a run; the runner sees it end.
func stopRun(s sim.Source) tea.Cmd {
	if s == nil {
		return nil
	}
	return safe(func() tea.Msg {
		s.Stop()
		return nil
	})
}

// saveTrace writes a timeline to <scenario>-<time>.jsonl in the traces
// directory (TracesDir: beside the progress, not wherever proctour was
// started), and says where.
func saveTrace(id string, timeline []trace.Record, now time.Time) tea.Cmd {
	return safe(func() tea.Msg {
		return saveInTraces(id, now, ".jsonl", func(path string) error { return writeTrace(path, timeline) })
	})
}

// saveInTraces writes a file named for the scenario and the time, with
// ext, into the traces directory by write, which never overwrites a file
// (two saves in a second get -2, -3, …), and says where, home as ~.
func saveInTraces(id string, now time.Time, ext string, write func(path string) error) savedMsg {
	dir, err := TracesDir()
	if err == nil {
		err = os.MkdirAll(dir, 0o700)
	}
	if err != nil {
		return savedMsg{err: fmt.Errorf("save: %w", err)}
	}
	base := filepath.Join(dir, fmt.Sprintf("%s-%s", id, now.Format("20060102-150405")))
	name := base + ext
	err = write(name)
	for i := 2; errors.Is(err, fs.ErrExist) && i < 100; i++ {
		name = fmt.Sprintf("%s-%d%s", base, i, ext)
		err = write(name)
	}
	return savedMsg{path: name, shown: homeShort(name), err: err}
}

// TracesDir is where the demo view saves traces: traces/ in the state
// directory (lessons.StateDir), where `proctour replay NAME` finds them.
func TracesDir() (string, error) {
	dir, err := lessons.StateDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "traces"), nil
}

// homeShort is path with the home directory as ~, as a shell takes it.
func homeShort(path string) string {
	if home, err := os.UserHomeDir(); err == nil && home != "/" {
		if rest, ok := strings.CutPrefix(path, home+string(filepath.Separator)); ok {
			return "~" + string(filepath.Separator) + rest
		}
	}
	return path
}

// writeTrace writes a timeline as a trace file; it never overwrites one.
func writeTrace(path string, timeline []trace.Record) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("save trace: %w", err)
	}
	for _, r := range timeline {
		if err := trace.Write(f, r); err != nil {
			f.Close()
			return fmt.Errorf("save trace: %w", err)
		}
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("save trace: %w", err)
	}
	return nil
}

// playTick schedules the next step of a replay played in time.
func playTick(run int64) tea.Cmd {
	return tea.Tick(30*time.Millisecond, func(time.Time) tea.Msg { return playTickMsg{run} })
}
