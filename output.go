package main

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"slices"
	"unicode/utf8"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/sim"
)

// eventWriter prints a run's events as they come.
type eventWriter interface {
	Write(primitives.Record) error
	Close(timeline []primitives.Record) error
}

// jsonWriter prints the trace: one JSON object a line, nothing else.
type jsonWriter struct{ w io.Writer }

func (j *jsonWriter) Write(r primitives.Record) error          { return sim.WriteRecord(j.w, r) }
func (j *jsonWriter) Close(timeline []primitives.Record) error { return nil }

// textLog prints an aligned, readable log: time, process, listing line, and
// the event in Python terms; then a short summary.
type textLog struct {
	w     *bufio.Writer
	sc    *lessons.Scenario
	width int // of the process column
}

func newTextLog(w io.Writer, sc *lessons.Scenario, v lessons.Vars) *textLog {
	// Wide enough for the names the primitives give (SpawnPoolWorker-12),
	// so that the columns rarely have to move.
	t := &textLog{w: bufio.NewWriter(w), sc: sc, width: len("SpawnPoolWorker-12")}
	title := "proctour run " + sc.ID
	if s := v.String(); s != "" {
		title += "  (" + s + ")"
	}
	fmt.Fprintf(t.w, "%s\n%8s  %-*s  %7s  %4s  %s\n", title, "time", t.width, "process", "pid", "line", "event")
	return t
}

func (t *textLog) Write(r primitives.Record) error {
	if n := utf8.RuneCountInString(r.Proc); n > t.width {
		t.width = n
	}
	line := ""
	if r.Line > 0 {
		line = fmt.Sprintf("L%d", r.Line)
	}
	_, err := fmt.Fprintf(t.w, "%7.3fs  %-*s  %7d  %4s  %s\n", float64(r.TNs)/1e9, t.width, r.Proc, r.Pid, line, sim.Describe(r))
	if r.Kind == primitives.KindStdout || r.Kind == primitives.KindWatchdog {
		t.w.Flush() // a print shows up as it happens
	}
	return err
}

func (t *textLog) Close(timeline []primitives.Record) error {
	st := sim.Fold(timeline)
	fmt.Fprintln(t.w)
	if st.Watchdog != "" {
		fmt.Fprintf(t.w, "The watchdog stopped the demo: %s\n", st.Watchdog)
	}
	for _, f := range st.Files {
		fmt.Fprintf(t.w, "%s now holds %s\n", f.Name, sim.Repr(f.Content))
	}
	exits := map[int]int{}
	for _, p := range st.Procs[1:] {
		exits[p.ExitCode]++
	}
	fmt.Fprintf(t.w, "%d events from %d processes in %.3fs; child exit codes:", len(timeline), len(st.Procs), float64(st.TNs)/1e9)
	for _, code := range slices.Sorted(maps.Keys(exits)) {
		fmt.Fprintf(t.w, " %d×%d", exits[code], code)
	}
	fmt.Fprintln(t.w)
	for _, v := range st.Violations {
		fmt.Fprintf(t.w, "invariant broken: %s\n", v)
	}
	return t.w.Flush()
}
