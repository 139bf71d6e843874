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

// repeatedMsg is the outcome of every run of a repeat.
type repeatedMsg struct {
	run   int64
	id    string // the demo
	vars  string // the values it ran with, as Vars.String
	label string
	tally lessons.Tally
	err   error
}

// repeat runs the demo repeatRuns times with its current values, unless
// a repeat is under way, to chart its outcome.
func (d demo) repeat() (demo, tea.Cmd) {
	if d.sc == nil || d.sc.Outcome == nil {
		return d.say(true, "this demo has no outcome to count over many runs (tickets and manager have)"), nil
	}
	if d.repeating {
		return d, nil
	}
	d.repeating, d.repeatRun = true, nextRun()
	return d.say(false, "running it %d times…", repeatRuns), repeatScenario(d.runs, d.repeatRun, d.sc, maps.Clone(d.vars), d.sc.Options(d.speed, 0))
}

// repeated takes the outcomes of a repeat: they replace those of an
// earlier repeat with the same values.
func (d demo) repeated(msg repeatedMsg) demo {
	if msg.run != d.repeatRun {
		return d
	}
	d.repeating = false
	if msg.err != nil {
		return d.say(true, "%v", msg.err)
	}
	d.outcomes = slices.DeleteFunc(slices.Clone(d.outcomes), func(o repeatedMsg) bool { return o.id == msg.id && o.vars == msg.vars })
	d.outcomes = append(d.outcomes, msg)
	return d.say(false, "%d runs", msg.tally.Measured)
}

// repeatScenario runs the demo repeatRuns times, headless and one after
// another, and counts its outcomes.
func repeatScenario(r *runner, run int64, sc *lessons.Scenario, vars lessons.Vars, o sim.Options) tea.Cmd {
	return safe(func() tea.Msg {
		o.Mode = sim.Live
		t, err := sc.Repeat(context.Background(), vars, o, repeatRuns, r.start, nil)
		return repeatedMsg{run: run, id: sc.ID, vars: vars.String(), label: sc.Outcome.Label, tally: t, err: err}
	})
}

// outcomeCharts draw the repeats' outcomes of this demo: the latest, and
// beside it, if the screen is wide enough, the one before with other
// values (lock off beside lock on).
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
	chart := func(o repeatedMsg, w int) []string {
		o.label = d.sc.OutcomeLabelIn(s.lang)
		return outcomeLines(&o, s, w)
	}
	last := mine[len(mine)-1]
	if len(mine) == 1 || w < 100 {
		return chart(last, w)
	}
	half := (w - 3) / 2
	left, right := chart(mine[len(mine)-2], half), chart(last, half)
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

// outcomeLines draw a repeat's outcomes, a bar per value or range.
func outcomeLines(m *repeatedMsg, s styles, w int) []string {
	lines := []string{cut(s.Title.Render(fmt.Sprintf(s.tr("%s over %d runs"), m.label, m.tally.Measured))+"  "+s.Dim.Render(m.vars), w)}
	bars := report.Bars(m.tally, outcomeBars)
	most := 0
	for _, b := range bars {
		most = max(most, b.Runs)
	}
	barW := max(4, min(40, w-24))
	for _, b := range bars {
		n := max(1, b.Runs*barW/max(most, 1))
		lines = append(lines, cut(fmt.Sprintf("%9s  %3d  ", b.Label(), b.Runs)+s.Held.Render(strings.Repeat("█", n)), w))
	}
	return lines
}
