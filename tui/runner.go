package tui

import (
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/sim"
)

// runner starts the UI's runs — Go demos' sessions and Python programs
// under the tracer — and keeps track of them until they are over, so that
// quitting can stop every one and wait until no child is left. It is the
// only shared, mutable thing the models hold: a handle on processes, never
// drawn.
type runner struct {
	mu      sync.Mutex
	live    map[sim.Source]bool
	closed  bool
	wg      sync.WaitGroup
	pythons map[string]pythonFound // FindPython's answers, by --python
	// admit, when set, may refuse a run (the classroom's caps): see
	// admitRun
	admit func(scenario string, vars lessons.Vars) (release func(), err error)
}

func newRunner() *runner { return &runner{live: map[sim.Source]bool{}} }

// errClosed is returned by start once the UI is quitting.
var errClosed = errors.New("proctour is quitting")

// start starts a scenario's session.
func (r *runner) start(sc *lessons.Scenario, vars lessons.Vars, o sim.Options) (*sim.Session, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, errClosed
	}
	release, err := r.admitRun(sc.ID, vars)
	if err != nil {
		return nil, err
	}
	s, err := lessons.StartSession(sc, vars, o)
	if err != nil {
		release()
		return nil, err
	}
	r.track(s, release)
	return s, nil
}

// track keeps s among the live runs until it is done, then calls after
// (nil: nothing) before shutdown may return. Call it with r.mu held.
func (r *runner) track(s sim.Source, after func()) {
	r.live[s] = true
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		<-s.Done()
		if after != nil {
			after()
		}
		r.mu.Lock()
		delete(r.live, s)
		r.mu.Unlock()
	}()
}

// shutdown stops every run and waits until each is over and its
// processes reaped, or until timeout.
func (r *runner) shutdown(timeout time.Duration) error {
	r.mu.Lock()
	r.closed = true
	for s := range r.live {
		s.Stop()
	}
	r.mu.Unlock()
	done := make(chan struct{})
	go func() {
		r.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-time.After(timeout):
		return fmt.Errorf("demo processes still running %v after quitting", timeout)
	}
}

// panicError is a panic caught in one of the UI's commands, with its stack.
type panicError struct {
	value any
	stack []byte
}

func (p panicError) Error() string {
	return fmt.Sprintf("internal error: %v\n%s", p.value, p.stack)
}

// panicMsg ends the program cleanly after a panic in a command.
type panicMsg struct{ err panicError }

func (m panicMsg) Error() string { return m.err.Error() }

// recovered runs fn and turns a panic into a panicMsg, so that the terminal
// is restored and every session stopped instead of left broken.
func recovered(fn func() any) (msg any) {
	defer func() {
		if v := recover(); v != nil {
			msg = panicMsg{panicError{v, debug.Stack()}}
		}
	}()
	return fn()
}
