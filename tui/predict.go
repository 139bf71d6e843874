package tui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/tui/markdown"
)

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
	k := d.keys.Question
	switch {
	case key.Matches(msg, k.Up):
		d.predSel = max(d.predSel-1, 0)
	case key.Matches(msg, k.Down):
		d.predSel = min(d.predSel+1, len(p.Choices)-1)
	case key.Matches(msg, k.Answer):
		d.predicting, d.guessed, d.guess, d.revealed = nil, p, d.predSel, nil
		return d.restart()
	case key.Matches(msg, k.Skip):
		d.predicting = nil // run without guessing
		return d.restart()
	}
	return d, nil
}

// predictView asks the lesson's question before the run, in w×h: the
// choices wrapped whole and the keys' hint last, always on screen; when
// rows are short the blank lines go first, then the question's last lines.
func (d demo) predictView(s styles, w, h int) []string {
	p := d.predicting
	title, hint := tr(d.lang, "Predict before you run"), tr(d.lang, "↑/↓ choose · enter run · s run without guessing")
	if d.class.follower { // the class's poll: the driver runs it
		hint = tr(d.lang, "↑/↓ choose · enter answer · s skip")
	}
	var ask []string
	for _, l := range strings.Split(markdown.Render(p.Ask, max(w-2, 20), markdown.NewTheme(s.dark, true)), "\n") {
		ask = append(ask, s.Text.Render(l))
	}
	var choices []string
	for i, c := range p.Choices {
		style, lead := s.Text, "  "
		if i == d.predSel {
			style, lead = s.Selected, "› "
		}
		for j, row := range wrapHanging(lead+plainChoice(c.Text), w, 2) {
			if j > 0 && i == d.predSel {
				row = s.Selected.Render(row[:2]) + style.Render(row[2:]) // the mark's column stays plain
			} else {
				row = style.Render(row)
			}
			choices = append(choices, row)
		}
	}
	var hints []string
	for _, l := range wrapHanging(hint, w, 0) {
		hints = append(hints, s.Dim.Render(l))
	}
	lines := slices.Concat([]string{"", s.Title.Render(title), ""}, ask, []string{""}, choices, []string{""}, hints)
	// the class's answers (the instructor's screen): the histogram, or
	// when rows are short its one-line summary
	if poll := d.pollLines(s, d.predicting, w); len(poll) > 0 {
		if len(lines)+len(poll) <= h {
			return append(lines, poll...)
		}
		hints = append(hints, poll[len(poll)-1])
		lines = append(lines, poll[len(poll)-1])
	}
	if len(lines) <= h {
		return lines
	}
	// short of rows: no blank lines, no title, then as much of the
	// question as fits, its last row ending in "…"
	room := max(h-len(choices)-len(hints), 0)
	if len(ask)+1 <= room {
		return slices.Concat([]string{s.Title.Render(title)}, ask, choices, hints)
	}
	if len(ask) > room {
		ask = ask[:room]
		if room > 0 {
			ask[room-1] = s.Text.Render(cut(ansi.Strip(ask[room-1])+" …", w))
		}
	}
	return slices.Concat(ask, choices, hints)
}

// reveal checks the guess against what this run showed, and explains.
func (d demo) reveal() (demo, bool) {
	p := d.guessed
	got, v := p.Reveal(d.sc, d.timeline)
	say := func(en string) string { return tr(d.lang, en) }
	lines := []string{say("Your prediction: ") + p.Choices[d.guess].Text}

	right := got == d.guess
	switch {
	case got < 0:
		lines = append(lines, say("This run cannot tell: it was stopped early, or this machine cannot show it."))
	default:
		this := p.Choices[got].Text
		// the headline number, with its name: "more than one (tickets
		// sold: 6)"; other measures are counts and flags the choice says
		if p.Choices[got].Measure == "outcome" && d.sc.Outcome != nil && !strings.Contains(this, strconv.Itoa(v)) {
			this += fmt.Sprintf(say(" (%s: %d)"), d.sc.OutcomeLabelIn(d.lang), v)
		}
		lines = append(lines, fmt.Sprintf(say("This run: %s."), this))
		switch {
		case right:
			lines = append(lines, say("✓ Right."))
		case p.Otherwise != "": // a run may or may not show it
			lines = append(lines, say("✗ Not this time."))
		default:
			lines = append(lines, say("✗ No."))
		}
	}
	lines = append(lines, p.Why)
	if got >= 0 && got != p.Expect && p.Otherwise != "" {
		lines = append(lines, p.Otherwise)
	}
	d.revealed, d.guessed, d.verdictPage = lines, nil, 0
	return d, right
}

// plainChoice is a prediction's choice as a line of plain text: its code
// without the backticks, which only the Markdown around it renders.
func plainChoice(text string) string { return strings.ReplaceAll(text, "`", "") }
