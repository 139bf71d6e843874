package tui

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/report"
	"github.com/proctour/proctour/sim"
)

// speeds are the speed factors +/- step through.
var speeds = []float64{0.1, 0.25, 0.5, 1, 2, 4, 10}

// update handles the demo's keys and the messages of its run.
func (d demo) update(msg tea.Msg) (demo, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return d.handleKey(msg)
	case runStartedMsg:
		if !d.owns(msg.run) {
			return d, nil
		}
		if msg.err != nil {
			d.running = false
			return d.say(true, "could not start: %v", msg.err), nil
		}
		d.sess = msg.sess
		return d, waitBatch(d.sess, d.run, 0, nil)
	case batchMsg:
		if !d.owns(msg.run) || d.sess == nil {
			return d, nil
		}
		d.timeline = append(d.timeline, msg.events...)
		d.pending = msg.pending
		d = d.navigate(Arrived, len(msg.events))
		if msg.done {
			d.running, d.pending = false, nil
			if d.sc != nil && !d.replay {
				d.notes = append(slices.Clip(d.notes), demoEndedMsg{id: d.sc.ID})
				if g := d.guessed; g != nil {
					var right bool
					d, right = d.reveal()
					d.notes = append(d.notes, predictedMsg{lesson: d.sc.Lesson, id: g.ID, right: right})
				}
				return d, nil
			}
			return d, nil
		}
		return d, waitBatch(d.sess, d.run, len(d.timeline), d.pending)
	case releasedMsg:
		if d.owns(msg.run) && msg.err != nil && !errors.Is(msg.err, sim.ErrBusy) {
			return d.refused(msg.err), nil
		}
		return d, nil
	case savedMsg:
		if msg.err != nil {
			return d.say(true, "%v", msg.err), nil
		}
		return d.say(false, "saved %s", msg.path), nil
	case playTickMsg:
		return d.playStep(msg)
	case repeatedMsg:
		if msg.run != d.repeatRun {
			return d, nil
		}
		d.repeating = false
		if msg.err != nil {
			return d.say(true, "%v", msg.err), nil
		}
		d.outcomes = slices.DeleteFunc(slices.Clone(d.outcomes), func(o repeatedMsg) bool { return o.id == msg.id && o.vars == msg.vars })
		d.outcomes = append(d.outcomes, msg)
		return d.say(false, "%d runs", msg.tally.Measured), nil
	}
	return d, nil
}

func (d demo) handleKey(msg tea.KeyPressMsg) (demo, tea.Cmd) {
	k := d.keys
	if d.nothing {
		return d, nil
	}
	d.note = ""
	if d.predicting != nil {
		return d.predictKey(msg)
	}
	if d.editing != nil {
		return d.editKey(msg)
	}
	switch {
	case key.Matches(msg, k.Run):
		if d.replay {
			return d.play(0)
		}
		return d.start()
	case key.Matches(msg, k.Pause):
		if d.replay {
			if d.playing {
				d.playing = false
				return d, nil
			}
			return d.play(d.pb.Cursor)
		}
		d = d.navigate(TogglePause, 0)
		if d.pb.Paused {
			return d.say(false, "paused; events are still collected"), nil
		}
		return d, nil
	case key.Matches(msg, k.Step):
		if d.mode == sim.Step && d.running && d.sess != nil && d.pb.AtEnd() {
			return d, release(d.sess, d.run, 0)
		}
		d.playing = false
		return d.navigate(Forward, 0), nil
	case key.Matches(msg, k.Forward):
		d.playing = false
		return d.navigate(Forward, 0), nil
	case key.Matches(msg, k.Back1):
		d.playing = false
		return d.navigate(Back, 0), nil
	case key.Matches(msg, k.Start):
		d.playing = false
		return d.navigate(ToStart, 0), nil
	case key.Matches(msg, k.End):
		d.playing = false
		return d.navigate(ToEnd, 0), nil
	case key.Matches(msg, k.Faster), key.Matches(msg, k.Slower):
		return d.changeSpeed(key.Matches(msg, k.Faster)), nil
	case key.Matches(msg, k.Mode):
		if d.replay {
			return d.say(true, "a replay has no mode: it is a recording"), nil
		}
		d.mode = (d.mode + 1) % 3
		return d.say(false, "mode %s from the next run (r)", tr(d.lang, d.mode.String())), nil
	case key.Matches(msg, k.Variant):
		return d.openEditor()
	case key.Matches(msg, k.Release):
		return d.releaseLane(msg.String())
	case key.Matches(msg, k.Repeat):
		if d.sc == nil || d.sc.Outcome == nil {
			return d.say(true, "this demo has no outcome to count over many runs (tickets and manager have)"), nil
		}
		if d.repeating {
			return d, nil
		}
		d.repeating, d.repeatRun = true, nextRun()
		return d.say(false, "running it %d times…", repeatRuns), repeatScenario(d.runs, d.repeatRun, d.sc, maps.Clone(d.vars), d.sc.Options(d.speed, 0))
	case key.Matches(msg, k.Save):
		if len(d.timeline) == 0 {
			return d.say(true, "nothing to save yet: r runs the demo"), nil
		}
		return d.say(false, "saving…"), saveTrace(d.id(), d.timeline, time.Now())
	}
	return d, nil
}

// say puts a note in the status bar, its format in the demo's language.
func (d demo) say(bad bool, format string, a ...any) demo {
	d.note, d.noteBad = fmt.Sprintf(tr(d.lang, format), a...), bad
	return d
}

// refused says why a step was not taken, in the lesson's language.
func (d demo) refused(err error) demo {
	var wb *sim.WouldBlockError
	switch {
	case errors.As(err, &wb):
		return d.say(true, "%s would block: %s", wb.Proc, sim.LocalizeProse(d.lang, wb.Why))
	case errors.Is(err, sim.ErrAllWouldBlock):
		return d.say(true, "every waiting operation would block")
	case errors.Is(err, sim.ErrNothingWaiting):
		return d.say(true, "nothing is waiting")
	case errors.Is(err, sim.ErrHalted):
		return d.say(true, "the demo has stopped")
	}
	return d.say(true, "%v", err)
}

// restart starts a new run with the current settings, stopping the last.
func (d demo) restart() (demo, tea.Cmd) {
	if d.sc == nil || d.runs == nil {
		return d, nil
	}
	stop := stopRun(d.sess)
	d.run, d.sess, d.running = nextRun(), nil, true
	d.timeline, d.pending = nil, nil
	d = d.navigate(Restart, 0)
	o := d.sc.Options(d.speed, 0)
	o.Mode, o.Seed = d.mode, d.seed
	d.ranMode = d.mode
	return d, tea.Batch(stop, startRun(d.runs, d.run, d.sc, d.vars, o))
}

// close stops the demo's run, if any: the demo is leaving the screen.
func (d demo) close() tea.Cmd { return stopRun(d.sess) }

func (d demo) changeSpeed(faster bool) demo {
	i := slices.Index(speeds, d.speed)
	if i < 0 {
		i = slices.IndexFunc(speeds, func(s float64) bool { return s >= d.speed })
		if i < 0 {
			i = len(speeds) - 1
		}
	}
	if faster {
		i = min(i+1, len(speeds)-1)
	} else {
		i = max(i-1, 0)
	}
	d.speed = speeds[i]
	if d.replay {
		return d.say(false, "speed %s", speedText(d.speed))
	}
	return d.say(false, "speed %s from the next run (r)", speedText(d.speed))
}

// start is the student's "run it": the lesson's prediction about a run
// with these values first, if it has one, then the run. What the last run
// revealed, and a guess made for it, go.
func (d demo) start() (demo, tea.Cmd) {
	d.revealed, d.guessed = nil, nil
	if p := d.prediction(); p != nil {
		d.predicting, d.predSel = p, 0
		return d, nil
	}
	return d.restart()
}

// openEditor shows the variant editor on the demo's current values, the
// cursor on the first variant with named values (lock off/on), which is
// the one lessons ask to switch.
func (d demo) openEditor() (demo, tea.Cmd) {
	if d.sc == nil || d.replay || len(d.sc.Variants) == 0 {
		return d.say(true, "this demo has no variants"), nil
	}
	d.editing, d.editSel = maps.Clone(d.vars), 0
	if i := slices.IndexFunc(d.sc.Variants, func(v lessons.Variant) bool { return len(v.Values) > 1 }); i >= 0 {
		d.editSel = i
	}
	return d, nil
}

// editKey changes the values in the editor; enter runs with them.
func (d demo) editKey(msg tea.KeyPressMsg) (demo, tea.Cmd) {
	v := d.sc.Variants[d.editSel]
	change := func(by int) {
		d.editing = maps.Clone(d.editing)
		d.editing[v.Key] = v.Step(d.editing[v.Key], by)
	}
	switch msg.String() {
	case "up", "k":
		d.editSel = max(d.editSel-1, 0)
	case "down", "j":
		d.editSel = min(d.editSel+1, len(d.sc.Variants)-1)
	case "left", "h", "-":
		change(-1)
	case "right", "l", "+", "space":
		change(1)
	case "pgup":
		change(10)
	case "pgdown":
		change(-10)
	case "enter", "r":
		d.vars, d.editing = d.editing, nil
		d, cmd := d.start()
		return d.say(false, "%s", d.vars.String()), cmd
	case "esc", "v":
		d.editing = nil
	}
	return d, nil
}

// dismiss closes what the demo shows over its lanes, the editor or a
// prediction's question, and reports whether there was one: esc closes
// that before it leaves the screen.
func (d demo) dismiss() (demo, bool) {
	switch {
	case d.editing != nil:
		d.editing = nil
	case d.predicting != nil:
		d.predicting = nil
	default:
		return d, false
	}
	return d, true
}

// releaseLane lets the process of a numbered lane move, in step mode.
func (d demo) releaseLane(digit string) (demo, tea.Cmd) {
	if d.mode != sim.Step || !d.running || d.sess == nil {
		return d.say(true, "1–9 choose who moves in step mode (m, then r)"), nil
	}
	if !d.pb.AtEnd() {
		d = d.navigate(ToEnd, 0)
	}
	for _, l := range d.layout(styles{}).lanes {
		if l.Key == digit {
			if l.Intent == nil {
				return d.say(true, "%s is not waiting at the gate", l.Proc.Name), nil
			}
			return d, release(d.sess, d.run, l.Proc.Pid)
		}
	}
	return d.say(true, "no lane %s", digit), nil
}

// play plays a replay in time from event from.
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
	d.playNs += int64(float64(30*time.Millisecond) * d.speed)
	n := d.pb.Cursor
	for n < len(d.timeline) && d.timeline[n].TNs <= d.playNs {
		n++
	}
	d = d.navigate(Seek, n)
	if n == len(d.timeline) {
		d.playing = false
		return d, nil
	}
	return d, playTick(d.run)
}

// predictedMsg says a prediction was checked against its run.
type predictedMsg struct {
	lesson int
	id     string
	right  bool
}

// prediction is the lesson's prediction about a run with the current
// values, if there is one.
func (d demo) prediction() *lessons.Prediction {
	if d.sc == nil || d.mode != sim.Live {
		return nil // step and seeded runs are the student's or the seed's doing
	}
	for i := range d.preds {
		if d.preds[i].Applies(d.sc.ID, d.vars) {
			return &d.preds[i]
		}
	}
	return nil
}

// predictKey takes the student's guess, then starts the run.
func (d demo) predictKey(msg tea.KeyPressMsg) (demo, tea.Cmd) {
	p := d.predicting
	switch msg.String() {
	case "up", "k":
		d.predSel = max(d.predSel-1, 0)
	case "down", "j":
		d.predSel = min(d.predSel+1, len(p.Choices)-1)
	case "enter", "r":
		d.predicting, d.guessed, d.guess, d.revealed = nil, p, d.predSel, nil
		return d.restart()
	case "s":
		d.predicting = nil // run without guessing
		return d.restart()
	}
	return d, nil
}

// reveal checks the guess against what this run showed, and explains.
func (d demo) reveal() (demo, bool) {
	p := d.guessed
	got, v := p.Reveal(d.sc, d.timeline)
	zh := d.lang == "zh"
	say := func(en, cn string) string {
		if zh {
			return cn
		}
		return en
	}
	lines := []string{say("Your prediction: ", "你的预测：") + p.Choices[d.guess].Text}

	right := got == d.guess
	switch {
	case got < 0:
		lines = append(lines, say("This run cannot tell: it was stopped early, or this machine cannot show it.", "这次运行无法判断：它被提前停止了，或者这台机器显示不出来。"))
	default:
		this := p.Choices[got].Text
		// the headline number, with its name: "more than one (tickets
		// sold: 6)"; other measures are counts and flags the choice says
		if p.Choices[got].Measure == "outcome" && d.sc.Outcome != nil && !strings.Contains(this, strconv.Itoa(v)) {
			this += fmt.Sprintf(say(" (%s: %d)", "（%s：%d）"), d.sc.OutcomeLabelIn(d.lang), v)
		}
		lines = append(lines, fmt.Sprintf(say("This run: %s.", "这次运行：%s。"), this))
		switch {
		case right:
			lines = append(lines, say("✓ Right.", "✓ 猜对了。"))
		case p.Otherwise != "": // a run may or may not show it
			lines = append(lines, say("✗ Not this time.", "✗ 这次没猜中。"))
		default:
			lines = append(lines, say("✗ No.", "✗ 猜错了。"))
		}
	}
	lines = append(lines, p.Why)
	if got >= 0 && got != p.Expect && p.Otherwise != "" {
		lines = append(lines, p.Otherwise)
	}
	d.revealed, d.guessed = lines, nil
	return d, right
}

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

// repeatScenario runs the demo repeatRuns times, headless and one after
// another, and counts its outcomes.
func repeatScenario(r *runner, run int64, sc *lessons.Scenario, vars lessons.Vars, o sim.Options) tea.Cmd {
	return safe(func() tea.Msg {
		o.Mode = sim.Live
		t, err := sc.Repeat(context.Background(), vars, o, repeatRuns, r.start, nil)
		return repeatedMsg{run: run, id: sc.ID, vars: vars.String(), label: sc.Outcome.Label, tally: t, err: err}
	})
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

// plainChoice is a prediction's choice as a line of plain text: its code
// without the backticks, which only the Markdown around it renders.
func plainChoice(text string) string { return strings.ReplaceAll(text, "`", "") }

// takeNotes hands over the demo's notes for the progress.
func (d demo) takeNotes() (demo, []tea.Msg) {
	notes := d.notes
	d.notes = nil
	return d, notes
}
