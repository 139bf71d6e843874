package report

import (
	"fmt"
	"github.com/proctour/proctour/i18n"
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"

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
// ranges dropped).
func Bars(t lessons.Tally, maxBars int) []Bar {
	values := t.Values()
	if len(values) == 0 {
		return nil
	}
	lo, hi := values[0], values[len(values)-1]
	width := max(1, (hi-lo+maxBars)/maxBars)
	var bars []Bar
	for start := lo; start <= hi; start += width {
		b := Bar{From: start, To: min(start+width-1, hi)}
		for v := b.From; v <= b.To; v++ {
			b.Runs += t.Counts[v]
		}
		if b.Runs > 0 || width == 1 { // a single outcome no run had stays, as a gap
			bars = append(bars, b)
		}
	}
	return bars
}

// chartBars is how many bars a text chart draws at the most.
const chartBars = 20

// Outcomes draws how many runs ended with each outcome, a bar each, then
// the range and mean.
//
//	tickets sold    runs
//	           1       3  ███
//	           2      11  ███████████
func Outcomes(w io.Writer, label string, t lessons.Tally, lang string) {
	bars := Bars(t, chartBars)
	most := 0
	for _, b := range bars {
		most = max(most, b.Runs)
	}
	labelW := max(ansi.StringWidth(label), 6)
	fmt.Fprintf(w, "%s  %s\n", PadLeft(label, labelW), PadLeft(i18n.Tr(lang, "runs"), 5))
	for _, b := range bars {
		fmt.Fprintf(w, "%s  %5d  %s\n", PadLeft(b.Label(), labelW), b.Runs, barOf(b.Runs, most, 40))
	}
	if values := t.Values(); len(values) > 0 {
		fmt.Fprintf(w, i18n.Tr(lang, "%d runs; %s from %d to %d, mean %.1f\n"),
			t.Runs, label, values[0], values[len(values)-1], t.Mean())
	}
}

// RepeatLog prints a repeat as it goes: a header, each run's outcome as
// it ends, then the chart.
type RepeatLog struct {
	w     io.Writer
	label string
	lang  string
	col   int
}

// NewRepeatLog starts the log of n runs of sc with the values v.
func NewRepeatLog(w io.Writer, sc *lessons.Scenario, v lessons.Vars, n int, lang string) *RepeatLog {
	label := sc.OutcomeLabelIn(lang)
	head := label + i18n.Tr(lang, ", run by run:")
	fmt.Fprintf(w, "proctour run %s --repeat %d  (%s)\n%s", sc.ID, n, v, head)
	return &RepeatLog{w: w, label: label, lang: lang, col: ansi.StringWidth(head)}
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
	Outcomes(r.w, r.label, t, r.lang)
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
