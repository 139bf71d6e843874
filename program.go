package main

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/pytrace"
	"github.com/proctour/proctour/report"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// pythonBare is --python given without a path: the default interpreter.
const pythonBare = "default"

// pythonPath reads --python: alone (pythonBare), it takes the positional
// argument right after the first one as its path, as `--python PATH` was
// read before --python alone meant anything; it returns the arguments
// without it, where -- was among them (cmd.ArgsLenAtDash) and the
// interpreter ("" for the default).
func pythonPath(cmd *cobra.Command, args []string, python string) ([]string, int, string) {
	dash := cmd.ArgsLenAtDash()
	if python != pythonBare {
		return args, dash, python
	}
	if len(args) >= 2 && (dash < 0 || dash >= 2) {
		if dash > 0 {
			dash--
		}
		return append(args[:1:1], args[2:]...), dash, args[1]
	}
	return args, dash, ""
}

// runProgram is proctour run on a Python program: the program under real
// CPython with proctour's tracer, printed as for a scenario. dash is where
// -- was among args.
func runProgram(cmd *cobra.Command, args []string, dash int, f runFlags, stdout io.Writer) error {
	prog, rest := args[0], args[1:]
	if dash > 1 {
		return usagef("run %s: put the program's arguments after --, got %q", prog, args[1])
	}
	if f.format != "text" && f.format != "json" {
		return usagef("--format %q: want text or json", f.format)
	}
	if cmd.Flags().Changed("timeout") && f.timeout < minTimeout {
		return usagef("--timeout %v: want a duration of at least %v, such as 30s", f.timeout, minTimeout)
	}
	for _, name := range []string{"set", "repeat", "speed"} {
		if cmd.Flags().Changed(name) {
			return usagef("--%s is for scenarios; a Python program takes its own arguments after --", name)
		}
	}
	mode, err := pythonMode(cmd, f)
	if err != nil {
		return err
	}
	lang, err := resolveLang(f.lang)
	if err != nil {
		return usageError{err}
	}
	o := pytrace.Options{Python: f.python, Program: prog, Args: rest, Timeout: f.timeout, Mode: mode, Seed: f.seed, Auto: true}
	if o.Schedule, err = scheduleFlags(cmd, f); err != nil {
		return err
	}
	return traceProgram(cmd, o, &lessons.Scenario{ID: filepath.Base(prog)}, nil, f.format, lang, stdout)
}

// runListing is proctour run SCENARIO --python: the scenario's listing, at
// the variant values, saved under its script name in a private directory
// (its working directory: the files it makes stay there) and run as
// runProgram runs a program.
func runListing(cmd *cobra.Command, id string, f runFlags, stdout io.Writer) error {
	sc, vars, err := scenarioRun(cmd, id, f)
	if err != nil {
		return err
	}
	for _, name := range []string{"repeat", "speed"} {
		if cmd.Flags().Changed(name) {
			return usagef("--%s is for the Go demo; --python runs the listing once, at Python's own speed", name)
		}
	}
	mode, err := pythonMode(cmd, f)
	if err != nil {
		return err
	}
	lang, err := resolveLang(f.lang)
	if err != nil {
		return usageError{err}
	}
	dir, err := os.MkdirTemp("", "proctour-listing-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	prog := filepath.Join(dir, sc.ScriptName())
	if err := os.WriteFile(prog, []byte(sc.Program(lang, vars)), 0o600); err != nil {
		return err
	}
	o := pytrace.Options{Python: f.python, Program: prog, Dir: dir, Timeout: cmp.Or(f.timeout, sc.ListingTimeout()),
		Scenario: sc.ID, Vars: vars, Mode: mode, Seed: f.seed, Auto: true}
	if o.Schedule, err = scheduleFlags(cmd, f); err != nil {
		return err
	}
	if sc.Outcome != nil {
		o.Outcome, o.OutcomeLabel = sc.Outcome.Measure, sc.Outcome.Label
	}
	return traceProgram(cmd, o, sc, vars, f.format, lang, stdout)
}

// pythonMode reads --mode and --seed for real Python: live, step (headless,
// so the oldest operation that can proceed goes next, as if someone kept
// pressing space) or seeded; a seed means something in seeded mode only.
func pythonMode(cmd *cobra.Command, f runFlags) (sim.Mode, error) {
	mode, err := sim.ParseMode(f.mode)
	if err != nil {
		return sim.Live, usagef("--%v", err)
	}
	if cmd.Flags().Changed("seed") && mode != sim.Seeded {
		return sim.Live, usagef("--seed %d: a seed drives --mode seeded; this run's mode is %s", f.seed, mode)
	}
	return mode, nil
}

// traceProgram runs o's program under the tracer and prints its events to
// stdout as the log of sc at vars (text) or as the trace (json).
func traceProgram(cmd *cobra.Command, o pytrace.Options, sc *lessons.Scenario, vars lessons.Vars, format, lang string, stdout io.Writer) error {
	r, err := pytrace.Start(o)
	if err != nil {
		var in *pytrace.InputError
		if errors.As(err, &in) {
			return usageError{err}
		}
		return err
	}
	go func() {
		select {
		case <-cmd.Context().Done():
			r.Stop()
		case <-r.Done():
		}
	}()
	var out report.EventWriter // made at the first record: a rejected program prints nothing but its error
	open := func() {
		if out == nil {
			out = report.NewJSON(stdout)
			if format == "text" {
				out = report.NewTextLog(stdout, sc, vars, lang)
			}
		}
	}
	// What a program that python3 rejects (a syntax error) prints is held
	// back: that run ends in one line of error instead.
	var held []trace.Record
	holding := true
	var werr error
	write := func(rec trace.Record) {
		open()
		if werr == nil {
			if werr = out.Write(rec); werr != nil {
				r.Stop()
			}
		}
	}
	for rec := range r.Events() {
		if holding && (rec.Proc == "MainProcess" && (rec.Kind == trace.KindProcStart || rec.Kind == trace.KindProcExit) ||
			rec.Kind == trace.KindStdout && rec.Obj == "stderr" || rec.Kind == trace.KindRunBegin || rec.Kind == trace.KindRunEnd) {
			held = append(held, rec)
			continue
		}
		if holding {
			holding = false
			for _, h := range held {
				write(h)
			}
		}
		write(rec)
	}
	<-r.Done()
	if err := r.Err(); err != nil {
		var in *pytrace.InputError
		if errors.As(err, &in) {
			return usageError{err}
		}
		return err
	}
	if holding {
		for _, h := range held {
			write(h)
		}
	}
	if werr != nil {
		return fmt.Errorf("write: %w", werr)
	}
	open()
	if err := out.Close(r.Timeline()); err != nil {
		return err
	}
	return demoOutcome(sc.ID, sim.Fold(r.Timeline()), lang)
}
