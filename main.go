// Command proctour is a terminal tutorial and simulator for multiprocessing:
// lessons in Python's terms, backed by demos that start real child processes.
//
// The same binary is every child process of a demo: package child hands
// over to the child entry point during package initialisation, before the
// packages only proctour itself needs have initialised and before main.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	_ "github.com/proctour/proctour/child" // a demo's child process stops here, at init
	"github.com/proctour/proctour/lessons"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Exit codes.
const (
	exitOK          = 0
	exitFailed      = 1
	exitUsage       = 2
	exitInterrupted = 130 // Ctrl-C, as shells report SIGINT
	exitTerminated  = 143 // SIGTERM
)

// run executes the command line and decides the exit code; errors are one
// line on stderr.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, stopSignals := context.WithCancelCause(context.Background())
	defer stopSignals(nil)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	// A reader that closes proctour's output (| head -1) ends the command
	// through its context, like Ctrl-C, so that the demo's processes and
	// scratch directory are cleaned up. Catching SIGPIPE makes such a write
	// fail with EPIPE instead of killing proctour; a caught signal, unlike an
	// ignored one, is reset in the children proctour starts.
	pipes := make(chan os.Signal, 1)
	signal.Notify(pipes, syscall.SIGPIPE)
	defer signal.Stop(pipes)
	stdout = closeWatcher{stdout, func() { stopSignals(errOutputClosed) }}
	go func() {
		select {
		case sig := <-sigs:
			stopSignals(signalError{sig})
			// Stopping writes to the terminal (restoring it) and waits for
			// the demo's processes. If the terminal no longer reads (a
			// stalled connection), that never ends: exit anyway. The
			// children die with this process (Pdeathsig, lifeline).
			time.AfterFunc(stopGrace, func() {
				// Restoring writes to the terminal too, which may not
				// read: give it a moment, never more.
				restored := make(chan struct{})
				go func() {
					restoreTerminal()
					fmt.Fprintf(stderr, "proctour: still stopping after %v; exiting anyway\n", stopGrace)
					close(restored)
				}()
				select {
				case <-restored:
				case <-time.After(restoreWait):
				}
				os.Exit(exitCodeFor(sig))
			})
		case <-ctx.Done():
		}
	}()

	lessons.SweepScratch() // directories of demos whose proctour was killed
	err := execute(ctx, args, stdout, stderr)
	var sig signalError
	switch {
	case errors.As(context.Cause(ctx), &sig):
		return exitCodeFor(sig.Signal)
	case err == nil, errors.Is(context.Cause(ctx), errOutputClosed):
		return exitOK
	}
	fmt.Fprintln(stderr, "proctour:", err)
	var u usageError
	if errors.As(err, &u) {
		return exitUsage
	}
	return exitFailed
}

// stopGrace is how long proctour may take to stop after SIGTERM or SIGINT
// before it exits regardless.
const stopGrace = 5 * time.Second

// restoreWait is how long a forced exit waits for the terminal to take the
// sequences that restore it.
const restoreWait = 200 * time.Millisecond

func exitCodeFor(sig os.Signal) int {
	if sig == syscall.SIGTERM {
		return exitTerminated
	}
	return exitInterrupted
}

// usageError is a mistake in the command line: exit code 2.
type usageError struct{ error }

func (u usageError) Unwrap() error { return u.error }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

type signalError struct{ os.Signal }

func (s signalError) Error() string { return "interrupted by " + s.Signal.String() }

// errOutputClosed is the reader of proctour's output going away: the end
// of its interest, not a failure.
var errOutputClosed = errors.New("standard output closed")

// closeWatcher passes writes to w and calls closed when w's reader has
// gone (a broken pipe).
type closeWatcher struct {
	w      io.Writer
	closed func()
}

func (c closeWatcher) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	if errors.Is(err, syscall.EPIPE) {
		c.closed()
	}
	return n, err
}
