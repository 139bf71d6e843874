package tui

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// update handles the demo's keys and the messages of its run.
func (d demo) update(msg tea.Msg) (demo, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return d.handleKey(msg)
	case runStartedMsg:
		return d.started(msg)
	case batchMsg:
		return d.arrived(msg)
	case releasedMsg:
		if d.owns(msg.run) && msg.err != nil && !errors.Is(msg.err, sim.ErrBusy) {
			return d.refused(msg.err), nil
		}
		return d, nil
	case savedMsg:
		if msg.err != nil {
			return d.say(true, "%v", msg.err), nil
		}
		return d.say(false, "saved %s", msg.shown), nil
	case playTickMsg:
		return d.playStep(msg)
	case repeatedMsg:
		return d.repeated(msg)
	case killedMsg:
		return d.killed(msg), nil
	}
	return d, nil
}

// started takes the session of a run that started, and waits for its
// first events.
func (d demo) started(msg runStartedMsg) (demo, tea.Cmd) {
	if !d.owns(msg.run) {
		return d, nil
	}
	d = d.ranPython(msg.python, msg.source, msg.err)
	if msg.err != nil {
		d.running = false
		return d.say(true, "could not start: %v", msg.err), nil
	}
	d.sess = msg.sess
	return d, waitBatch(d.sess, d.run, 0, nil)
}

// arrived takes a batch of the run's events. At the run's end, the end is
// noted for the progress, and a guess made for the run is checked.
func (d demo) arrived(msg batchMsg) (demo, tea.Cmd) {
	if !d.owns(msg.run) || d.sess == nil {
		return d, nil
	}
	d.timeline = append(d.timeline, msg.events...)
	d.pending = msg.pending
	d = d.navigate(Arrived, len(msg.events))
	d = d.judgeChallenge(msg.done)
	if !msg.done {
		return d, waitBatch(d.sess, d.run, len(d.timeline), d.pending)
	}
	d.running, d.pending = false, nil
	if d.ranMode != sim.Live {
		if n := len(d.timeline); n > 0 && d.timeline[n-1].Kind == trace.KindRunEnd {
			var end trace.RunEnd
			if json.Unmarshal(d.timeline[n-1].Val, &end) == nil && end.Schedule != "" {
				d = d.say(false, "schedule %s · x runs this interleaving again", end.Schedule)
			}
		}
	}
	if msg.err != nil { // a Python program that could not run: its lane shows its stderr
		d = d.ranPython("", nil, msg.err).say(true, "%v", msg.err)
	}
	if d.sc != nil && !d.replay {
		d.notes = append(slices.Clip(d.notes), demoEndedMsg{id: d.sc.ID})
		if g := d.guessed; g != nil {
			var right bool
			d, right = d.reveal()
			d.notes = append(d.notes, predictedMsg{lesson: d.sc.Lesson, id: g.ID, right: right})
		}
	}
	return d, nil
}

// handleKey gives a key to the question or the editor while one is open,
// else to the playback or the run.
func (d demo) handleKey(msg tea.KeyPressMsg) (demo, tea.Cmd) {
	if d.nothing {
		return d, nil
	}
	d.note = ""
	if d, ok := d.readKey(msg); ok {
		return d, nil
	}
	if d.predicting != nil {
		return d.predictKey(msg)
	}
	if d.editing != nil {
		return d.editKey(msg)
	}
	if d.seedText != nil {
		return d.seedKey(msg)
	}
	if d.chall.choosing {
		return d.challengeKey(msg)
	}
	if d, cmd, ok := d.pythonKey(msg); ok {
		return d, cmd
	}
	k := d.keys
	if key.Matches(msg, k.Run, k.Pause, k.Step, k.Forward, k.Back1, k.Start, k.End, k.Faster, k.Slower) {
		return d.playbackKey(msg)
	}
	return d.runKey(msg)
}

// helpKeys are the keys help shows for the demo, in handleKey's order:
// the question's or the editor's while one is open.
func (d demo) helpKeys() help.KeyMap {
	switch {
	case d.reading.typing:
		return d.readingHelp()
	case d.predicting != nil:
		q := d.keys.Question
		if d.class.follower { // the class's poll: the driver runs it
			q = q.forFollower()
		}
		return d.keys.modal(q, true)
	case d.editing != nil:
		return d.keys.modal(d.keys.Editor, false) // esc is the editor's cancel
	case d.seedText != nil:
		return d.keys.modal(d.keys.SeedText, false)
	case d.chall.choosing: // the question's keys: enter plays, no s
		q := d.keys.Question
		q.Answer.SetHelp("enter", "play")
		q.Skip.SetEnabled(false)
		return d.keys.modal(q, true)
	}
	k := d.keys
	if !d.replay && !d.running && len(d.timeline) > 0 && !d.playing { // p plays a run that has ended
		k.Pause.SetHelp("p", "play")
	}
	return k
}

// playbackKey runs, pauses, steps and scrubs the timeline, or changes the
// speed.
func (d demo) playbackKey(msg tea.KeyPressMsg) (demo, tea.Cmd) {
	k := d.keys
	switch {
	case key.Matches(msg, k.Run):
		if d.replay {
			return d.play(0)
		}
		return d.start()
	case key.Matches(msg, k.Pause):
		return d.pause()
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
	}
	return d, nil
}

// pause plays or pauses a replay, or a run that has ended, from the
// cursor (from the start when it is at the end); while a run goes on, its
// drawing is frozen and its events are still collected.
func (d demo) pause() (demo, tea.Cmd) {
	switch {
	case d.playing:
		d.playing = false
		return d.say(false, "stopped at event %d of %d: p plays on", d.pb.Cursor, d.pb.Len), nil
	case d.replay || (!d.running && len(d.timeline) > 0):
		d.pb.Paused = false
		d, cmd := d.play(d.pb.Cursor)
		return d.say(false, "playing from event %d: p stops, +/- change the pace", d.pb.Cursor), cmd
	case !d.running:
		return d.say(true, "nothing to play yet: r runs the demo"), nil
	}
	d = d.navigate(TogglePause, 0)
	if d.pb.Paused {
		return d.say(false, "paused; events are still collected"), nil
	}
	return d, nil
}

// playRate is how fast playing goes through the recorded time: a replay
// at its speed; a run as fast as it ran, times what +/- changed since.
func (d demo) playRate() float64 {
	if d.replay || d.ranSpeed <= 0 {
		return d.speed
	}
	return d.speed / d.ranSpeed
}

// runKey changes how the next run runs, releases a process in step mode,
// repeats the demo or saves its trace.
func (d demo) runKey(msg tea.KeyPressMsg) (demo, tea.Cmd) {
	k := d.keys
	switch {
	case key.Matches(msg, k.Mode):
		if d.replay {
			return d.say(true, "a replay has no mode: it is a recording"), nil
		}
		d.mode = (d.mode + 1) % 3
		return d.say(false, "mode %s from the next run (r)", tr(d.lang, d.mode.String())), nil
	case key.Matches(msg, k.Variant):
		return d.openEditor()
	case key.Matches(msg, k.Seed):
		return d.openSeed()
	case key.Matches(msg, k.Again):
		return d.again()
	case key.Matches(msg, k.Challenge):
		return d.openChallenges()
	case key.Matches(msg, k.Undo):
		return d.undo()
	case key.Matches(msg, k.Release):
		return d.releaseLane(msg.String())
	case key.Matches(msg, k.Kill):
		return d.killOne()
	case key.Matches(msg, k.Repeat):
		return d.repeat()
	case key.Matches(msg, k.Save):
		if len(d.timeline) == 0 {
			return d.say(true, "nothing to save yet: r runs the demo"), nil
		}
		return d.say(false, "saving…"), saveTrace(d.id(), d.timeline, time.Now())
	case key.Matches(msg, k.Export):
		if len(d.timeline) == 0 {
			return d.say(true, "nothing to save yet: r runs the demo"), nil
		}
		return d.say(false, "saving…"), exportPerfetto(d.id(), d.timeline, time.Now())
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
		return d.say(true, "%s would block: %s", wb.Proc, wb.Why.In(d.lang))
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
	if d.sc == nil && d.python == nil || d.runs == nil {
		return d, nil
	}
	stop := stopRun(d.sess)
	d.run, d.sess, d.running, d.playing = nextRun(), nil, true, false
	d.timeline, d.pending = nil, nil
	d = d.navigate(Restart, 0)
	d.ranMode, d.ranSpeed = d.mode, d.speed
	if d.python != nil {
		return d, tea.Batch(stop, d.startPython())
	}
	return d, tea.Batch(stop, startRun(d.runs, d.run, d.sc, d.vars, d.runOptions()))
}

// runOptions are the session options of the next run: its mode, seed and
// speed.
func (d demo) runOptions() sim.Options {
	o := d.sc.Options(d.speed, 0)
	o.Mode, o.Seed = d.mode, d.seed
	o.Schedule = d.schedule
	o.ScheduleThenStep = d.chall.on != nil && d.mode == sim.Step // a challenge's undo: the student goes on
	return o
}

// again re-executes the last run's interleaving in step mode: its
// schedule (a step or seeded run's), or the order its operations took (a
// live run's, where the OS chose it), so that a race seen once can be seen
// again, step by step. The schedule string goes to the clipboard too
// (OSC 52), to share; proctour run SCENARIO --schedule takes it.
func (d demo) again() (demo, tea.Cmd) {
	switch {
	case d.running || len(d.timeline) == 0 || d.replay:
		return d.say(true, "run it first (r); then x runs it again with the same interleaving"), nil
	}
	steps, err := lastSchedule(d.timeline)
	if err != nil {
		return d.say(true, "%v", err), nil
	}
	d.schedule = steps
	d, cmd := d.restart()
	d.schedule = nil // the next r is a run of its own again
	str := sim.EncodeSchedule(steps)
	return d.say(false, "the same interleaving again, in step mode: schedule %s (copied)", str), tea.Batch(cmd, tea.SetClipboard(str))
}

// lastSchedule is a finished run's interleaving as a schedule.
func lastSchedule(timeline []trace.Record) ([]int, error) {
	if n := len(timeline); n > 0 && timeline[n-1].Kind == trace.KindRunEnd {
		var end trace.RunEnd
		if json.Unmarshal(timeline[n-1].Val, &end) == nil && end.Schedule != "" {
			return sim.ParseSchedule(end.Schedule)
		}
	}
	return sim.ScheduleFromTrace(timeline)
}

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
	if d.replay || d.playing {
		return d.say(false, "speed %s", speedText(d.speed))
	}
	return d.say(false, "speed %s from the next run (r): time.sleep(1) = %.2g s", speedText(d.speed), sim.Unit.Seconds()/d.speed)
}

// start is the student's "run it": the lesson's prediction about a run
// with these values first, if it has one, then the run. What the last run
// revealed, and a guess made for it, go.
func (d demo) start() (demo, tea.Cmd) {
	d.revealed, d.guessed = nil, nil
	d.chall.moves, d.chall.over = 0, false // a challenge played again from its start
	if p := d.prediction(); p != nil {
		d.predicting, d.predSel = p, 0
		return d, nil
	}
	return d.restart()
}

// modal reports whether the editor, a prediction's question or the seed
// being typed has the keys.
func (d demo) modal() bool {
	return d.editing != nil || d.predicting != nil || d.seedText != nil || d.chall.choosing
}

// dismiss closes what the demo shows over its lanes, the editor, a
// prediction's question or the seed being typed, and reports whether there was one: esc closes
// that before it leaves the screen.
func (d demo) dismiss() (demo, bool) {
	switch {
	case d.editing != nil:
		d.editing, d.typed = nil, ""
	case d.seedText != nil:
		d.seedText, d.note = nil, ""
	case d.predicting != nil:
		d.predicting = nil
	case d.chall.choosing:
		d.chall.choosing = false
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

// takeNotes hands over the demo's notes for the progress.
func (d demo) takeNotes() (demo, []tea.Msg) {
	notes := d.notes
	d.notes = nil
	return d, notes
}
