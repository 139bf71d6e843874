package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/pytrace"
	"github.com/proctour/proctour/report"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// runProgram is proctour run on a Python program: the program under real
// CPython with proctour's tracer, printed as for a scenario.
func runProgram(cmd *cobra.Command, args []string, f runFlags, stdout io.Writer) error {
	prog, rest := args[0], args[1:]
	if n := cmd.ArgsLenAtDash(); n > 1 {
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
	if f.mode != "live" {
		return usagef("--mode %s: a Python program runs live for now (step and seeded modes are not yet there for real Python)", f.mode)
	}
	lang, err := resolveLang(f.lang)
	if err != nil {
		return usageError{err}
	}
	r, err := pytrace.Start(pytrace.Options{Python: f.python, Program: prog, Args: rest, Timeout: f.timeout})
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
			if f.format == "text" {
				out = report.NewTextLog(stdout, &lessons.Scenario{ID: filepath.Base(prog)}, nil, lang)
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
		if holding && (rec.Proc == "MainProcess" && (rec.Kind == trace.KindProcStart || rec.Kind == trace.KindProcExit) || rec.Kind == trace.KindStdout && rec.Obj == "stderr") {
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
	return demoOutcome(filepath.Base(prog), sim.Fold(r.Timeline()), lang)
}
