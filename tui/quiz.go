package tui

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/tui/markdown"
)

// quiz is a lesson's checkpoint: its questions one at a time, a choice
// picked with the arrows and answered with enter, then the explanation.
type quiz struct {
	lesson int
	qs     []lessons.Question
	cur    int
	sel    int
	chosen map[int]int  // question → the choice answered
	hinted map[int]bool // questions whose hint is shown
	again  bool         // the questions missed are being asked again
	notes  []tea.Msg    // answers, for the progress, as the demo's
	keys   quizKeys
	width  int
	height int
}

type quizKeys struct {
	Up, Down, Answer, Next, Prev, Hint, Try key.Binding
}

func newQuizKeys() quizKeys {
	return quizKeys{
		Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "choice up")),
		Down:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "choice down")),
		Answer: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "answer")),
		Next:   key.NewBinding(key.WithKeys("n", "right", "l"), key.WithHelp("n/→", "next question")),
		Prev:   key.NewBinding(key.WithKeys("p", "left"), key.WithHelp("p/←", "previous")),
		Hint:   key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "hint")),
		Try:    key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "try it")),
	}
}

// tryMsg asks the lesson to set up the demo run that answers a question.
type tryMsg struct{ try lessons.Try }

// answeredMsg says a checkpoint question was answered, right or not.
type answeredMsg struct {
	lesson int
	id     string
	right  bool
}

func newQuiz(n int, qs []lessons.Question) quiz {
	return quiz{lesson: n, qs: qs, chosen: map[int]int{}, hinted: map[int]bool{}, keys: newQuizKeys()}
}

func (q quiz) setSize(w, h int) quiz {
	q.width, q.height = w, h
	return q
}

func (q quiz) update(msg tea.KeyPressMsg) (quiz, tea.Cmd) {
	if len(q.qs) == 0 {
		return q, nil
	}
	_, answered := q.chosen[q.cur]
	switch {
	case key.Matches(msg, q.keys.Up) && !answered:
		q.sel = max(q.sel-1, 0)
	case key.Matches(msg, q.keys.Down) && !answered:
		q.sel = min(q.sel+1, len(q.qs[q.cur].Choices)-1)
	case key.Matches(msg, q.keys.Answer) && !answered:
		q.chosen = maps.Clone(q.chosen)
		q.chosen[q.cur] = q.sel
		qq := q.qs[q.cur]
		q.notes = append(slices.Clip(q.notes), answeredMsg{lesson: q.lesson, id: qq.ID, right: q.sel == qq.Answer})
	case key.Matches(msg, q.keys.Hint) && !answered:
		q.hinted = maps.Clone(q.hinted)
		q.hinted[q.cur] = true
	case key.Matches(msg, q.keys.Try) && q.qs[q.cur].Try != nil:
		try := tryMsg{*q.qs[q.cur].Try}
		return q, func() tea.Msg { return try }
	case key.Matches(msg, q.keys.Answer):
		// answered: on to the next question not answered yet, else the
		// ones missed are asked again
		switch next, missed := q.afterAnswer(); {
		case next >= 0:
			q.cur, q.sel = next, 0
		case missed > 0:
			q.chosen = maps.Clone(q.chosen)
			maps.DeleteFunc(q.chosen, func(i, c int) bool { return c != q.qs[i].Answer })
			q.cur, q.sel, q.again = q.nextOpen(-1), 0, true
		}
		return q, nil
	case key.Matches(msg, q.keys.Next):
		q.cur, q.sel = min(q.cur+1, len(q.qs)-1), 0
	case key.Matches(msg, q.keys.Prev):
		q.cur, q.sel = max(q.cur-1, 0), 0
	}
	return q, nil
}

// nextOpen is the first question after from, going round, that is not
// answered, or -1.
func (q quiz) nextOpen(from int) int {
	for k := 1; k <= len(q.qs); k++ {
		i := (from + k + len(q.qs)) % len(q.qs)
		if _, ok := q.chosen[i]; !ok {
			return i
		}
	}
	return -1
}

// afterAnswer is what enter does once the question on screen is
// answered: the next question not answered (next ≥ 0), else, with missed
// questions, asks those again.
func (q quiz) afterAnswer() (next, missed int) {
	right, answered := q.score()
	return q.nextOpen(q.cur), answered - right
}

// score is how many questions were answered right, of how many.
func (q quiz) score() (right, answered int) {
	for i, c := range q.chosen {
		answered++
		if c == q.qs[i].Answer {
			right++
		}
	}
	return right, answered
}

func (q quiz) view(s styles, lang string) string {
	w := q.width
	heading, none := tr(lang, "Check yourself"), tr(lang, "This lesson has no checkpoint questions.")
	if len(q.qs) == 0 {
		return "  " + s.Dim.Render(none)
	}
	qq := q.qs[q.cur]
	right, answered := q.score()
	tally := fmt.Sprintf(tr(lang, "  %d / %d · %d right of %d answered"), q.cur+1, len(q.qs), right, answered)
	if q.again {
		tally = fmt.Sprintf(tr(lang, "  %d / %d · asked again · %d of %d right so far"), q.cur+1, len(q.qs), right, len(q.qs))
	}
	lines := []string{"", "  " + s.Title.Render(heading) + s.Dim.Render(tally), ""}
	wrap := func(text string, indent string, style func(...string) string) {
		for _, l := range strings.Split(markdown.Render(text, max(w-len(indent)-2, 20), markdown.NewTheme(!s.noColor && s.dark, s.noColor)), "\n") {
			lines = append(lines, indent+style(l))
		}
	}
	wrap(qq.Text, "  ", s.Text.Render)
	lines = append(lines, "")
	chosen, isAnswered := q.chosen[q.cur]
	for i, c := range qq.Choices {
		mark, style := "  ", s.Text
		switch {
		case isAnswered && i == qq.Answer:
			mark, style = "✓ ", s.OK
		case isAnswered && i == chosen:
			mark, style = "✗ ", s.Failed
		case !isAnswered && i == q.sel:
			mark, style = "› ", s.Selected
		}
		text := markdown.Render(c, max(w-8, 20), markdown.NewTheme(!s.noColor && s.dark, s.noColor))
		for k, l := range strings.Split(text, "\n") {
			prefix := "    "
			if k == 0 {
				prefix = "  " + mark
			}
			lines = append(lines, prefix+style.Render(l))
		}
	}
	if !isAnswered {
		switch {
		case q.hinted[q.cur] && qq.Hint != "":
			label := tr(lang, "Hint: ")
			lines = append(lines, "")
			wrap(label+qq.Hint, "  ", s.Dim.Render)
		case qq.Hint != "":
			more := tr(lang, "h: a hint")
			lines = append(lines, "", "  "+s.Dim.Render(more))
		}
	}
	if qq.Try != nil {
		what := qq.Try.Demo
		if len(qq.Try.Set) > 0 {
			what += " " + qq.Try.Set.String()
		}
		if qq.Try.Demo == lessons.ModelDemo {
			what = s.tr("the CPU model on two CPUs")
			if qq.Try.Set["cpus"] == "1" {
				what = s.tr("the CPU model on one CPU")
			}
		}
		lines = append(lines, "", "  "+s.Dim.Render(fmt.Sprintf(s.tr("t: try it, %s"), what)))
	}
	if isAnswered {
		lines = append(lines, "")
		verdict := s.OK.Render(tr(lang, "Right."))
		if chosen != qq.Answer {
			verdict = s.Failed.Render(tr(lang, "Not quite."))
		}
		lines = append(lines, "  "+verdict)
		wrap(qq.Why, "  ", s.Text.Render)
		lines = append(lines, "")
		lines = append(lines, q.footer(s, lang)...)
	}
	return joinLines(block(lines, w, q.height))
}

// footer says, under an answered question, what enter does next: the
// next question, one skipped, or the end: the score, and the missed
// questions asked again.
func (q quiz) footer(s styles, lang string) []string {
	next, missed := q.afterAnswer()
	right, answered := q.score()
	switch {
	case next == q.cur+1:
		return []string{"  " + s.Dim.Render(tr(lang, "enter or n: next question"))}
	case next >= 0:
		return []string{"  " + s.Dim.Render(fmt.Sprintf(tr(lang, "enter: question %d, not answered yet"), next+1))}
	case missed == 0:
		return []string{"  " + s.OK.Render(fmt.Sprintf(s.tr("All %d answered right."), answered)) + s.Dim.Render(s.tr("  c closes the questions"))}
	}
	return []string{
		"  " + s.Title.Render(fmt.Sprintf(s.tr("%d of %d right."), right, answered)),
		"  " + s.Dim.Render(fmt.Sprintf(s.tr("enter: the %d you missed, asked again · c closes the questions"), missed)),
	}
}
