package tui

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/proctour/proctour/lessons"
)

// The smallest terminal the UI draws in.
const (
	minWidth  = 80
	minHeight = 24
)

type screen int

const (
	screenHome    screen = iota
	screenLesson         // a lesson: its text and its demo
	screenDemo           // a demo opened directly: a replay or --scenario
	screenCompare        // two recorded runs side by side
)

// app is the root model, the only tea.Model: it routes messages to the
// screen on show and draws it with the help line below.
type app struct {
	runs     *runner
	cache    *renderCache
	set      demoSettings
	lang     string
	noColor  bool
	dark     bool
	styles   *styles // (a pointer: an app is copied by every Update; replaced whole, never written through)
	screen   screen
	home     home
	lesson   lesson
	demo     demo
	cmp      compareView
	keys     globalKeys
	help     help.Model
	showHelp bool
	width    int
	height   int
	err      error // why the program quit, if it failed
	progress *lessons.Progress
	saver    *progressSaver
	shelf    *shelf // the demos left, kept while the program is open

	class     classState // the classroom (class.go), when served
	projector bool       // the projector layout (projector.go)
}

// newApp builds the root model for the options.
func newApp(o Options, runs *runner, noColor bool) (app, error) {
	a := app{
		runs: runs, cache: newRenderCache(), lang: o.Lang, noColor: noColor, dark: true,
		set:  demoSettings{mode: o.Mode, seed: o.Seed, speed: o.Speed, python: o.Python},
		home: newHome(), keys: newGlobalKeys(), help: help.New(), saver: &progressSaver{}, shelf: newShelf(),
	}
	if a.lang == "" {
		a.lang = "en"
	}
	if a.lang != "en" && a.lang != "zh" {
		return a, fmt.Errorf("language %q: want en or zh", a.lang)
	}
	a.progress = o.Progress
	a.class, a.projector = newClassState(o.Class), o.Projector
	if a.progress == nil {
		a.progress = lessons.NewProgress()
	}
	a.home = a.home.withProgress(a.progress, a.lang)
	a.home.notice = o.Notice
	a = a.restyle(true)
	switch {
	case o.Compare != nil:
		a.screen, a.cmp = screenCompare, newCompareView(o.Compare[0], o.Compare[1])
	case o.Replay != nil:
		a.screen, a.demo = screenDemo, newReplay(o.ReplayName, o.Replay, o.Speed)
	case o.Program != "":
		d, err := newProgramDemo(o.Program, o.ProgramArgs, a.set, runs)
		if err != nil {
			return a, err
		}
		a.screen, a.demo = screenDemo, d
	case o.Scenario != "":
		sc, err := lessons.Lookup(o.Scenario)
		if err != nil {
			return a, err
		}
		a.screen, a.demo = screenDemo, newDemo(sc, a.set, runs)
		a.home.sel = max(sc.Lesson-1, 0)
	}
	a.demo.lang = a.lang
	return a, nil
}

func (a app) restyle(dark bool) app {
	a.dark = dark
	st := newStyles(dark, a.noColor)
	st.lang = a.lang
	a.help.Styles = st.Help
	if a.projector {
		st = st.forProjector()
	}
	a.styles = &st
	return a
}

func (a app) Init() tea.Cmd {
	if a.screen == screenDemo && a.demo.python != nil {
		return tea.Batch(tea.RequestBackgroundColor, func() tea.Msg { return runProgramMsg{} })
	}
	return tea.RequestBackgroundColor
}

func (a app) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if cmd, notes, ok := a.shelf.update(msg); ok { // a run of a demo left, going on
		for _, n := range notes {
			var save tea.Cmd
			a, save = a.record(n)
			cmd = tea.Batch(cmd, save)
		}
		return a, cmd
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.width, a.height = msg.Width, msg.Height
		return a.resize()
	case tea.BackgroundColorMsg:
		a = a.restyle(msg.IsDark())
		return a.resize()
	case panicMsg:
		a.err = msg.err
		return a, tea.Quit
	case tea.InterruptMsg:
		return a, tea.Quit
	case renderedMsg:
		if msg.err == nil {
			a.cache.m[msg.key] = msg.text
		}
	case runStartedMsg:
		a, cmd := a.route(msg)
		if d, ok := a.activeDemo(); msg.sess != nil && (!ok || !d.owns(msg.run)) {
			return a, tea.Batch(cmd, stopRun(msg.sess)) // nobody wants it any more
		}
		return a, cmd
	case tea.KeyPressMsg:
		return a.handleKey(msg)
	case runProgramMsg: // a Python program opened: it runs at once
		var cmd tea.Cmd
		if a.screen == screenDemo {
			a.demo, cmd = a.demo.restart()
		}
		return a, cmd
	case progressSavedMsg:
		a.home.note = ""
		if msg.err != nil {
			a.home.note = fmt.Sprintf(tr(a.lang, "progress not saved: %v"), msg.err)
		}
		return a, nil
	}
	return a.route(msg)
}

func (a app) handleKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if d, ok := a.activeDemo(); ok && d.reading.typing && msg.String() != "ctrl+c" {
		return a.route(msg) // a search typed in the demo: q, ? and esc are letters of it
	}
	switch {
	case key.Matches(msg, a.keys.Quit):
		return a, tea.Quit
	case key.Matches(msg, a.keys.Help):
		a.showHelp = !a.showHelp
		return a.resize()
	case key.Matches(msg, a.keys.Back):
		return a.back()
	case a.screen == screenHome && key.Matches(msg, a.home.keys.Lang),
		a.screen == screenLesson && key.Matches(msg, a.lesson.keys.Lang):
		a.lang = map[string]string{"en": "zh", "zh": "en"}[a.lang]
		st := *a.styles
		st.lang = a.lang
		a.styles = &st
		a.home = a.home.withProgress(a.progress, a.lang)
		if a.screen == screenLesson {
			var cmd tea.Cmd
			a.lesson, cmd = a.lesson.withLang(a.lang, a.cache)
			return a, cmd
		}
		return a, nil
	case a.screen == screenHome && key.Matches(msg, a.home.keys.Open):
		a.lesson = newLesson(a.home.selected(), a.lang, a.cache, a.set, a.runs, a.shelf)
		a.screen = screenLesson
		n := a.home.selected().N
		a, save := a.noteProgress(func(p *lessons.Progress) { p.MarkRead(n) })
		m, cmd := a.resize()
		return m, tea.Batch(save, cmd)
	}
	if !a.showHelp {
		return a.route(msg)
	}
	// the full help is the keys of the screen's mode (an editor, a
	// question): a key that changes the mode may change the help's height
	h := lipgloss.Height(a.helpView())
	m, cmd := a.route(msg)
	if lipgloss.Height(m.helpView()) == h {
		return m, cmd
	}
	m, resize := m.resize()
	return m, tea.Batch(cmd, resize)
}

// back closes what is open over the screen (the full help, a demo's
// editor or question, a lesson's quiz or model); with nothing open, it
// leaves a lesson or a demo for the lesson list. The demo is kept, its run
// going on in the background, and the lesson list says so; a replay's
// playing stops.
func (a app) back() (tea.Model, tea.Cmd) {
	var closed bool
	switch {
	case a.showHelp:
		a.showHelp = false
		return a.resize()
	case a.screen == screenLesson:
		a.lesson, closed = a.lesson.dismiss()
	case a.screen == screenDemo:
		a.demo, closed = a.demo.dismiss()
	}
	if closed {
		return a, nil
	}
	left, ok := a.activeDemo()
	if !ok {
		return a, nil
	}
	var stop tea.Cmd
	switch {
	case a.screen == screenLesson:
		a.lesson.leave()
	case a.demo.isProgram(): // not kept: nothing would lead back to it
		stop = stopRun(a.demo.sess)
	default:
		a.shelf.put(a.demo)
	}
	a.home.note = ""
	if left.running && left.sc != nil && !left.replay {
		a.home.note = fmt.Sprintf(tr(a.lang, "%s is still running: it will be there when you come back"), left.sc.ID)
	}
	a.screen = screenHome
	a.lesson, a.demo = lesson{}, demo{}
	m, cmd := a.resize()
	return m, tea.Batch(stop, cmd)
}

// route hands a message to the screen on show.
func (a app) route(msg tea.Msg) (app, tea.Cmd) {
	var cmd tea.Cmd
	var notes []tea.Msg
	switch a.screen {
	case screenHome:
		a.home, cmd = a.home.update(msg)
	case screenLesson:
		a.lesson, cmd = a.lesson.update(msg)
		a.lesson, notes = a.lesson.takeNotes()
	case screenDemo:
		a.demo, cmd = a.demo.update(msg)
		a.demo, notes = a.demo.takeNotes()
	case screenCompare:
		a.cmp, cmd = a.cmp.update(msg)
	}
	// recorded now, not by a command: one still under way when the
	// student quits would be lost
	for _, n := range notes {
		var save tea.Cmd
		a, save = a.record(n)
		cmd = tea.Batch(cmd, save)
	}
	return a, cmd
}

// record notes in the progress what the student did, and saves it.
func (a app) record(msg tea.Msg) (app, tea.Cmd) {
	switch msg := msg.(type) {
	case predictedMsg:
		return a.noteProgress(func(p *lessons.Progress) { p.MarkPrediction(msg.lesson, msg.id, msg.right) })
	case challengeWonMsg:
		return a.noteProgress(func(p *lessons.Progress) { p.MarkChallenge(msg.lesson, msg.id, msg.moves) })
	case answeredMsg:
		return a.noteProgress(func(p *lessons.Progress) { p.MarkCheckpoint(msg.lesson, msg.id, msg.right) })
	case demoEndedMsg:
		if sc, err := lessons.Lookup(msg.id); err == nil {
			return a.noteProgress(func(p *lessons.Progress) { p.MarkDemo(sc.Lesson, sc.ID) })
		}
	}
	return a, nil
}

// activeDemo is the demo on show, if any.
func (a app) activeDemo() (demo, bool) {
	switch a.screen {
	case screenLesson:
		return a.lesson.demo, true
	case screenDemo:
		return a.demo, true
	}
	return demo{}, false
}

// keyMap is the help line's keys for the screen on show, described in the
// UI's language.
func (a app) keyMap() help.KeyMap {
	return localKeys{a.withClassKeys(a.screenKeys()), a.lang}
}

// screenKeys is the keys of the screen on show.
func (a app) screenKeys() help.KeyMap {
	switch a.screen {
	case screenLesson:
		return a.lesson.helpKeys()
	case screenDemo:
		return a.demo.helpKeys()
	case screenCompare:
		return a.cmp.keys
	}
	return a.home.keys
}

// helpView is the help line, or the full help, in the screen's width.
// (Bubbles' help adds an item that does not fit when its ellipsis would
// not fit either: what overflows is cut.)
func (a app) helpView() string {
	if a.projector && !a.showHelp {
		return "" // minimal chrome: ? still shows the keys
	}
	a.help.SetWidth(a.width)
	a.help.ShowAll = a.showHelp
	lines := strings.Split(a.help.View(a.keyMap()), "\n")
	for i, l := range lines {
		lines[i] = cut(l, a.width)
	}
	return joinLines(lines)
}

// resize lays every screen out in the space above the help.
func (a app) resize() (app, tea.Cmd) {
	if a.width < minWidth || a.height < minHeight {
		return a, nil
	}
	h := a.height - lipgloss.Height(a.helpView())
	var cmd tea.Cmd
	a.home = a.home.setSize(a.width, h)
	switch a.screen {
	case screenLesson:
		a.lesson, cmd = a.lesson.setSize(a.width, h, a.styles.readerStyle())
	case screenDemo:
		a.demo = a.demo.setSize(a.width, h)
	case screenCompare:
		a.cmp = a.cmp.setSize(a.width, h)
	}
	return a, cmd
}

func (a app) View() tea.View {
	content := ""
	if !a.class.shared || a.class.shareKey == (viewKey{}) { // (else another follower's drawing is this screen)
		content = a.shownContent()
	}
	v := tea.NewView(content)
	v.AltScreen = true
	v.WindowTitle = "proctour"
	return v
}

func (a app) content() string {
	if a.width == 0 {
		return ""
	}
	if a.width < minWidth || a.height < minHeight {
		// one line, the longest way of saying it that fits
		msg := fmt.Sprintf(tr(a.lang, "proctour needs at least %d×%d; this terminal is %d×%d"), minWidth, minHeight, a.width, a.height)
		if lipgloss.Width(msg) > a.width {
			msg = fmt.Sprintf(tr(a.lang, "needs %d×%d; this is %d×%d"), minWidth, minHeight, a.width, a.height)
		}
		return lipgloss.Place(a.width, a.height, lipgloss.Center, lipgloss.Center, cut(msg, a.width))
	}
	var body string
	switch a.screen {
	case screenHome:
		body = a.home.view(*a.styles)
	case screenLesson:
		body = a.lesson.view(*a.styles)
	case screenDemo:
		body = a.demo.view(*a.styles)
	case screenCompare:
		body = a.cmp.view(*a.styles)
	}
	return body + "\n" + a.helpView()
}

// progressSavedMsg says whether the progress was saved.
type progressSavedMsg struct{ err error }

// demoEndedMsg says a demo of the scenario ran to its end.
type demoEndedMsg struct{ id string }

// noteProgress records something the student did, refreshes the home
// screen's marks and saves the progress in a command (encoded here, so
// that the command shares nothing with later updates).
func (a app) noteProgress(mark func(p *lessons.Progress)) (app, tea.Cmd) {
	mark(a.progress)
	a.home = a.home.withProgress(a.progress, a.lang)
	b, err := a.progress.Encode()
	if err != nil {
		return a, func() tea.Msg { return progressSavedMsg{err} }
	}
	return a, a.saver.save(a.progress.Path(), b)
}

// progressSaver writes the progress file in the order the program changed
// it. Saves run as commands, which may run at once and finish in any
// order: one that finds a later version already written leaves it be.
type progressSaver struct {
	mu      sync.Mutex
	handed  atomic.Uint64 // the latest version handed to a save
	written uint64        // the latest version written
}

// flush writes p now if a save handed out has not been written: the
// program has ended, and commands still under way when it quit never
// finish.
func (s *progressSaver) flush(p *lessons.Progress) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.written == s.handed.Load() {
		return nil
	}
	b, err := p.Encode()
	if err == nil {
		err = lessons.WriteProgress(p.Path(), b)
	}
	if err == nil {
		s.written = s.handed.Load()
	}
	return err
}

func (s *progressSaver) save(path string, b []byte) tea.Cmd {
	version := s.handed.Add(1)
	return func() tea.Msg {
		s.mu.Lock()
		defer s.mu.Unlock()
		if version <= s.written {
			return progressSavedMsg{} // a later one is on disk
		}
		err := lessons.WriteProgress(path, b)
		if err == nil {
			s.written = version
		}
		return progressSavedMsg{err}
	}
}
