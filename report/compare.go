package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/proctour/proctour/i18n"
	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// Run is one side of a comparison: a trace and what to call it.
type Run struct {
	Name   string // the file's name
	Events []trace.Record
}

// Comparison is where two runs part: the events both have in the same
// order, and the first that differs.
type Comparison struct {
	// A and B are the events compared: the runs' own, without what says
	// how a run was made rather than what it did (its settings).
	A, B []trace.Record
	// Same is how many events, from the start, the runs have in common
	// (kind, process name, object, value and error; not pids nor times).
	// Same == len(A) == len(B): the runs did the same.
	Same int
}

// Diverged reports whether the runs differ.
func (c Comparison) Diverged() bool { return c.Same < len(c.A) || c.Same < len(c.B) }

// Compare lines two runs up event by event and finds the first that
// differs. Pids, times and seq differ from run to run, and are not
// compared; names, objects and values are.
func Compare(a, b []trace.Record) Comparison {
	c := Comparison{A: own(a), B: own(b)}
	for c.Same < len(c.A) && c.Same < len(c.B) && sameStep(c.A[c.Same], c.B[c.Same]) {
		c.Same++
	}
	return c
}

// own drops the records about the run rather than in it (run.*: the
// settings and the ending, which a comparison of two settings would
// otherwise always find different at once).
func own(rs []trace.Record) []trace.Record {
	out := make([]trace.Record, 0, len(rs))
	for _, r := range rs {
		if !strings.HasPrefix(r.Kind, "run.") {
			out = append(out, r)
		}
	}
	return out
}

func sameStep(x, y trace.Record) bool {
	if x.Kind != y.Kind || x.Proc != y.Proc || x.Obj != y.Obj || x.Err != y.Err {
		return false
	}
	switch x.Kind {
	case trace.KindProcStart: // the main script's own pid, a child's ppid
		return true
	}
	return jsonEqual(x.Val, y.Val)
}

func jsonEqual(a, b json.RawMessage) bool {
	if bytes.Equal(a, b) {
		return true
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	ja, _ := json.Marshal(x)
	jb, _ := json.Marshal(y)
	return bytes.Equal(ja, jb)
}

// WriteCompare prints two runs side by side, width columns wide: what
// each is and its outcome, where they part (a few events of both before
// and after, the first difference marked), and every process's end in
// both.
func WriteCompare(w io.Writer, a, b Run, width int, lang string) error {
	if width < 60 {
		width = 60
	}
	c := Compare(a.Events, b.Events)
	var out strings.Builder
	say := func(format string, args ...any) { out.WriteString(i18n.Say(lang, format, args...) + "\n") }
	for _, side := range []struct {
		label string
		run   Run
	}{{"A", a}, {"B", b}} {
		say("%s: %s", side.label, RunTitle(side.run, lang))
	}
	out.WriteString("\n")
	switch {
	case !c.Diverged():
		say("The two runs did the same: %d events, in the same order.", c.Same)
	case c.Same == 0:
		say("The runs differ from their first event.")
	default:
		say("The same first %d events; they part at event %d:", c.Same, c.Same+1)
	}
	col := (width - 5) / 2
	if c.Diverged() {
		out.WriteString("\n")
		out.WriteString("  " + PadRight("A", col) + " │ " + "B" + "\n")
		from, to := max(c.Same-3, 0), c.Same+8
		for i := from; i < to && (i < len(c.A) || i < len(c.B)); i++ {
			mark := "  "
			if i == c.Same {
				mark = "▶ "
			}
			out.WriteString(mark + PadRight(cell(c.A, i, col, lang), col) + " │ " + cell(c.B, i, col, lang) + "\n")
		}
	}
	out.WriteString("\n")
	say("Processes at the end:")
	sa, sb := sim.Fold(a.Events), sim.Fold(b.Events)
	for _, name := range procNames(sa, sb) {
		out.WriteString("  " + PadRight(name, 14) + " " + PadRight(procEnd(sa, name, lang), col-15) + " │ " + procEnd(sb, name, lang) + "\n")
	}
	_, err := io.WriteString(w, out.String())
	return err
}

// RunTitle says what a run is: its scenario and values where the trace
// says them, its outcome, and its file.
func RunTitle(r Run, lang string) string {
	id := ""
	for _, e := range r.Events {
		if e.Kind == trace.KindProcStart && e.PPid == 0 {
			json.Unmarshal(e.Val, &id)
			break
		}
	}
	parts := []string{r.Name}
	if id != "" {
		parts = append(parts, id)
	}
	st := sim.Fold(r.Events)
	if st.Run != nil { // its values, mode and seed, as run.begin says them
		if t := sim.SettingsText(*st.Run); !t.IsZero() {
			parts = append(parts, t.In(lang))
		}
	}
	if sc, err := lessons.Lookup(id); err == nil && sc.Outcome != nil {
		if v, ok := sc.Outcome.Measure(r.Events); ok {
			parts = append(parts, fmt.Sprintf("%s = %d", sc.OutcomeLabelIn(lang), v))
		}
	}
	if st.Watchdog != "" {
		parts = append(parts, i18n.Say(lang, "stopped by the watchdog"))
	}
	parts = append(parts, i18n.Say(lang, "%d events", len(r.Events)))
	return strings.Join(parts, " · ")
}

// cell is event i of rs as "proc  what it did", cut to width.
func cell(rs []trace.Record, i, width int, lang string) string {
	if i >= len(rs) {
		return i18n.Tr(lang, "(ended)")
	}
	r := rs[i]
	return ansi.Truncate(r.Proc+"  "+sim.DescribeIn(r, lang), width, "…")
}

// procNames are the processes of both runs by name, in order of first
// appearance, A's first.
func procNames(a, b *sim.State) []string {
	var names []string
	seen := map[string]bool{}
	for _, st := range []*sim.State{a, b} {
		for _, p := range st.Procs {
			if !seen[p.Name] {
				seen[p.Name] = true
				names = append(names, p.Name)
			}
		}
	}
	return names
}

func procEnd(st *sim.State, name string, lang string) string {
	for _, p := range st.Procs {
		if p.Name != name {
			continue
		}
		if p.Status == sim.Exited {
			return i18n.Say(lang, "exit code %d", p.ExitCode)
		}
		if p.On != "" {
			return i18n.Say(lang, "still waiting: %s", p.On)
		}
		return i18n.Tr(lang, "did not end")
	}
	return i18n.Tr(lang, "(not in this run)")
}
