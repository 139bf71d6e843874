package report

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/proctour/proctour/i18n"
	"github.com/proctour/proctour/lessons"
)

// Bar is one bar of an outcome chart: the runs whose outcome fell in
// From..To.
type Bar struct {
	From, To int
	Runs     int
}

// Label names the bar's outcomes: "4", or "64–67" for a range.
func (b Bar) Label() string {
	if b.To > b.From {
		return fmt.Sprintf("%d–%d", b.From, b.To)
	}
	return fmt.Sprint(b.From)
}

// Bars groups a tally's outcomes into at most maxBars bars, smallest
// first: one bar per outcome when they fit (an outcome between two seen
// ones that no run had is an empty bar), else ranges of equal width (empty
// ranges dropped). Each outcome in keep (a correct run's) has a bar of
// its own, empty or not, never lumped in a range with others.
func Bars(t lessons.Tally, maxBars int, keep ...int) []Bar {
	return SharedBars([]lessons.Tally{t}, maxBars, keep...)[0]
}

// SharedBars are the bars of several tallies, as Bars draws one, over the
// same outcomes: bar i of every tally counts the same values, so that
// charts drawn side by side line up and compare.
func SharedBars(ts []lessons.Tally, maxBars int, keep ...int) [][]Bar {
	out := make([][]Bar, len(ts))
	seen := map[int]bool{}
	for _, t := range ts {
		for v := range t.Counts {
			seen[v] = true
		}
	}
	if len(seen) == 0 && len(keep) == 0 {
		return out
	}
	kept := map[int]bool{}
	for _, k := range keep {
		kept[k] = true
	}
	var lo, hi int
	first := true
	for v := range seen {
		if first || v < lo {
			lo = v
		}
		if first || v > hi {
			hi = v
		}
		first = false
	}
	ranged := max(1, maxBars-len(kept))
	width := max(1, (hi-lo+ranged)/ranged)
	add := func(from, to int, always bool) {
		bars := make([]Bar, len(ts))
		runs := 0
		for i, t := range ts {
			bars[i] = Bar{From: from, To: to}
			for v := from; v <= to; v++ {
				bars[i].Runs += t.Counts[v]
			}
			runs += bars[i].Runs
		}
		if runs > 0 || always {
			for i := range ts {
				out[i] = append(out[i], bars[i])
			}
		}
	}
	keeps := make([]int, 0, len(kept))
	for k := range kept {
		keeps = append(keeps, k)
	}
	slices.Sort(keeps)
	for _, k := range keeps {
		if first || k < lo {
			add(k, k, true)
		}
	}
	for start := lo; !first && start <= hi; {
		if kept[start] {
			add(start, start, true)
			start++
			continue
		}
		end := min(start+width-1, hi)
		for v := start + 1; v <= end; v++ { // a kept outcome ends the range
			if kept[v] {
				end = v - 1
				break
			}
		}
		add(start, end, width == 1) // a single outcome no run had stays, as a gap
		start = end + 1
	}
	for _, k := range keeps {
		if !first && k > hi {
			add(k, k, true)
		}
	}
	return out
}

// chartBars is how many bars a text chart draws at the most.
const chartBars = 20

// Outcomes draws how many runs ended with each outcome, a bar each, then
// the range and mean. The outcomes in correct (a correct run's) have bars
// of their own, marked.
//
//	tickets sold    runs
//	           1       3  ███  ← correct
//	           2      11  ███████████
func Outcomes(w io.Writer, label string, t lessons.Tally, lang string, correct ...int) {
	bars := Bars(t, chartBars, correct...)
	most := 0
	for _, b := range bars {
		most = max(most, b.Runs)
	}
	labelW := max(ansi.StringWidth(label), 6)
	fmt.Fprintf(w, "%s  %s\n", PadLeft(label, labelW), PadLeft(i18n.Tr(lang, "runs"), 5))
	for _, b := range bars {
		bar := barOf(b.Runs, most, 40)
		if b.From == b.To && slices.Contains(correct, b.From) {
			bar = strings.TrimLeft(bar+"  "+i18n.Tr(lang, "← correct"), " ")
		}
		fmt.Fprintf(w, "%s  %5d  %s\n", PadLeft(b.Label(), labelW), b.Runs, bar)
	}
	if values := t.Values(); len(values) > 0 {
		fmt.Fprintf(w, i18n.Tr(lang, "%d runs; %s from %d to %d, mean %.1f\n"),
			t.Runs, label, values[0], values[len(values)-1], t.Mean())
	}
}

// RepeatLog prints a repeat as it goes: a header, each run's outcome as
// it ends, then the chart.
type RepeatLog struct {
	w       io.Writer
	label   string
	lang    string
	col     int
	correct []int // a correct run's outcome, if the scenario says
}

// NewRepeatLog starts the log of n runs of sc with the values v.
func NewRepeatLog(w io.Writer, sc *lessons.Scenario, v lessons.Vars, n int, lang string) *RepeatLog {
	label := sc.OutcomeLabelIn(lang)
	head := label + i18n.Tr(lang, ", run by run:")
	fmt.Fprintf(w, "proctour run %s --repeat %d  (%s)\n%s", sc.ID, n, v, head)
	r := &RepeatLog{w: w, label: label, lang: lang, col: ansi.StringWidth(head)}
	if sc.Outcome != nil && sc.Outcome.Correct != nil {
		r.correct = []int{sc.Outcome.Correct(v)}
	}
	return r
}

// Run prints one run's outcome, if it had one.
func (r *RepeatLog) Run(_ lessons.Tally, v int, ok bool) {
	if !ok {
		return
	}
	word := fmt.Sprintf(" %d", v)
	if r.col+len(word) > 72 {
		fmt.Fprint(r.w, "\n ")
		r.col = 1
	}
	fmt.Fprint(r.w, word) // as each run ends
	r.col += len(word)
}

// Close prints the chart of every run's outcome, and how many runs the
// watchdog stopped or ended without one.
func (r *RepeatLog) Close(t lessons.Tally) {
	fmt.Fprint(r.w, "\n\n")
	Outcomes(r.w, r.label, t, r.lang, r.correct...)
	if t.Stopped > 0 {
		fmt.Fprintf(r.w, i18n.Tr(r.lang, "%d of %d runs were stopped by the watchdog\n"), t.Stopped, t.Runs)
	}
	if unknown := t.Runs - t.Measured; unknown > 0 {
		fmt.Fprintf(r.w, i18n.Tr(r.lang, "%d of %d runs ended without an outcome\n"), unknown, t.Runs)
	}
}

// barOf is a bar of runs out of most, at most width blocks long: at least
// one block for any run at all, none for no run.
func barOf(runs, most, width int) string {
	if runs == 0 {
		return ""
	}
	return strings.Repeat("█", max(runs*width/max(most, 1), 1))
}
