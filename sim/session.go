package sim

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

// Script is a demo's main program: what a lesson's Python script does under
// `if __name__ == '__main__':`, run as MainProcess.
type Script func(rt *primitives.Runtime) error

// Unit is how long one second of a lesson's Python listing lasts in a
// demo at speed 1 (primitives.Unit), for a screen that says so.
const Unit = primitives.Unit

// MaybeRunChild runs this process as a demo's child when it is one
// (primitives.MaybeRunChild), and otherwise returns at once. A test
// binary that runs sessions calls it first in TestMain: a demo's children
// are that binary, run again.
func MaybeRunChild() { primitives.MaybeRunChild() }

// Options are how a session runs its script.
type Options struct {
	Name    string        // the scenario id, for MainProcess's proc.start
	Script  string        // the main script's file name, its proc.start's obj; "" leaves it empty
	Speed   float64       // divides every sleep; 0 means 1
	Timeout time.Duration // the watchdog's budget in real time; 0: none
	// Idle is how long every process must wait with no timeout and no
	// event before the watchdog calls it a hang; 0 means 500 ms.
	Idle time.Duration
	// Mode is live, step or seeded; Seed drives the seeded scheduler.
	Mode Mode
	Seed uint64
	// Auto, in step mode, releases the oldest operation that can proceed
	// whenever all is quiet, as if someone kept pressing space: step mode
	// without a person, for `proctour run --mode step` and tests.
	Auto bool
	// Vars are the variant values the script runs with, for run.begin.
	Vars map[string]string
	// Outcome, if set, reads the run's one number from its timeline (the
	// tickets sold), and OutcomeLabel says what it is in English: run.end
	// records both.
	Outcome      func(events []trace.Record) (int, bool)
	OutcomeLabel string
	// Schedule, when set, is an interleaving to re-execute (schedule.go):
	// the run is in step mode, the gate letting each operation go in the
	// schedule's order, and it stops at the first step it cannot take.
	Schedule []int
	// ScheduleThenStep, with Schedule, hands the run to a person at the
	// schedule's end instead of stopping it there: the gate plays the
	// steps, then waits for Release as in step mode (a challenge's undo
	// re-plays the moves but the last one, and the student goes on).
	ScheduleThenStep bool
}

// Session is one run of a script with its processes.
type Session struct {
	opts  Options
	trace *primitives.Trace
	rt    *primitives.Runtime
	begin int64

	stopOnce sync.Once
	stop     chan struct{}
	stopped  bool // set before stop is closed

	mu       sync.Mutex
	timeline []trace.Record
	state    State
	lastAt   time.Time // real time of the latest event
	changed  chan struct{}
	closed   bool
	gate     *gateCtl         // nil in live mode
	wakeup   *primitives.Gate // what gate releases through
	bcast    chan struct{}    // closed and replaced at every change, for Snapshot
	// tail holds, in step and seeded modes, what follows the watchdog's
	// report: the teardown, whose order the OS decides (which SIGTERM is
	// reaped first). It joins the timeline at the end in a fixed order
	// (see endTail), so that a seed gives the same run to the last event.
	tail    []trace.Record
	tailing bool
	caught  atomic.Uint64 // see collector.caught

	out         chan trace.Record
	publishOnce sync.Once
	done        chan struct{}
	err         error
}

// Start runs script in a new session and returns at once; the timeline
// arrives on Events.
func Start(script Script, o Options) (*Session, error) {
	subreaper.Do(func() { primitives.BecomeSubreaper() })
	if o.Speed <= 0 {
		o.Speed = 1
	}
	if o.Idle <= 0 {
		o.Idle = 500 * time.Millisecond
	}
	if o.Schedule != nil {
		o.Mode, o.Auto = Step, true
	}
	tr, err := primitives.NewTrace()
	if err != nil {
		return nil, fmt.Errorf("start session: %w", err)
	}
	s := &Session{
		opts: o, trace: tr, begin: primitives.Monotonic(),
		stop: make(chan struct{}), changed: make(chan struct{}, 1), bcast: make(chan struct{}),
		out: make(chan trace.Record, 256), done: make(chan struct{}),
		lastAt: time.Now(),
	}
	var gate *primitives.Gate
	if o.Mode != Live {
		if gate, err = primitives.NewGate(); err != nil {
			tr.Close()
			return nil, fmt.Errorf("start session: %w", err)
		}
		s.gate, s.wakeup = newGateCtl(o.Mode, o.Seed, o.Auto, gate), gate
		s.gate.second = time.Duration(float64(primitives.Unit) / o.Speed)
		// (Called with s.mu held; closed is set before the trace closes.)
		s.gate.drained = func() bool { return s.closed || s.caught.Load() >= tr.Stamped() }
		s.gate.plan, s.gate.thenStep = o.Schedule, o.ScheduleThenStep
	}
	s.rt = primitives.NewMain(primitives.MainOptions{Trace: tr, Speed: o.Speed, Stop: s.stop, Gate: gate})
	s.header()
	s.rt.Emit(trace.KindProcStart, o.Script, o.Name)

	collected := make(chan struct{})
	go s.collect(collected)
	scriptDone, watched := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(watched)
		s.watch(scriptDone)
	}()
	go s.run(script, scriptDone, watched, collected)
	return s, nil
}

// Events delivers the timeline in order, and is closed after the final
// event (MainProcess's proc.exit). Nothing is sent until the first call, and
// a session ends whether or not anyone reads it (Snapshot is the other way
// to follow a session).
func (s *Session) Events() <-chan trace.Record {
	s.publishOnce.Do(func() { go s.publish() })
	return s.out
}

// Done is closed when the session is over: every process reaped and the
// final event in the timeline.
func (s *Session) Done() <-chan struct{} { return s.done }

// Wait waits for the end and returns the script's error, if any.
func (s *Session) Wait() error {
	<-s.done
	return s.err
}

// Timeline is a copy of every event collected so far.
func (s *Session) Timeline() []trace.Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]trace.Record(nil), s.timeline...)
}

// Stop ends the session early: MainProcess's waits are interrupted and every
// process of the session is terminated (killed if it lingers). It returns
// at once; Done tells when all is reaped.
func (s *Session) Stop() {
	s.stopOnce.Do(func() {
		s.mu.Lock()
		s.stopped = true
		if s.gate != nil {
			s.gate.halted = true
		}
		s.mu.Unlock()
		close(s.stop)
		go s.terminateAll()
	})
}

func (s *Session) run(script Script, scriptDone, watched, collected chan struct{}) {
	err := runScript(s.rt, script)
	if s.gate != nil && s.isStopped() {
		// Let the stop's SIGTERM end every child before the end of the
		// main code looks at them, so that it finds the same (none alive)
		// in every run rather than whichever the OS has not yet reaped.
		// (Bounded: a pool may start a replacement worker after the
		// stop's last SIGKILL; the end of the main code ends it.)
		limit := time.After(3 * time.Second)
	wait:
		for _, c := range s.rt.ActiveChildren() {
			select {
			case <-c.Done():
			case <-limit:
				break wait
			}
		}
	}
	finish(s.rt)
	close(scriptDone)
	// The watchdog emits too: it must be done before the trace closes.
	<-watched
	for _, pid := range s.livePids() { // a child's children that outlived it
		if p, err := os.FindProcess(pid); err == nil {
			p.Signal(syscall.SIGKILL)
		}
	}
	s.reapOrphans(true)
	s.trace.CloseWriter()
	select {
	case <-collected:
	case <-time.After(2 * time.Second): // a stray process keeps the pipe open
		s.trace.Reader().Close()
		<-collected
	}
	s.endTail()
	stopped := s.isStopped()
	code := 0
	switch {
	case stopped:
		code = -15
	case err != nil:
		code = 1
	}
	s.err = err
	s.finalEvent(code, stopped)
	s.rt.Close()
	s.trace.Close()
	if s.wakeup != nil {
		s.wakeup.Close()
	}
	close(s.done)
}

// finish ends the main script as Python does (daemons terminated, children
// joined). If the session is stopped while it waits at the gate, it does it
// again without the gate, so that every child is still reaped.
func finish(rt *primitives.Runtime) {
	defer func() {
		switch r := recover(); r {
		case nil:
		case primitives.ErrStopped:
			rt.Finish()
		default:
			panic(r)
		}
	}()
	rt.Finish()
}

// runScript runs the main script as Python runs a script: an error is
// printed as a traceback would be, and a stopped session unwinds it.
func runScript(rt *primitives.Runtime, script Script) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if r == primitives.ErrStopped {
				err = nil
				return
			}
			err = fmt.Errorf("panic: %v", r)
			rt.Report(err)
		}
	}()
	if err = script(rt); err != nil {
		rt.Report(err)
	}
	return err
}

func (s *Session) isStopped() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopped
}

// Snapshot returns the timeline from index from on, the operations waiting
// at the gate (step and seeded modes), whether the session is over, and a
// channel that is closed at the next change. Any number of readers may use
// it; nothing is consumed.
func (s *Session) Snapshot(from int) (events []trace.Record, pending []Intent, done bool, changed <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if from < len(s.timeline) {
		events = append([]trace.Record(nil), s.timeline[from:]...)
	}
	if s.gate != nil {
		s.gate.judge(&s.state)
		pending = s.gate.list()
	}
	return events, pending, s.closed, s.bcast
}

// Busy reports, in step and seeded modes, whether a released operation (or
// a process starting or exiting) is still under way; when it is not, every
// process waits at the gate and nothing changes until the next release.
func (s *Session) Busy() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gate != nil && !s.gate.quiet()
}

// broadcast wakes every Snapshot reader; call it with s.mu held.
func (s *Session) broadcast() {
	close(s.bcast)
	s.bcast = make(chan struct{})
}

// Schedule is, in step and seeded modes, the order in which the gate has
// let operations go so far, as a schedule string (EncodeSchedule); "" in
// live mode.
func (s *Session) Schedule() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gate == nil {
		return ""
	}
	return EncodeSchedule(s.gate.played)
}

// Mode is the session's scheduling mode.
func (s *Session) Mode() Mode { return s.opts.Mode }

// Release lets the process with pid perform its pending operation (step
// mode: the student picks who moves). It fails if the operation would block,
// or while a released operation is still running.
func (s *Session) Release(pid int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gate == nil || s.opts.Mode != Step {
		return ErrNotStepping
	}
	err := s.gate.releasePid(pid, &s.state)
	s.broadcast()
	return err
}

// ReleaseNext releases the oldest pending operation that can proceed (the
// space bar in step mode).
func (s *Session) ReleaseNext() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gate == nil || s.opts.Mode != Step {
		return ErrNotStepping
	}
	err := s.gate.releaseOldest(&s.state)
	s.broadcast()
	return err
}
