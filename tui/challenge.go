package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/sim"
)

// challengeState is a "break it" challenge played in step mode (C): the
// student is the scheduler, and the goal is checked from the trace.
type challengeState struct {
	list     []lessons.Challenge // the lesson's challenges of this demo
	choosing bool                // the list is on screen
	sel      int
	on       *lessons.Challenge // the challenge being played
	moves    int                // releases so far in this run
	over     bool               // won, or told it is impossible / not this time
}

// challengeWonMsg says a challenge was won, for the progress.
type challengeWonMsg struct {
	lesson int
	id     string
	moves  int
}

// lessonChallenges are lesson n's challenges in lang.
func lessonChallenges(lang string, n int) []lessons.Challenge {
	f, _ := lessons.ReadLesson(lang, n)
	return f.Challenges
}

// mine are the challenges of this demo's scenario.
func (d demo) challenges() []lessons.Challenge {
	if d.sc == nil {
		return nil
	}
	return slices.DeleteFunc(slices.Clone(d.chall.list), func(c lessons.Challenge) bool { return c.Demo != d.sc.ID })
}

// openChallenges shows the demo's challenges (C).
func (d demo) openChallenges() (demo, tea.Cmd) {
	if len(d.challenges()) == 0 || d.replay || d.python != nil {
		return d.say(true, "this demo has no challenges"), nil
	}
	d.chall.choosing, d.chall.sel = true, 0
	return d, nil
}

// challengeKey chooses a challenge from the list and starts it.
func (d demo) challengeKey(msg tea.KeyPressMsg) (demo, tea.Cmd) {
	list, k := d.challenges(), d.keys.Question
	switch {
	case key.Matches(msg, k.Up):
		d.chall.sel = max(d.chall.sel-1, 0)
	case key.Matches(msg, k.Down):
		d.chall.sel = min(d.chall.sel+1, len(list)-1)
	case key.Matches(msg, k.Answer):
		c := list[d.chall.sel]
		vars, err := d.sc.Resolve(c.Sets())
		if err != nil {
			return d.say(true, "%v", err), nil
		}
		d.chall.choosing, d.chall.on = false, &c
		d.vars, d.mode, d.revealed, d.guessed = vars, sim.Step, nil, nil
		return d.playChallenge(nil)
	case key.Matches(msg, d.keys.Challenge, d.keys.Back):
		d.chall.choosing = false
	}
	return d, nil
}

// playChallenge starts the challenge's run, re-playing steps first (an
// undo), then handing the moves to the student.
func (d demo) playChallenge(steps []int) (demo, tea.Cmd) {
	d.chall.moves, d.chall.over, d.revealed = len(steps), false, nil
	d.schedule = steps
	d, cmd := d.restart()
	d.schedule = nil
	return d, cmd
}

// inChallenge: a challenge is played in this run (its values, step mode).
func (d demo) inChallenge() bool {
	c := d.chall.on
	if c == nil || d.sc == nil || c.Demo != d.sc.ID || d.ranMode != sim.Step {
		return false
	}
	for k, v := range c.With {
		if d.vars[k] != v {
			return false
		}
	}
	return true
}

// undo steps back one move: the run again, its moves but the last
// re-played, then the student's turn (u).
func (d demo) undo() (demo, tea.Cmd) {
	if !d.inChallenge() {
		return d.say(true, "u undoes a move in a challenge (C)"), nil
	}
	steps := d.played()
	if len(steps) == 0 {
		return d.say(true, "no move to undo"), nil
	}
	d, cmd := d.playChallenge(steps[:len(steps)-1])
	return d.say(false, "move %d undone: your move", len(steps)), cmd
}

// played are the run's releases so far.
func (d demo) played() []int {
	s, ok := d.sess.(interface{ Schedule() string })
	if !ok {
		return nil
	}
	steps, _ := sim.ParseSchedule(s.Schedule())
	return steps
}

// judgeChallenge counts the moves and checks the goal after a batch; at
// the run's end one not reached is told why (impossible) or what to try.
func (d demo) judgeChallenge(done bool) demo {
	if !d.inChallenge() || d.chall.over {
		return d
	}
	c := d.chall.on
	d.chall.moves = len(d.played())
	say := func(en string) string { return tr(d.lang, en) }
	switch {
	case !c.Impossible && c.Reached(d.sc, d.timeline):
		d.chall.over = true
		won := fmt.Sprintf(say("★ Challenge won: %s in %d moves."), c.Won, d.chall.moves)
		d.revealed, d.verdictPage = []string{won, c.Why, say("C: another challenge · r: play it again")}, 0
		d.notes = append(slices.Clip(d.notes), challengeWonMsg{lesson: d.sc.Lesson, id: c.ID, moves: d.chall.moves})
		d.note, d.noteBad = won, false
		return d
	case done && c.Impossible:
		d.chall.over = true
		d.revealed, d.verdictPage = []string{fmt.Sprintf(say("You tried for %d moves."), d.chall.moves), c.Why}, 0
	case done:
		d.chall.over = true
		d.revealed, d.verdictPage = []string{say("Not this time: the run ended without it."), say("u undoes the last move and lets you choose again; r starts over.")}, 0
	}
	return d
}

// challengeView lists the demo's challenges, in w×h.
func (d demo) challengeView(s styles, w, h int) []string {
	lines := []string{"", s.Title.Render(tr(d.lang, "Challenges: you are the scheduler")), ""}
	for i, c := range d.challenges() {
		style, lead := s.Text, "  "
		if i == d.chall.sel {
			style, lead = s.Selected, "› "
		}
		text := plainChoice(c.Goal.Text) + "  (" + strings.Join(c.Sets(), " ") + ")"
		for _, row := range wrapHanging(lead+text, w, 2) {
			lines = append(lines, style.Render(row))
		}
	}
	lines = append(lines, "")
	for _, l := range wrapHanging(tr(d.lang, "↑/↓ choose · enter play in step mode · esc cancel"), w, 0) {
		lines = append(lines, s.Dim.Render(l))
	}
	if len(lines) > h {
		lines = lines[len(lines)-h:]
	}
	return lines
}

// challengeStatus is the move counter for the status bar, or "".
func (d demo) challengeStatus() string {
	if !d.inChallenge() {
		return ""
	}
	return fmt.Sprintf(tr(d.lang, "challenge · %d moves"), d.chall.moves)
}
