package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/charmbracelet/x/ansi"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/proctour/proctour/trace"
	"github.com/proctour/proctour/tui"
)

// Smallest terminal the tutorial lays out in.
const minWidth, minHeight = 80, 24

// openUI starts the terminal UI, after checking that there is a terminal to
// draw on and that it is big enough.
func openUI(cmd *cobra.Command, opts tui.Options) error {
	in, out := os.Stdin, os.Stdout
	if !term.IsTerminal(in.Fd()) || !term.IsTerminal(out.Fd()) {
		return fmt.Errorf("the tutorial needs an interactive terminal; for a headless run use 'proctour run SCENARIO' ('proctour list' shows them)")
	}
	if w, h, err := term.GetSize(out.Fd()); err == nil && (w < minWidth || h < minHeight) {
		return errors.New(tooSmall(w, h))
	}
	if st, err := term.GetState(in.Fd()); err == nil {
		terminalState.Store(&savedTerminal{fd: in.Fd(), out: out, state: st})
		defer terminalState.Store(nil)
	}
	opts.Input, opts.Output = in, out
	opts.Context = cmd.Context()
	err := tui.Run(opts)
	if _, ok := err.(tui.ProgressNotSavedError); ok {
		// Said in the UI already; the tutorial itself did not fail.
		fmt.Fprintf(cmd.ErrOrStderr(), "proctour: warning: %v\n", err)
		return nil
	}
	return err
}

// tooSmall says the terminal is too small in one line that fits its
// width after main's "proctour: ": the longest of the ways to say it that
// does.
func tooSmall(w, h int) string {
	says := []string{
		fmt.Sprintf("the terminal is %d×%d; proctour needs at least %d×%d", w, h, minWidth, minHeight),
		fmt.Sprintf("terminal %d×%d, needs %d×%d", w, h, minWidth, minHeight),
		fmt.Sprintf("needs %d×%d", minWidth, minHeight),
	}
	for _, s := range says[:len(says)-1] {
		if len("proctour: ")+ansi.StringWidth(s) <= w {
			return s
		}
	}
	return says[len(says)-1]
}

// savedTerminal is the terminal as it was before the UI took it over.
type savedTerminal struct {
	fd    uintptr
	out   *os.File
	state *term.State
}

// terminalState is set while the UI owns the terminal.
var terminalState atomic.Pointer[savedTerminal]

// restoreTerminal puts the terminal back as it was before the UI, for an
// exit that cannot wait for the UI to do it: leave the alternate screen,
// show the cursor, turn off the input modes the UI may have asked for
// (mouse, focus, bracketed paste, keyboard enhancements) and restore the line
// discipline (echo, canonical input).
func restoreTerminal() {
	t := terminalState.Load()
	if t == nil {
		return
	}
	t.out.WriteString(ansi.ResetModeMouseButtonEvent + ansi.ResetModeMouseAnyEvent + ansi.ResetModeMouseExtSgr +
		ansi.ResetModeFocusEvent + ansi.ResetModeBracketedPaste + ansi.ResetModifyOtherKeys + ansi.PopKittyKeyboard(1) +
		ansi.ResetModeAltScreenSaveCursor + ansi.ShowCursor)
	term.Restore(t.fd, t.state)
}

func newReplayCmd() *cobra.Command {
	var langFlag string
	cmd := &cobra.Command{
		Use:   "replay FILE",
		Short: "Open a recorded trace in the demo view, to step through and scrub",
		Long: `Open a trace — saved with 's' in the demo view, or written by
'proctour run SCENARIO --format json' — in the demo view, with the same
controls as a live demo. FILE is a path, '-' for standard input, or the
name of a trace the demo view saved (in the traces directory beside the
progress: $XDG_STATE_HOME/proctour/traces).`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("replay needs exactly one trace file")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			lang, err := resolveLang(langFlag)
			if err != nil {
				return usageError{err}
			}
			events, err := readTraceFile("replay", args[0])
			if err != nil {
				return usageError{err}
			}
			// esc leads to the course: the student's, read and saved as
			// the tutorial itself does.
			progress, warn := loadProgress()
			opts := tui.Options{Lang: lang, Replay: events, ReplayName: filepath.Base(args[0]), Seed: 1, Progress: progress}
			if warn != nil {
				opts.Notice = warn.Error()
			}
			return openUI(cmd, opts)
		},
	}
	cmd.Flags().StringVar(&langFlag, "lang", "", "language of the screen: en or zh (default: from LC_ALL or LANG)")
	return cmd
}

// readTraceFile reads a trace for the command (or flag) what: from the
// file at path, a name the demo view saved, or "-" (standard input); an
// error says what, as the user typed it.
func readTraceFile(what, path string) ([]trace.Record, error) {
	var r io.Reader = os.Stdin
	if path != "-" {
		f, err := os.Open(path)
		if errors.Is(err, fs.ErrNotExist) && !strings.ContainsRune(path, filepath.Separator) {
			// a name the demo view saved: in the traces directory
			if dir, derr := tui.TracesDir(); derr == nil {
				if g, gerr := os.Open(filepath.Join(dir, path)); gerr == nil {
					f, err = g, nil
				}
			}
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		defer f.Close()
		r = f
	}
	events, err := trace.Read(r)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", what, path, err)
	}
	return events, nil
}
