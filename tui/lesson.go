package tui

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/proctour/proctour/content"
	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/sim"
)

// wideWidth is the width from which a lesson shows its text and its demo
// side by side; below it they are two tabs.
const wideWidth = 140

// The lesson screen's tabs on a narrow terminal.
const (
	tabText = iota
	tabDemo
)

// lesson is the lesson screen: the lesson's text and its demo panel.
type lesson struct {
	l         lessons.Lesson
	reader    reader
	scenarios []*lessons.Scenario
	cur       int // which scenario the demo panel shows
	demo      demo
	tab       int
	quiz      quiz
	problems  []lessons.Problem // in the lesson file, said at the top
	checking  bool              // the text panel shows the checkpoint questions
	model     *cpuModel         // lesson 1: the CPU model, shown in the text panel on M
	lang      string
	keys      lessonKeys
	set       demoSettings
	runs      *runner
	shelf     *shelf // the demos left, this lesson's and others'
	style     string
	width     int
	height    int
}

func newLesson(l lessons.Lesson, lang string, cache *renderCache, set demoSettings, runs *runner, kept *shelf) lesson {
	m := lesson{l: l, reader: newReader(l, lang, cache), scenarios: l.Available(),
		keys: newLessonKeys(), set: set, runs: runs, shelf: kept, lang: lang, quiz: newQuiz(l.N, lessonQuestions(lang, l.N)),
		problems: lessonProblems(lang, l.N)}
	m.keys.Model.SetEnabled(l.N == 1) // the CPU model belongs to lesson 1
	m.demo = m.newDemo()
	return m
}

// withLang is the lesson in another language, where the student is: the
// same tab, demo and run, the quiz at the same question with the same
// answers (the languages' questions are the same), a question on screen
// asked in the new language.
func (m lesson) withLang(lang string, cache *renderCache) (lesson, tea.Cmd) {
	m.lang = lang
	m.reader = newReader(m.l, lang, cache)
	q := newQuiz(m.l.N, lessonQuestions(lang, m.l.N))
	q.cur, q.sel, q.chosen, q.hinted, q.again = m.quiz.cur, m.quiz.sel, m.quiz.chosen, m.quiz.hinted, m.quiz.again
	m.quiz, m.problems = q, lessonProblems(lang, m.l.N)
	preds := lessonPredictions(lang, m.l.N)
	same := func(p *lessons.Prediction) *lessons.Prediction {
		if p == nil {
			return nil
		}
		for i := range preds {
			if preds[i].ID == p.ID {
				return &preds[i]
			}
		}
		return nil
	}
	m.demo.lang, m.demo.preds = lang, preds
	m.demo.chall.list = lessonChallenges(lang, m.l.N)
	if c := m.demo.chall.on; c != nil {
		for i, nc := range m.demo.chall.list {
			if nc.ID == c.ID {
				m.demo.chall.on = &m.demo.chall.list[i]
			}
		}
	}
	m.demo.predicting, m.demo.guessed = same(m.demo.predicting), same(m.demo.guessed)
	if m.model != nil {
		cm := *m.model
		cm.preds, cm.asking = preds, same(cm.asking)
		m.model = &cm
	}
	return m.setSize(m.width, m.height, m.style)
}

// newDemo is the demo panel of the scenario m.cur: as the student left
// it, if they did, else new.
func (m lesson) newDemo() demo {
	d := newMissingDemo(m.l)
	if len(m.scenarios) > 0 {
		var ok bool
		if d, ok = m.shelf.take(m.scenarios[m.cur].ID); !ok {
			d = newDemo(m.scenarios[m.cur], m.set, m.runs)
		}
	}
	d.keys.lesson = true
	d.keys.extra = []key.Binding{m.keys.Check, m.keys.Model, m.keys.Lang}
	d.keys.NextDemo.SetEnabled(len(m.scenarios) > 1)
	d.lang, d.preds = m.lang, lessonPredictions(m.lang, m.l.N)
	d.chall.list = lessonChallenges(m.lang, m.l.N)
	d.keys.Challenge.SetEnabled(len(d.challenges()) > 0)
	return d
}

func (m lesson) wide() bool { return m.width >= wideWidth }

// readerWidth is the text's share of a wide screen.
func (m lesson) readerWidth() int { return min(max(m.width*2/5, 56), 80) }

// setSize lays the screen out in w×h and renders the text for that width
// and the reader style, unless it is cached.
func (m lesson) setSize(w, h int, style string) (lesson, tea.Cmd) {
	m.width, m.height, m.style = w, h, style
	m.demo.keys.tab.SetEnabled(!m.wide())
	m.demo.keys.scroll = nil
	if m.wide() {
		r := m.keys.readerKeys.besideDemo()
		m.demo.keys.scroll = []key.Binding{r.Up, r.Down, r.PageUp, r.PageDown}
	}
	var cmd tea.Cmd
	if m.wide() {
		// the text is drawn a column short of its share: a line as wide
		// as it would run into the divider ("steps│")
		rw := m.readerWidth()
		m.reader, cmd = m.reader.setSize(rw-1, h-1, style)
		m.quiz = m.quiz.setSize(rw-1, h-1)
		m.demo = m.demo.setSize(w-rw-1, h)
	} else {
		m.reader, cmd = m.reader.setSize(w, h-1, style)
		m.quiz = m.quiz.setSize(w, h-1)
		m.demo = m.demo.setSize(w, h-1)
	}
	return m, cmd
}

// showsDemo reports whether the demo panel is on screen and takes its keys.
func (m lesson) showsDemo() bool { return m.wide() || m.tab == tabDemo }

// dismiss closes what is open in the lesson, the demo's editor or
// question first, then the quiz or the model, and reports whether there
// was one.
func (m lesson) dismiss() (lesson, bool) {
	var closed bool
	if m.showsDemo() {
		if m.demo, closed = m.demo.dismiss(); closed {
			return m, true
		}
	}
	if !m.showsDemoOnly() && (m.checking || m.model != nil) {
		m.checking, m.model = false, nil
		return m, true
	}
	return m, false
}

func (m lesson) update(msg tea.Msg) (lesson, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tryMsg:
		return m.try(msg.try)
	case tea.KeyPressMsg:
		switch {
		case m.showsDemo() && m.demo.reading.typing:
			// a search typed in the demo's log: tab and d are letters of it
			m.demo, cmd = m.demo.update(msg)
			return m, cmd
		case key.Matches(msg, m.keys.Tab):
			if !m.wide() {
				m.tab = 1 - m.tab
			}
			return m, nil
		case key.Matches(msg, m.keys.NextDemo) && len(m.scenarios) > 1:
			return m.nextDemo()
		case m.showsDemo() && m.demo.modal():
			// the demo's question or editor has the keys while it is open
			m.demo, cmd = m.demo.update(msg)
			return m, cmd
		case key.Matches(msg, m.keys.Check):
			// from the demo tab, c turns to the text, where the quiz is
			m.checking, m.model = !m.checking || m.showsDemoOnly(), nil
			m.tab = tabText
			return m, nil
		case key.Matches(msg, m.keys.Model) && m.l.N == 1:
			if m.showsDemoOnly() {
				m.tab, m.model = tabText, nil
			}
			if m.model != nil {
				m.model = nil
			} else {
				cm := newCPUModel(lessonPredictions(m.lang, 1)).setSize(m.quiz.width, m.quiz.height)
				m.model, m.checking = &cm, false
			}
			return m, nil
		case m.model != nil && !m.showsDemoOnly() && m.model.takes(msg):
			cm, cmd := m.model.update(msg)
			m.model = &cm
			return m, cmd
		case m.showsDemo() && key.Matches(msg, m.demo.keys.Repeat):
			// k is the demo's (run it K times), not the text's (↑ still
			// scrolls it)
			m.demo, cmd = m.demo.update(msg)
			return m, cmd
		case m.checking && !m.showsDemoOnly() && isQuizKey(msg, m.quiz.keys):
			m.quiz, cmd = m.quiz.update(msg)
			return m, cmd
		case !m.showsDemo() || isReaderKey(msg, m.keys.readerKeys.besideDemo()):
			m.reader, cmd = m.reader.update(msg)
			return m, cmd
		}
		m.demo, cmd = m.demo.update(msg)
		return m, cmd
	case renderedMsg, tea.MouseWheelMsg:
		m.reader, cmd = m.reader.update(msg)
		return m, cmd
	}
	m.demo, cmd = m.demo.update(msg)
	return m, cmd
}

// helpKeys are the keys help shows for the lesson, in update's order: an
// open editor or question of the demo's, the CPU model, the demo, the
// text.
func (m lesson) helpKeys() help.KeyMap {
	switch {
	case m.showsDemo() && (m.demo.modal() || m.demo.reading.typing):
		return m.demo.helpKeys()
	case m.model != nil && !m.showsDemoOnly():
		k := m.keys
		k.Model.SetHelp("M", "back to the text")
		screen := []key.Binding{k.Model, k.Tab, k.Check, k.NextDemo, k.Lang, k.Back, k.Help, k.Quit}
		return modeKeys{mode: m.model.helpKeys(), short: []key.Binding{k.Help, k.Quit}, screen: screen}
	case m.showsDemo():
		return m.demo.helpKeys()
	}
	return m.keys
}

// showsDemoOnly reports whether the demo tab hides the text panel.
func (m lesson) showsDemoOnly() bool { return !m.wide() && m.tab == tabDemo }

func isQuizKey(msg tea.KeyPressMsg, k quizKeys) bool {
	return key.Matches(msg, k.Up, k.Down, k.Answer, k.Next, k.Prev, k.Hint, k.Try)
}

// lessonQuestions, lessonPredictions and lessonProblems read lesson n's
// file in lang (read once, and cached, by lessons.ReadLesson).
func lessonQuestions(lang string, n int) []lessons.Question {
	f, _ := lessons.ReadLesson(lang, n)
	return f.Questions
}

func lessonPredictions(lang string, n int) []lessons.Prediction {
	f, _ := lessons.ReadLesson(lang, n)
	return f.Predictions
}

func lessonProblems(lang string, n int) []lessons.Problem {
	f, _ := lessons.ReadLesson(lang, n)
	return f.Problems
}

func isReaderKey(msg tea.KeyPressMsg, k readerKeys) bool {
	return key.Matches(msg, k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Space)
}

// nextDemo switches the demo panel to the lesson's next scenario; the one
// it leaves is kept, its run going on.
func (m lesson) nextDemo() (lesson, tea.Cmd) {
	m.shelf.put(m.demo)
	m.cur = (m.cur + 1) % len(m.scenarios)
	m.demo = m.newDemo()
	var cmd tea.Cmd
	m, cmd = m.setSize(m.width, m.height, m.style)
	m.demo = m.demo.say(false, "demo %d of %d: %s", m.cur+1, len(m.scenarios), m.scenarios[m.cur].ID)
	return m, cmd
}

// try sets up the run a checkpoint question names: its demo, with its
// values, ready for r (the question stays, beside it or a tab away); or
// the CPU model on its number of CPUs.
func (m lesson) try(t lessons.Try) (lesson, tea.Cmd) {
	if t.Demo == lessons.ModelDemo {
		cm := newCPUModel(lessonPredictions(m.lang, 1))
		if n, err := strconv.Atoi(t.Set["cpus"]); err == nil && n != cm.cpus {
			cm.cpus = n
			cm = cm.run()
		}
		cm = cm.setSize(m.quiz.width, m.quiz.height)
		m.model, m.checking, m.tab = &cm, false, tabText
		return m, nil
	}
	i := slices.IndexFunc(m.scenarios, func(sc *lessons.Scenario) bool { return sc.ID == t.Demo })
	if i < 0 {
		return m, nil // not this lesson's: the file check keeps tries to a lesson's own demos
	}
	var cmd tea.Cmd
	if i != m.cur {
		m.shelf.put(m.demo)
		m.cur = i
		m.demo = m.newDemo()
		m, cmd = m.setSize(m.width, m.height, m.style)
	}
	vars := maps.Clone(m.demo.vars)
	maps.Copy(vars, t.Set)
	// live: the question is about what the programme does by itself, and
	// the lesson's prediction is asked first
	m.demo.vars, m.demo.editing, m.demo.predicting, m.demo.mode = vars, nil, nil, sim.Live
	if !m.wide() {
		m.tab = tabDemo
	}
	m.demo = m.demo.say(false, "%s, live: r runs it", strings.TrimSpace(t.Demo+" "+vars.String()))
	return m, cmd
}

// takeNotes hands over what the student did that progress records, from
// the demo, the quiz and the model.
func (m lesson) takeNotes() (lesson, []tea.Msg) {
	var notes []tea.Msg
	m.demo, notes = m.demo.takeNotes()
	notes, m.quiz.notes = append(notes, m.quiz.notes...), nil
	if m.model != nil && len(m.model.notes) > 0 {
		cm := *m.model
		notes, cm.notes = append(notes, cm.notes...), nil
		m.model = &cm
	}
	return m, notes
}

// leave keeps the lesson's demo: the lesson is leaving the screen.
func (m lesson) leave() { m.shelf.put(m.demo) }

func (m lesson) title() string {
	return fmt.Sprintf("%d. %s", m.l.N, content.Title(m.lang, m.l.N, m.l.Title))
}

func (m lesson) view(s styles) string {
	if m.wide() {
		rw := m.readerWidth()
		left := append([]string{fit(s.Title.Render(m.title()), rw)}, block(splitLines(m.textPanel(s)), rw, m.height-1)...)
		right := splitLines(m.demo.view(s))
		return joinLines(beside(left, block(right, m.width-rw-1, m.height), s.Rule.Render("│")))
	}
	tabs := s.Title.Render(m.title()) + "   "
	names := []string{tr(m.lang, "Text"), tr(m.lang, "Demo")}
	for i, name := range names {
		label := " " + name + " "
		if i == m.tab {
			tabs += s.ActiveTab.Render(label)
		} else {
			tabs += s.Tab.Render(label)
		}
		tabs += " "
	}
	tabs += s.Dim.Render("(tab)")
	var body string
	if m.tab == tabDemo {
		body = m.demo.view(s)
	} else {
		body = joinLines(block(splitLines(m.textPanel(s)), m.width, m.height-1))
	}
	return fit(tabs, m.width) + "\n" + body
}

// textPanel is the lesson's text, or its checkpoint questions.
func (m lesson) textPanel(s styles) string {
	text := m.reader.view(s)
	switch {
	case m.model != nil:
		text = m.model.setSize(m.quiz.width, m.quiz.height).view(s, m.lang)
	case m.checking:
		text = m.quiz.view(s, m.lang)
	}
	if len(m.problems) > 0 { // the lesson still opens; what is wrong is said
		warn := s.Warn.Render(cut(fmt.Sprintf("  ⚠ content/%s/%02d.md:%s", m.lang, m.l.N, m.problems[0]), m.width))
		if n := len(m.problems); n > 1 {
			warn += s.Dim.Render(fmt.Sprintf(" (+%d more)", n-1))
		}
		return warn + "\n" + text
	}
	return text
}
