package tui

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/report"
	"github.com/proctour/proctour/sim"
)

// repeatRuns is how many times k runs a demo.
const repeatRuns = 20

// repeatedMsg is a repeat's outcomes so far: one more run counted. The
// demo starts the next run until there are repeatRuns.
type repeatedMsg struct {
	run    int64
	id     string // the demo
	vars   string // the values it ran with, as Vars.String
	label  string
	values lessons.Vars
	opts   sim.Options
	tally  lessons.Tally
	err    error
}

// repeat runs the demo repeatRuns times with its current values, unless
// a repeat is under way, to chart its outcome: the chart grows as each
// run ends.
func (d demo) repeat() (demo, tea.Cmd) {
	if d.sc == nil || d.sc.Outcome == nil {
		return d.say(true, "this demo has no outcome to count over many runs (tickets and manager have)"), nil
	}
	if d.repeating {
		return d, nil
	}
	d.repeating, d.repeatRun = true, nextRun()
	// headless, only the outcome counts: at least as fast as speed 1,
	// the pace the lessons' "most runs oversell" was measured at
	o := d.sc.Options(max(d.speed, 1), 0)
	o.Mode = sim.Live
	m := repeatedMsg{run: d.repeatRun, id: d.sc.ID, vars: d.vars.String(), label: d.sc.Outcome.Label,
		values: maps.Clone(d.vars), opts: o, tally: lessons.Tally{Counts: map[int]int{}}}
	d = d.keepOutcomes(m)
	return d.say(false, "running it %d times… %d/%d", repeatRuns, 0, repeatRuns), repeatOnce(d.runs, d.sc, m)
}

// repeated takes a repeat's outcomes so far, and starts its next run.
func (d demo) repeated(msg repeatedMsg) (demo, tea.Cmd) {
	if msg.run != d.repeatRun || !d.repeating {
		return d, nil
	}
	if msg.err != nil {
		d.repeating = false
		return d.say(true, "%v", msg.err), nil
	}
	d = d.keepOutcomes(msg)
	// the count goes on in the status bar unless something else was said
	// since (the chart's title counts too)
	counting := d.note == "" || d.note == fmt.Sprintf(tr(d.lang, "running it %d times… %d/%d"), repeatRuns, msg.tally.Runs-1, repeatRuns)
	if msg.tally.Runs < repeatRuns && d.sc != nil {
		if counting {
			d = d.say(false, "running it %d times… %d/%d", repeatRuns, msg.tally.Runs, repeatRuns)
		}
		return d, repeatOnce(d.runs, d.sc, msg)
	}
	d.repeating = false
	if !counting {
		return d, nil
	}
	return d.say(false, "%d runs", msg.tally.Measured), nil
}

// keepOutcomes puts a repeat's outcomes in the charts: they replace those
// of an earlier repeat with the same values.
func (d demo) keepOutcomes(msg repeatedMsg) demo {
	d.outcomes = slices.DeleteFunc(slices.Clone(d.outcomes), func(o repeatedMsg) bool { return o.id == msg.id && o.vars == msg.vars })
	d.outcomes = append(d.outcomes, msg)
	return d
}

// repeatOnce runs the demo once more, headless, and counts its outcome
// into the repeat's.
func repeatOnce(r *runner, sc *lessons.Scenario, so repeatedMsg) tea.Cmd {
	return safe(func() tea.Msg {
		t, err := sc.Repeat(context.Background(), so.values, so.opts, 1, r.start, nil)
		so.tally, so.err = addTally(so.tally, t), err
		return so
	})
}

// addTally is a and b counted together.
func addTally(a, b lessons.Tally) lessons.Tally {
	sum := lessons.Tally{Counts: maps.Clone(a.Counts), Runs: a.Runs + b.Runs, Measured: a.Measured + b.Measured, Stopped: a.Stopped + b.Stopped}
	if sum.Counts == nil {
		sum.Counts = map[int]int{}
	}
	for v, n := range b.Counts {
		sum.Counts[v] += n
	}
	return sum
}

// correct is the outcome of a correct run with the repeat's values, if
// the scenario says.
func (m repeatedMsg) correct(sc *lessons.Scenario) []int {
	if sc == nil || sc.Outcome == nil || sc.Outcome.Correct == nil || m.values == nil {
		return nil
	}
	return []int{sc.Outcome.Correct(m.values)}
}

// outcomeCharts draw the repeats' outcomes of this demo: the latest, and
// beside it, if the screen is wide enough, the one before with other
// values (lock off beside lock on), on the same bars and the same scale.
func (d demo) outcomeCharts(s styles, w int) []string {
	if d.sc == nil || d.sc.Outcome == nil {
		return nil
	}
	var mine []repeatedMsg
	for _, o := range d.outcomes {
		if o.id == d.sc.ID {
			mine = append(mine, o)
		}
	}
	if len(mine) == 0 {
		return nil
	}
	if len(mine) == 1 || w < 100 {
		mine = mine[len(mine)-1:]
	} else {
		mine = mine[len(mine)-2:]
	}
	tallies := make([]lessons.Tally, len(mine))
	var keep []int
	for i, m := range mine {
		tallies[i] = m.tally
		keep = append(keep, m.correct(d.sc)...)
	}
	bars := report.SharedBars(tallies, outcomeBars, keep...)
	label := d.sc.OutcomeLabelIn(s.lang)
	if len(mine) == 1 {
		return outcomeLines(mine[0], label, bars[0], mine[0].correct(d.sc), repeatRuns, s, w)
	}
	half := (w - 3) / 2
	left := outcomeLines(mine[0], label, bars[0], mine[0].correct(d.sc), repeatRuns, s, half)
	right := outcomeLines(mine[1], label, bars[1], mine[1].correct(d.sc), repeatRuns, s, half)
	for len(left) < len(right) {
		left = append(left, "")
	}
	for len(right) < len(left) {
		right = append(right, "")
	}
	return beside(block(left, half, len(left)), right, "   ")
}

// outcomeBars is how many bars the demo view's chart has at the most.
const outcomeBars = 6

// outcomeLines draw a repeat's outcomes, a bar per value or range, the
// correct outcome marked: a bar as long as the chart is wide is every one
// of runs runs, so that charts side by side share a scale.
func outcomeLines(m repeatedMsg, label string, bars []report.Bar, correct []int, runs int, s styles, w int) []string {
	title := fmt.Sprintf(s.tr("%s over %d runs"), label, m.tally.Measured)
	if m.tally.Runs < runs {
		title = fmt.Sprintf(s.tr("%s: %d/%d runs…"), label, m.tally.Runs, runs)
	}
	lines := []string{cut(s.Title.Render(title)+"  "+s.Dim.Render(m.vars), w)}
	barW := max(4, min(40, w-30))
	for _, b := range bars {
		bar := ""
		if b.Runs > 0 {
			bar = s.Held.Render(strings.Repeat("█", max(1, b.Runs*barW/max(runs, 1))))
		}
		if b.From == b.To && slices.Contains(correct, b.From) {
			mark := s.tr("← correct")
			if bar != "" {
				mark = " " + mark
			}
			bar += s.OK.Render(mark)
		}
		lines = append(lines, cut(fmt.Sprintf("%9s  %3d  ", b.Label(), b.Runs)+bar, w))
	}
	return lines
}
