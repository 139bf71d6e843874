package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/proctour/proctour/report"
	"github.com/proctour/proctour/trace"
)

// newExportCmd is `proctour export TRACE.jsonl --perfetto OUT.json`: a
// saved trace converted for another tool to open.
func newExportCmd(stdout, stderr io.Writer) *cobra.Command {
	var perfetto string
	cmd := &cobra.Command{
		Use:   "export TRACE.jsonl --perfetto OUT.json",
		Short: "Convert a trace for Perfetto (ui.perfetto.dev) or chrome://tracing",
		Long: `Convert a trace — saved with 's' in the demo view, or written by
'proctour run SCENARIO --format json' — into the Chrome/Perfetto JSON trace
format, to open in https://ui.perfetto.dev or chrome://tracing: a track per
process, lock and semaphore holds and waits, semaphore and queue counters,
and arrows from each put to its get, each send to its recv, each submit to
its tasks. OUT.json '-' writes it to standard output. In the demo view, 'e'
writes the same for the run on screen.`,
		Example: `  proctour run prodcons --format json > prodcons.jsonl
  proctour export prodcons.jsonl --perfetto prodcons.json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("export needs exactly one trace file (proctour export TRACE.jsonl --perfetto OUT.json)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if perfetto == "" {
				return usagef("export needs --perfetto OUT.json (the one format it writes so far; '-' for standard output)")
			}
			return exportPerfetto(args[0], perfetto, stdout, stderr)
		},
	}
	cmd.Flags().StringVar(&perfetto, "perfetto", "", "write Chrome/Perfetto JSON trace events to this file ('-': standard output)")
	return cmd
}

func exportPerfetto(in, out string, stdout, stderr io.Writer) error {
	events, err := readExportTrace(in)
	if err != nil {
		return usageError{err}
	}
	evs := report.PerfettoEvents(events)
	var buf bytes.Buffer
	if err := report.WritePerfetto(&buf, evs); err != nil {
		return err
	}
	if out == "-" {
		if _, err := stdout.Write(buf.Bytes()); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		fmt.Fprintf(stderr, "wrote %s to standard output\n", phaseCounts(evs))
		return nil
	}
	if err := writeFileAtomic(out, buf.Bytes()); err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the temporary file's name says nothing to the user
		}
		return fmt.Errorf("export: cannot write %s: %w", out, err)
	}
	fmt.Fprintf(stdout, "wrote %s to %s: open it at https://ui.perfetto.dev\n", phaseCounts(evs), out)
	return nil
}

// readExportTrace reads and checks a trace file ('-': standard input).
func readExportTrace(path string) ([]trace.Record, error) {
	var r io.Reader = os.Stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
		defer f.Close()
		r = f
	}
	events, err := trace.Read(r)
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", path, err)
	}
	return events, nil
}

// writeFileAtomic writes b to path through a temporary file in the same
// directory, so that a failed export leaves no half-written file.
func writeFileAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// phaseCounts says how many trace events of each phase were written:
// "412 trace events: C 40, M 24, X 150, …".
func phaseCounts(events []report.TraceEvent) string {
	n := map[string]int{}
	for _, e := range events {
		n[e.Ph]++
	}
	var parts []string
	for _, ph := range slices.Sorted(maps.Keys(n)) {
		parts = append(parts, fmt.Sprintf("%s %d", ph, n[ph]))
	}
	return fmt.Sprintf("%d trace events (%s)", len(events), strings.Join(parts, ", "))
}
