package tui

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"

	tea "charm.land/bubbletea/v2"
)

// play plays a replay, or a run that has ended, in time from event from.
func (d demo) play(from int) (demo, tea.Cmd) {
	if from >= len(d.timeline) {
		from = 0
	}
	d = d.navigate(Seek, from)
	d.playNs = 0
	if from > 0 {
		d.playNs = d.timeline[from-1].TNs
	}
	d.playing = true
	d.run = nextRun()
	return d, playTick(d.run)
}

// playStep advances a replay's clock by one tick, at the chosen speed.
func (d demo) playStep(msg playTickMsg) (demo, tea.Cmd) {
	if !d.playing || !d.owns(msg.run) {
		return d, nil
	}
	rate := d.playRate()
	d.playNs += int64(float64(30*time.Millisecond) * rate)
	var n int
	n, d.playNs = PlayTo(len(d.timeline), func(i int) int64 { return d.timeline[i].TNs }, d.pb.Cursor, d.playNs, int(rate))
	d = d.navigate(Seek, n)
	if n == len(d.timeline) {
		d.playing = false
		return d, nil
	}
	return d, playTick(d.run)
}

// listingLines are sc's listing lines, which the events' lines point
// into; nil without a scenario.
func listingLines(sc *lessons.Scenario) []string {
	if sc == nil || sc.Listing == nil {
		return nil
	}
	return sc.Listing.Lines()
}

// replayHeader is a trace's run.begin, read; nil in a trace from before
// it.
func replayHeader(timeline []trace.Record) *trace.RunBegin {
	if len(timeline) == 0 || timeline[0].Kind != trace.KindRunBegin {
		return nil
	}
	var b trace.RunBegin
	json.Unmarshal(timeline[0].Val, &b)
	return &b
}

// replayScenario is the id of the scenario a trace is a run of: its
// run.begin's, or in a trace from before it, MainProcess's proc.start's.
func replayScenario(timeline []trace.Record, b *trace.RunBegin) string {
	if b != nil {
		return b.Scenario
	}
	if len(timeline) > 0 && timeline[0].Kind == trace.KindProcStart {
		var id string
		json.Unmarshal(timeline[0].Val, &id)
		return id
	}
	return ""
}

// replayVars are the values a replayed run had, as sc takes them (its
// defaults for a value the trace lacks or sc does not allow), so that the
// listing shows the constants the run had.
func replayVars(sc *lessons.Scenario, vars map[string]string) lessons.Vars {
	if sc == nil {
		return lessons.Vars(vars)
	}
	v, _ := sc.Resolve(nil)
	for k, x := range vars {
		if one, err := sc.Resolve([]string{k + "=" + x}); err == nil {
			v[k] = one[k]
		}
	}
	return v
}

// statusIn is statusInfo with, in a replay, the settings the run had
// (values, mode and seed) in lang.
func (d demo) statusIn(lang string) statusInfo {
	in := d.statusInfo()
	if d.replay && d.begin != nil {
		b := *d.begin
		b.Speed = 0 // the status bar's speed is the replay's
		in.Vars = sim.SettingsText(b).In(lang)
	}
	return in
}

// endLines are how the run ended, once the cursor has reached run.end:
// stopped, or the main script's exit code, and the scenario's outcome;
// in a replay of a trace that ends early, at its last event, that it does.
func (d demo) endLines(s styles, w int) []string {
	var text string
	style := s.OK
	switch {
	case d.st.End != nil:
		e := *d.st.End
		if e.StoppedBy != "" || e.Exit != 0 {
			style = s.Warn
		}
		end := sim.EndText(e).In(s.lang)
		if d.sc != nil && e.Outcome != nil && d.sc.Outcome != nil && e.OutcomeLabel == d.sc.Outcome.Label {
			// the scenario's own label in this language
			n := *e.Outcome
			e.Outcome = nil
			end = sim.EndText(e).In(s.lang) + fmt.Sprintf(s.tr("; %s: %d"), d.sc.OutcomeLabelIn(s.lang), n)
		}
		text = fmt.Sprintf(s.tr("■ the run ended: %s"), end)
	case d.replay && d.early && d.pb.AtEnd():
		text, style = s.tr("⚠ the trace ends here, early: it has no run.end, so the run it records went on (it was cut short)"), s.Warn
	default:
		return nil
	}
	lines := strings.Split(ansi.Wordwrap(text, w, ""), "\n")
	for i, l := range lines {
		lines[i] = style.Render(l)
	}
	return lines
}
