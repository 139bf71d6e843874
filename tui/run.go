// Package tui is proctour's terminal UI: the lesson list, the lesson reader
// and the demo view, which draws a scenario's timeline as it runs — lanes of
// processes, resources, the Python listing and an event log — in live, step,
// seeded or replay mode. It talks to processes only through sim.
package tui

import (
	"context"
	"errors"
	"io"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/report"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// Options say how the UI starts.
type Options struct {
	Lang string // "en" (default) or "zh"
	// Replay, when not nil, opens straight into the demo view of this
	// recorded timeline; ReplayName (the file's name) titles it.
	Replay     []trace.Record
	ReplayName string
	// Compare, when set, opens two recorded runs side by side.
	Compare *[2]report.Run
	// Mode, Seed and Speed are the demos' run settings to start with;
	// Speed 0 is the pace of the lessons' listings (time.sleep(1) lasts
	// a second), a replay's 1 the pace it was recorded at.
	Mode  sim.Mode
	Seed  uint64
	Speed float64
	// Scenario, when set, opens this scenario's demo directly.
	Scenario string
	// Program, when set, opens straight into the demo view of this Python
	// program, run under real CPython with the tracer, with ProgramArgs as
	// its arguments. Python is the interpreter (--python; "" for
	// $PROCTOUR_PYTHON, else python3 on PATH), for it and for P.
	Program     string
	ProgramArgs []string
	Python      string
	// Progress is the student's progress, updated and saved as they read,
	// run demos and answer checkpoints; nil keeps it in memory only.
	Progress *lessons.Progress
	// Input and Output replace the terminal (tests); nil means stdin and
	// stdout.
	Input  io.Reader
	Output io.Writer
	// NoColor draws without colour; NO_COLOR in the environment does too.
	NoColor bool
	// Context, when cancelled (SIGTERM), ends the UI as q does.
	Context context.Context
	// Notice is a problem to show on the lesson list from the start, such
	// as a progress file that could not be read.
	Notice string
	// Extra are more program options: an SSH session's input, output,
	// environment, colour profile and window size (package serve).
	Extra []tea.ProgramOption
	// Attach, when set, is given a way to send the program messages (an
	// SSH session's window changes) once it exists.
	Attach func(send func(tea.Msg))
	// Class links the session to the classroom (package serve): following
	// the instructor, the class poll. Nil outside it.
	Class *Class
	// Admit, when set, is asked before every run starts: it may refuse
	// (a cap), or admit it and be told when it is over (release).
	Admit func(scenario string, vars lessons.Vars) (release func(), err error)
	// Projector starts in the projector layout (X switches it).
	Projector bool
}

// ProgressNotSavedError is the progress that could not be written when
// the UI ended: the student has been told in the UI, and the caller
// reports it as a warning, not a failure of the tutorial.
type ProgressNotSavedError struct{ Err error }

func (e ProgressNotSavedError) Error() string { return "progress not saved: " + e.Err.Error() }
func (e ProgressNotSavedError) Unwrap() error { return e.Err }

// shutdownWait is how long Run waits, after quitting, for every demo
// process to be reaped.
const shutdownWait = 10 * time.Second

// Run runs the UI until the user quits or o.Context is cancelled (SIGTERM).
// Every session it started is stopped, and every child process reaped,
// before it returns.
func Run(o Options) (err error) {
	ctx := o.Context
	runs := newRunner()
	runs.admit = o.Admit
	defer func() {
		if v := recover(); v != nil {
			err = errors.Join(err, panicError{value: v})
		}
		if serr := runs.shutdown(shutdownWait); serr != nil {
			err = errors.Join(err, serr)
		}
	}()
	m, err := newApp(o, runs, o.NoColor || os.Getenv("NO_COLOR") != "")
	if err != nil {
		return err
	}
	// proctour handles SIGINT and SIGTERM itself (main cancels o.Context).
	// bubbletea's own handler would send a quit message that nobody reads
	// once the event loop has stopped, and its shutdown waits for that
	// handler: a hang, then a forced exit with the terminal left raw.
	opts := []tea.ProgramOption{tea.WithoutSignalHandler()}
	if o.Input != nil {
		opts = append(opts, tea.WithInput(o.Input))
	}
	if o.Output != nil {
		opts = append(opts, tea.WithOutput(o.Output))
	}
	if ctx != nil {
		opts = append(opts, tea.WithContext(ctx))
	}
	opts = append(opts, o.Extra...)
	p := tea.NewProgram(m, opts...)
	if o.Attach != nil {
		o.Attach(p.Send)
	}
	final, err := p.Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx != nil && ctx.Err() != nil {
		err = nil // stopped from outside (SIGTERM): main decides the exit code
	}
	if a, ok := final.(app); ok {
		if a.err != nil {
			err = a.err
		}
		if ferr := a.saver.flush(a.progress); ferr != nil && err == nil {
			err = ProgressNotSavedError{ferr}
		}
	}
	return err
}
