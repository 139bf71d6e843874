package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"github.com/proctour/proctour/i18n"
	"io"
	"maps"
	"slices"
	"unicode/utf8"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// EventWriter prints a run's events as they come, then a summary.
type EventWriter interface {
	Write(trace.Record) error
	Close(timeline []trace.Record) error
}

// NewJSON prints the trace: one JSON object a line, nothing else.
func NewJSON(w io.Writer) EventWriter { return &jsonWriter{w: w} }

type jsonWriter struct{ w io.Writer }

func (j *jsonWriter) Write(r trace.Record) error          { return trace.Write(j.w, r) }
func (j *jsonWriter) Close(timeline []trace.Record) error { return nil }

// textLog prints an aligned, readable log: time, process, listing line, and
// the event in Python terms (its comments in lang); then a short summary.
type textLog struct {
	w     *bufio.Writer
	sc    *lessons.Scenario
	lang  string
	width int // of the process column
}

// NewTextLog prints an aligned log of a run of sc with the values v, its
// comments and summary in lang.
func NewTextLog(w io.Writer, sc *lessons.Scenario, v lessons.Vars, lang string) EventWriter {
	// Wide enough for the names the primitives give (SpawnPoolWorker-12),
	// so that the columns rarely have to move.
	t := &textLog{w: bufio.NewWriter(w), sc: sc, lang: lang, width: len("SpawnPoolWorker-12")}
	title := "proctour run " + sc.ID
	if s := v.String(); s != "" {
		title += "  (" + s + ")"
	}
	fmt.Fprintf(t.w, "%s\n%s  %s  %s  %s  %s\n", title, PadLeft(i18n.Tr(lang, "time"), 8),
		PadRight(i18n.Tr(lang, "process"), t.width), PadLeft("pid", 7), PadLeft(i18n.Tr(lang, "line"), 4), i18n.Tr(lang, "event"))
	return t
}

func (t *textLog) Write(r trace.Record) error {
	proc := r.Proc
	if r.Host != "" { // a process of another machine: which one
		proc += "@" + r.Host
	}
	if n := utf8.RuneCountInString(proc); n > t.width {
		t.width = n
	}
	line := ""
	if r.Line > 0 {
		line = fmt.Sprintf("L%d", r.Line)
	}
	desc := sim.DescribeIn(r, t.lang)
	if t.sc.Listing == nil { // a Python program's: its names are its own
	} else if src := t.sc.Listing.Lines(); r.Line > 0 && r.Line <= len(src) {
		desc = sim.InListing(desc, r.Obj, src[r.Line-1]) // the call as the listing's line names it
	}
	_, err := fmt.Fprintf(t.w, "%7.3fs  %-*s  %7d  %4s  %s\n", float64(r.TNs)/1e9, t.width, proc, r.Pid, line, desc)
	if r.Kind == trace.KindStdout || r.Kind == trace.KindWatchdog {
		t.w.Flush() // a print shows up as it happens
	}
	return err
}

func (t *textLog) Close(timeline []trace.Record) error {
	st := sim.Fold(timeline)
	fmt.Fprintln(t.w)
	lang := t.lang
	if st.Watchdog != "" {
		fmt.Fprintf(t.w, i18n.Tr(lang, "The watchdog stopped the demo: %s\n"), st.WatchdogIn(lang))
	}
	for _, f := range st.Files {
		fmt.Fprintf(t.w, i18n.Tr(lang, "%s now holds %s\n"), f.Name, sim.Repr(f.Content))
	}
	if t.sc.Outcome != nil {
		if n, ok := t.sc.Outcome.Measure(timeline); ok {
			fmt.Fprintf(t.w, i18n.Tr(lang, "%s: %d\n"), t.sc.OutcomeLabelIn(lang), n)
		}
	}
	exits := map[int]int{}
	for _, p := range st.Procs[1:] {
		exits[p.ExitCode]++
	}
	fmt.Fprintf(t.w, i18n.Tr(lang, "%d events from %d processes in %.3fs; child exit codes:"),
		processEvents(timeline), len(st.Procs), float64(st.TNs)/1e9)
	for _, code := range slices.Sorted(maps.Keys(exits)) {
		fmt.Fprintf(t.w, " %d×%d", exits[code], code)
	}
	fmt.Fprintln(t.w)
	for _, v := range st.Violations {
		fmt.Fprintf(t.w, i18n.Tr(lang, "invariant broken: %s\n"), v)
	}
	if n := len(timeline); n > 0 && timeline[n-1].Kind == trace.KindRunEnd {
		var end trace.RunEnd
		if json.Unmarshal(timeline[n-1].Val, &end) == nil && end.Schedule != "" {
			fmt.Fprintf(t.w, i18n.Tr(lang, "schedule: %s (--schedule with it re-executes this interleaving)\n"), end.Schedule)
		}
	}
	return t.w.Flush()
}

// processEvents counts the events of the processes: not run.begin and
// run.end, which are the run's.
func processEvents(timeline []trace.Record) int {
	n := 0
	for _, r := range timeline {
		if r.Kind != trace.KindRunBegin && r.Kind != trace.KindRunEnd {
			n++
		}
	}
	return n
}
