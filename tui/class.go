package tui

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/proctour/proctour/i18n"
	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// Class links a session's UI to the classroom (package serve); nil
// outside it. The driver (the instructor, or a student they hand the role
// to) publishes its screen; the others follow it, drawing the driver's
// timeline without processes of their own, until they break away.
// Every function is called from a command, never from Update or View.
type Class struct {
	// Instructor says this session is the instructor's: it may hand the
	// driver role on, and sees how the class follows and answers.
	Instructor bool
	// Publish hands the driver's screen to the followers.
	Publish func(ClassFrame)
	// Answer is a follower's answer to the poll asked as ask.
	Answer func(ask int, choice int)
	// Follow says the session follows again (true) or broke away.
	Follow func(following bool)
	// Hand passes the driver role to the next follower, or back to the
	// instructor after the last.
	Hand func()
	// Views, when set, is shared by every session of the classroom: a
	// follower draws a frame once for all (classview.go).
	Views *ViewCache
	// Share, when set, is told what a follower's screen shows whenever
	// that changes: the key of a screen that is the driver's frame and
	// nothing of the follower's own (the same key, the same screen), or ""
	// when it shows something of its own. The classroom may then draw one
	// follower's screen for every follower of that key, and tell the
	// others (ClassShared) that their own drawing is not needed. n
	// numbers the calls (commands may run in another order): a call older
	// than one taken is to be ignored. byFrame says that the driver's
	// frame changed it (the poll asked or over, a run started), not the
	// follower's own doing: every follower that showed the same screen
	// takes the same frame, and most likely moves with it.
	Share func(n uint64, key string, byFrame bool)
}

// ClassCatchUp is a key (Msg) that comes with the driver's latest frame,
// which the session had not been given yet (a follower whose screen
// another draws is given frames seldom): the frame is taken first, so
// that the key acts on what the screen shows (B breaks away there).
type ClassCatchUp struct {
	Frame ClassFrame
	Msg   tea.Msg
}

// ClassShared tells a follower's session whether its screen is drawn for
// it by another follower's (On), so that it draws nothing itself; off, it
// draws its own again (the classroom makes it draw the whole screen).
type ClassShared struct{ On bool }

// ClassFrame is the driver's screen as followers draw it: a value they
// share (the timeline is append-only: a follower never writes to it).
type ClassFrame struct {
	Seq  uint64 // increasing with each publish of one driver
	Live bool   // false: no driver publishes (the instructor left)
	// Driver is who drives, as the classroom names them; DriverID tells
	// two sessions of one name apart.
	Driver   string
	DriverID int
	// Lesson is the lesson on the driver's screen (0: the lesson list,
	// where Lesson-1 is not the selection: Selected is).
	Lesson   int
	Selected int
	DemoTab  bool // the driver shows the demo (not only the text)
	Scenario string
	Vars     lessons.Vars
	Mode     sim.Mode
	Seed     uint64
	Speed    float64
	Run      int64
	Timeline []trace.Record
	Cursor   int
	Pending  []sim.Intent
	Running  bool
	// Python is what runs the driver's demo when it is CPython ("CPython
	// 3.11.7", the status bar's word; "" for the Go demo), and PyProblem
	// why its latest run could not run.
	Python, PyProblem string
	// Reading is where the driver reads the lesson's text.
	Reading Reading
	// Source is the driver's run while it runs and the driver's cursor
	// follows its end (nil otherwise): the classroom may take the run's
	// newest events from it (Snapshot, from len(Timeline) on) and show
	// them before the driver's own next frame, as the driver's screen
	// will. Followers never use it.
	Source sim.Source
	// Ask is the prediction asked before the driver's next run ("" when
	// none) and AskSeq numbers the asking, so that a poll asked again is
	// a new poll. Polled is the asking whose run is drawn.
	Ask    string
	AskSeq int
	Polled int
	// Result is how the class answered the poll of the run drawn, once
	// it ended: the choice the run showed (-1: it cannot tell) and the
	// answers per choice.
	Result *PollResult
}

// Reading is where a lesson's text is scrolled to: its top line of Lines,
// the text wrapped at Width (zero: not shown yet).
type Reading struct{ Top, Lines, Width int }

// PollResult is how the class answered a poll.
type PollResult struct {
	Ask    string
	Got    int
	Counts []int
}

// ClassStatus is how the class follows, sent to every session whenever
// it changes.
type ClassStatus struct {
	Following, Away int
	Driving         bool   // this session drives
	Driver          string // who drives
	// The poll under way: which asking, and the answers per choice.
	AskSeq int
	Counts []int
}

// RefusedError is a run the classroom refused (a cap): a format and its
// values, put into the session's language.
type RefusedError struct{ Why i18n.T }

func (e RefusedError) Error() string { return e.Why.String() }

// classKeys are the classroom's keys.
type classKeys struct {
	BreakAway, Rejoin, Hand, Projector key.Binding
}

func newClassKeys() classKeys {
	return classKeys{
		BreakAway: key.NewBinding(key.WithKeys("B"), key.WithHelp("B", "break away")),
		Rejoin:    key.NewBinding(key.WithKeys("F"), key.WithHelp("F", "follow the instructor")),
		Hand:      key.NewBinding(key.WithKeys("H"), key.WithHelp("H", "hand the driver role on")),
		Projector: key.NewBinding(key.WithKeys("X"), key.WithHelp("X", "projector layout")),
	}
}

// classState is the session's part in the classroom, kept by the app.
type classState struct {
	link      *Class
	keys      classKeys
	following bool // the student follows (did not break away)
	live      bool // a driver publishes
	driving   bool
	latest    *ClassFrame // the latest frame, drawn or not
	applied   uint64      // the Seq of the frame on screen
	status    ClassStatus
	answered  map[int]answer // asking → the answer sent
	shareKey  viewKey        // what was told Share last (zero: "")
	shareN    uint64         // how many times it was told
	shared    bool           // another session draws this screen (ClassShared)
	// the driver's reading position last followed, and whether the text
	// is still to scroll there (it was not rendered yet)
	reading     Reading
	readPending bool
	profile     string // the terminal's colour profile
	// the driver's side: what was published last, the asking under way,
	// and the poll of the run drawn
	seq       uint64
	last      frameKey
	published bool
	askSeq    int
	asking    string
	polled    int
	pollID    string
	pollRun   int64
	result    *PollResult
}

// answer is a follower's answer to one asking: the prediction and the
// choice (-1: skipped).
type answer struct {
	id     string
	choice int
}

// frameKey is what makes a frame differ from the last one published.
type frameKey struct {
	lesson, selected             int
	demoTab                      bool
	scenario, vars               string
	mode                         sim.Mode
	seed                         uint64
	speed                        float64
	run                          int64
	n, cursor, npending, pending int
	running                      bool
	ask                          string
	askSeq, polled               int
	result                       bool
	python, pyProblem            string
	reading                      Reading
}

func newClassState(c *Class) classState {
	st := classState{link: c, keys: newClassKeys(), following: c != nil && !c.Instructor, driving: c != nil && c.Instructor, answered: map[int]answer{}}
	return st
}

// gated reports whether the session follows a driver now: its demo is the
// driver's, read-only.
func (c classState) gated() bool { return c.link != nil && c.following && c.live && !c.driving }

// Update is the program's update: the app's own (app.go), inside the
// classroom through classUpdate; the projector key works everywhere.
func (a app) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if a.class.link != nil {
		m, cmd := a.classUpdate(msg)
		a, ok := m.(app)
		if !ok {
			return m, cmd
		}
		read := a.class.readPending && a.class.gated()
		tell, k, shared := a.shareChanged()
		if !read && !tell { // (m as it is: an app is large, boxed once)
			return m, cmd
		}
		if read {
			a = a.followReading()
		}
		if tell {
			_, byFrame := msg.(ClassFrame)
			a, cmd = a.tellShare(k, shared, byFrame, cmd)
		}
		return a, cmd
	}
	if k, ok := msg.(tea.KeyPressMsg); ok {
		if m, cmd, ok := a.classKey(k); ok {
			return m.withClassView(), cmd
		}
	}
	m, cmd := a.update(msg)
	if a, ok := m.(app); ok {
		return a.withClassView(), cmd
	}
	return m, cmd
}

// classUpdate is Update in the classroom: the classroom's messages and
// keys, a follower's keys held back, then the app's own update, after
// which the driver publishes what changed.
func (a app) classUpdate(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case ClassCatchUp:
		m, cmd := a.classUpdate(msg.Frame)
		m, then := m.(app).classUpdate(msg.Msg)
		return m, tea.Batch(cmd, then)
	case ClassFrame:
		f := msg
		if was := a.class.latest; was != nil && was.Live && f.Live && f.Seq < was.Seq {
			return a, nil // (older than one taken already)
		}
		a.class.latest = &f
		if !f.Live {
			if a.class.live {
				a.class.live = false
				a = a.noteDemo(false, "the driver left: this screen is yours")
			}
			return a, nil
		}
		if a.class.driving || !a.class.following {
			a.class.live = true
			return a, nil
		}
		return a.applyFrame(f)
	case ClassShared:
		a.class.shared = msg.On
		return a, nil
	case tea.ColorProfileMsg: // (the app's own update follows)
		a.class.profile = msg.Profile.String()
	case ClassStatus:
		was := a.class.driving
		a.class.status = msg
		a.class.driving = msg.Driving
		a = a.withClassView()
		switch {
		case msg.Driving && !was:
			a.class.published = false // the new driver shows its screen at once
			a = a.noteDemo(false, "you drive: the class follows your screen")
			return a.publish(a, nil)
		case !msg.Driving && was:
			a.class.following = true
			if f := a.class.latest; f != nil && f.Live {
				return a.applyFrame(*f)
			}
		}
		return a, nil
	case runStartedMsg:
		var r RefusedError
		if errors.As(msg.err, &r) { // a cap: said in the session's language
			msg.err = errors.New(r.Why.In(a.lang))
		}
		m, cmd := a.update(msg)
		return a.publish(m.(app), cmd)
	case tea.KeyPressMsg:
		if m, cmd, ok := a.classKey(msg); ok {
			return m.withClassView(), cmd
		}
		if a.class.gated() && !a.followerMay(msg) {
			return a.noteDemo(true, "B breaks away from the instructor first"), nil
		}
		if a.class.gated() {
			m, cmd := a.followerKey(msg)
			if a, ok := m.(app); ok { // (its badge, in its language)
				return a.withClassView(), cmd
			}
			return m, cmd
		}
	}
	m, cmd := a.update(msg)
	return a.publish(m.(app), cmd)
}

// classKey handles the classroom's own keys.
func (a app) classKey(msg tea.KeyPressMsg) (app, tea.Cmd, bool) {
	k, c := a.class.keys, a.class.link
	switch {
	case key.Matches(msg, k.Projector):
		a.projector = !a.projector
		a = a.restyle(a.dark)
		a = a.withClassView()
		m, cmd := a.resize()
		return m, cmd, true
	case c == nil:
		return a, nil, false
	case key.Matches(msg, k.Hand) && c.Instructor:
		return a, func() tea.Msg { c.Hand(); return nil }, true
	case key.Matches(msg, k.BreakAway) && !a.class.driving && a.class.following:
		a.class.following = false
		a = a.breakAway()
		return a, func() tea.Msg { c.Follow(false); return nil }, true
	case key.Matches(msg, k.Rejoin) && !a.class.driving && !a.class.following:
		a.class.following = true
		a.class.reading = Reading{} // back where the driver reads
		cmd := func() tea.Msg { c.Follow(true); return nil }
		if f := a.class.latest; f != nil && f.Live {
			m, apply := a.applyFrame(*f)
			return m.(app), tea.Batch(cmd, apply), true
		}
		return a.noteDemo(false, "you follow the instructor from their next move"), cmd, true
	}
	return a, nil, false
}

// followerMay reports whether a follower's key is one that changes
// nothing the driver owns: quitting, help, the screen's language (the
// frame has none: each follower draws it in their own), the poll's keys,
// and reading the lesson's text.
func (a app) followerMay(msg tea.KeyPressMsg) bool {
	if key.Matches(msg, a.keys.Quit, a.keys.Help) || a.isLangKey(msg) {
		return true
	}
	d, ok := a.activeDemo()
	if ok && d.predicting != nil {
		q := d.keys.Question
		return key.Matches(msg, q.Up, q.Down, q.Answer, q.Skip)
	}
	if a.screen == screenLesson {
		if key.Matches(msg, a.lesson.keys.Tab) {
			return true
		}
		return !a.lesson.showsDemoOnly() && isReaderKey(msg, a.lesson.keys.readerKeys)
	}
	return false
}

// langKey is the key that switches the screen's language, on the
// screens that have one.
func (a app) langKey() (key.Binding, bool) {
	switch a.screen {
	case screenHome:
		return a.home.keys.Lang, true
	case screenLesson:
		return a.lesson.keys.Lang, true
	}
	return key.Binding{}, false
}

func (a app) isLangKey(msg tea.KeyPressMsg) bool {
	k, ok := a.langKey()
	return ok && key.Matches(msg, k)
}

// followerKey is a follower's key: the poll answered, or the text read.
func (a app) followerKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	d, ok := a.activeDemo()
	if !ok || d.predicting == nil || key.Matches(msg, a.keys.Quit, a.keys.Help) || a.isLangKey(msg) {
		return a.update(msg)
	}
	q, p := d.keys.Question, d.predicting
	ask := a.class.latest.AskSeq
	switch {
	case key.Matches(msg, q.Up):
		d.predSel = max(d.predSel-1, 0)
	case key.Matches(msg, q.Down):
		d.predSel = min(d.predSel+1, len(p.Choices)-1)
	case key.Matches(msg, q.Answer):
		choice := d.predSel
		a.class.answered = maps.Clone(a.class.answered)
		a.class.answered[ask] = answer{p.ID, choice}
		d.predicting, d.guessed, d.guess = nil, p, choice
		d = d.say(false, "your answer is in: %s; the instructor runs it", plainChoice(p.Choices[choice].Text))
		link := a.class.link
		return a.setDemo(d), func() tea.Msg { link.Answer(ask, choice); return nil }
	case key.Matches(msg, q.Skip):
		a.class.answered = maps.Clone(a.class.answered)
		a.class.answered[ask] = answer{p.ID, -1}
		d.predicting = nil
	}
	return a.setDemo(d), nil
}

// publish hands the driver's screen to the followers if it changed.
func (a app) publish(m app, cmd tea.Cmd) (tea.Model, tea.Cmd) {
	c := &m.class
	if c.link == nil || !c.driving {
		return m.withClassView(), cmd
	}
	m = m.trackPoll()
	f := m.frame()
	k := keyOf(f)
	if c.published && k == c.last {
		return m.withClassView(), cmd
	}
	c.seq++
	f.Seq = c.seq
	c.last, c.published = k, true
	link := c.link
	return m.withClassView(), tea.Batch(cmd, func() tea.Msg { link.Publish(f); return nil })
}

// trackPoll follows the driver's poll: a question newly asked is a new
// asking; the run started after it is the polled run; when that run ends,
// the class's answers are checked against what it showed.
func (a app) trackPoll() app {
	c := &a.class
	d, ok := a.activeDemo()
	if !ok {
		c.asking = ""
		return a
	}
	switch {
	case d.predicting != nil && c.asking != d.predicting.ID:
		c.askSeq++
		c.asking = d.predicting.ID
	case d.predicting == nil && c.asking != "":
		if d.running && d.run != c.pollRun { // answered or skipped: the run is polled
			c.polled, c.pollID, c.pollRun, c.result = c.askSeq, c.asking, d.run, nil
		}
		c.asking = ""
	}
	if c.result == nil && c.pollRun != 0 && d.run == c.pollRun && !d.running && d.sc != nil && len(d.timeline) > 0 {
		for i := range d.preds {
			if d.preds[i].ID == c.pollID {
				got, _ := d.preds[i].Reveal(d.sc, d.timeline)
				c.result = &PollResult{Ask: c.pollID, Got: got}
				if c.status.AskSeq == c.polled {
					c.result.Counts = slices.Clone(c.status.Counts)
				}
			}
		}
	}
	return a
}

// frame is the driver's screen as followers draw it.
func (a app) frame() ClassFrame {
	f := ClassFrame{Live: true, Selected: a.home.sel, Ask: a.class.asking, AskSeq: a.class.askSeq, Polled: a.class.polled, Result: a.class.result}
	if a.screen == screenLesson {
		f.Lesson = a.lesson.l.N
		f.DemoTab = a.lesson.showsDemo()
		if r := a.lesson.reader; r.ready {
			f.Reading = Reading{Top: r.vp.YOffset(), Lines: r.vp.TotalLineCount(), Width: r.key.width}
		}
	}
	d, ok := a.activeDemo()
	if !ok || d.sc == nil {
		return f
	}
	if d.python != nil {
		f.Python, f.PyProblem = d.runtime(), d.python.problem
	}
	f.Scenario, f.Vars, f.Mode, f.Run = d.sc.ID, d.vars, d.mode, d.run
	f.Seed, f.Speed = d.seed, d.speed
	f.Timeline = slices.Clip(d.timeline)
	f.Cursor, f.Pending, f.Running = d.pb.Cursor, d.pending, d.running
	if d.running && d.sess != nil && d.pb.Cursor == len(d.timeline) && !d.replay {
		f.Source = d.sess
	}
	return f
}

// SameScreen reports whether two frames show followers the same: a frame
// the same as the one before need not be sent again.
func SameScreen(a, b ClassFrame) bool {
	return a.Live == b.Live && a.Driver == b.Driver && a.DriverID == b.DriverID && keyOf(a) == keyOf(b) && a.Result == b.Result
}

// SameIntents reports whether two lists of operations waiting at the gate
// are the same.
func SameIntents(a, b []sim.Intent) bool { return sameIntents(a, b) }

func keyOf(f ClassFrame) frameKey {
	k := frameKey{lesson: f.Lesson, selected: f.Selected, demoTab: f.DemoTab, scenario: f.Scenario, vars: f.Vars.String(),
		mode: f.Mode, seed: f.Seed, speed: f.Speed, run: f.Run, n: len(f.Timeline), cursor: f.Cursor, npending: len(f.Pending), running: f.Running,
		ask: f.Ask, askSeq: f.AskSeq, polled: f.Polled, result: f.Result != nil,
		python: f.Python, pyProblem: f.PyProblem, reading: f.Reading}
	for _, in := range f.Pending { // which operations wait, and whether they may go
		k.pending = k.pending*31 + in.Pid*2
		if in.CanProceed {
			k.pending++
		}
	}
	return k
}

// applyFrame puts the driver's screen on a follower's: the same lesson,
// the same demo, its timeline at the driver's cursor.
func (a app) applyFrame(f ClassFrame) (tea.Model, tea.Cmd) {
	a.class.live, a.class.applied = true, f.Seq
	var cmds []tea.Cmd
	switch {
	case f.Lesson == 0:
		if a.screen != screenHome {
			cmds = append(cmds, a.closeScreen())
			a.screen, a.lesson, a.demo = screenHome, lesson{}, demo{}
		}
		a.home.sel = min(max(f.Selected, 0), len(a.home.lessons)-1)
		m, cmd := a.resize()
		return m.withClassView(), tea.Batch(append(cmds, cmd)...)
	case a.screen != screenLesson || a.lesson.l.N != f.Lesson:
		i := slices.IndexFunc(a.home.lessons, func(l lessons.Lesson) bool { return l.N == f.Lesson })
		if i < 0 {
			return a, nil
		}
		cmds = append(cmds, a.closeScreen())
		a.home.sel = i
		a.lesson = newLesson(a.home.lessons[i], a.lang, a.cache, a.set, a.runs, a.shelf)
		a.screen = screenLesson
		if f.DemoTab {
			a.lesson.tab = tabDemo
		}
		var cmd tea.Cmd
		a, cmd = a.resize()
		cmds = append(cmds, cmd)
	}
	if f.DemoTab && !a.lesson.wide() {
		a.lesson.tab = tabDemo
	}
	if f.Reading != a.class.reading { // the driver scrolled: the text follows
		a.class.reading, a.class.readPending = f.Reading, f.Reading.Width > 0
		a = a.followReading()
	}
	if f.Scenario != "" {
		if i := slices.IndexFunc(a.lesson.scenarios, func(sc *lessons.Scenario) bool { return sc.ID == f.Scenario }); i >= 0 && i != a.lesson.cur {
			a.lesson.shelf.put(a.lesson.demo) // kept, as a student's demo left is
			a.lesson.cur = i
			a.lesson.demo = a.lesson.newDemo()
			var cmd tea.Cmd
			a.lesson, cmd = a.lesson.setSize(a.lesson.width, a.lesson.height, a.lesson.style)
			cmds = append(cmds, cmd)
		}
		var cmd tea.Cmd
		a.lesson.demo, cmd = a.lesson.demo.follow(f, a.class.answered)
		cmds = append(cmds, cmd)
	}
	return a.withClassView(), tea.Batch(cmds...)
}

// followReading scrolls the lesson's text to where the driver reads,
// once the text is rendered: the same line at the same width, else the
// same share of the text.
func (a app) followReading() app {
	r := &a.lesson.reader
	at := a.class.reading
	if !a.class.readPending || a.screen != screenLesson || !r.ready || r.err != nil {
		return a
	}
	top := at.Top
	if r.key.width != at.Width && at.Lines > 0 {
		top = (at.Top*r.vp.TotalLineCount() + at.Lines/2) / at.Lines
	}
	r.vp.SetYOffset(top)
	a.class.readPending = false
	return a
}

// closeScreen keeps the demo of the screen a follower leaves, as the
// app keeps a demo left (its own run, from when it broke away, goes on).
func (a app) closeScreen() tea.Cmd {
	switch a.screen {
	case screenLesson:
		a.lesson.leave()
	case screenDemo:
		a.shelf.put(a.demo)
	}
	return nil
}

// follow makes the demo the driver's: its values and mode, its timeline
// (shared, never written), its cursor and gate, its question, and when
// the polled run has ended, the follower's own answer checked against it.
func (d demo) follow(f ClassFrame, answered map[int]answer) (demo, tea.Cmd) {
	var stop tea.Cmd
	if d.sess != nil { // the follower's own run, from when they broke away
		stop, d.sess = stopRun(d.sess), nil
	}
	if d.run != f.Run || len(f.Timeline) < len(d.timeline) {
		d.run, d.timeline, d.st, d.stAt, d.revealed = f.Run, nil, nil, 0, nil
		d.guessed, d.note = nil, ""
		if a, ok := answered[f.Polled]; ok && a.choice >= 0 && f.Polled > 0 {
			for i := range d.preds {
				if d.preds[i].ID == a.id {
					d.guessed, d.guess = &d.preds[i], a.choice
				}
			}
		}
	}
	d.editing, d.playing = nil, false
	d.python = nil // the driver's Go demo, or its CPython run as its status bar names it
	if f.Python != "" {
		d.python = &pyTarget{version: f.Python, problem: f.PyProblem}
	}
	d.vars, d.mode, d.ranMode, d.seed, d.speed = maps.Clone(f.Vars), f.Mode, f.Mode, f.Seed, f.Speed
	d.timeline = f.Timeline
	d.pb = Playback{Cursor: f.Cursor, Len: len(f.Timeline), Following: f.Cursor == len(f.Timeline)}
	d.pending, d.running = f.Pending, f.Running
	d.refold()
	// the poll: asked until answered, from the first choice
	was := d.predicting
	d.predicting = nil
	if _, done := answered[f.AskSeq]; f.Ask != "" && !done {
		for i := range d.preds {
			if d.preds[i].ID == f.Ask {
				d.predicting = &d.preds[i]
			}
		}
	}
	if d.predicting != nil && was == nil {
		d.predSel = 0
	}
	if !f.Running && f.Run != 0 && len(d.timeline) > 0 && d.guessed != nil && d.sc != nil && f.Cursor == len(f.Timeline) {
		d, _ = d.reveal()
	}
	d.class.result = f.Result
	return d, stop
}

// breakAway gives the follower their own copy of the timeline where it
// is: scrubbable, and theirs to run again.
func (a app) breakAway() app {
	d, ok := a.activeDemo()
	if !ok {
		return a
	}
	d.timeline = slices.Clone(d.timeline)
	d.st, d.stAt = nil, 0
	d.run, d.running, d.pending, d.predicting = nextRun(), false, nil, nil
	d.pb.Following = d.pb.AtEnd()
	d.refold()
	d = d.say(false, "you broke away: the run is yours; F follows again")
	return a.setDemo(d)
}

// setDemo puts d back where the active demo is.
func (a app) setDemo(d demo) app {
	switch a.screen {
	case screenLesson:
		a.lesson.demo = d
	case screenDemo:
		a.demo = d
	}
	return a
}

// noteDemo says something in the active demo's status bar.
func (a app) noteDemo(bad bool, format string, args ...any) app {
	if d, ok := a.activeDemo(); ok {
		return a.setDemo(d.say(bad, format, args...))
	}
	return a
}

// withClassView gives the active demo what it draws of the classroom.
func (a app) withClassView() app {
	d, ok := a.activeDemo()
	if !ok {
		return a
	}
	cv := d.class
	cv.projector = a.projector
	cv.follower = a.class.gated()
	cv.badge = a.classBadge()
	cv.counts = nil
	if a.class.link != nil && a.class.link.Instructor && d.predicting != nil && a.class.status.AskSeq == a.class.askSeq {
		cv.counts = a.class.status.Counts
	}
	if a.class.driving {
		cv.result = a.class.result
	}
	d.class = cv
	return a.setDemo(d)
}

// classBadge is the status bar's word on the classroom: the instructor
// sees how many follow and broke away; a student whether they follow.
func (a app) classBadge() string {
	c := a.class
	switch {
	case c.link == nil:
		return ""
	case c.link.Instructor:
		s := fmt.Sprintf(tr(a.lang, "%d following · %d away"), c.status.Following, c.status.Away)
		if !c.driving && c.status.Driver != "" {
			s += " · " + fmt.Sprintf(tr(a.lang, "%s drives (H takes it back)"), c.status.Driver)
		}
		return s
	case c.driving:
		return tr(a.lang, "you drive")
	case !c.live:
		return ""
	case c.following:
		return tr(a.lang, "following")
	}
	return tr(a.lang, "on your own (F follows)")
}

// classView is what the demo draws of the classroom.
type classView struct {
	projector bool
	follower  bool // the driver's screen: a poll's answer is sent, not run
	badge     string
	counts    []int       // the class's answers to the question on screen (instructor)
	result    *PollResult // how the class answered the poll of the run drawn
}

// pollLines are the class's answers under the question, as a histogram.
func (d demo) pollLines(s styles, p *lessons.Prediction, w int) []string {
	if d.class.counts == nil {
		return nil
	}
	total := 0
	for _, n := range d.class.counts {
		total += n
	}
	lines := []string{"", s.Title.Render(fmt.Sprintf(s.tr("The class: %d answer(s)"), total))}
	most := 1
	for _, n := range d.class.counts {
		most = max(most, n)
	}
	for i, c := range p.Choices {
		n := 0
		if i < len(d.class.counts) {
			n = d.class.counts[i]
		}
		bar := strings.Repeat("█", n*max(w/3, 1)/most)
		lines = append(lines, cut(fmt.Sprintf("%3d %s %s", n, s.Held.Render(bar), plainChoice(c.Text)), w))
	}
	return append(lines, s.Dim.Render(cut(summaryCounts(s.lang, p, d.class.counts), w)))
}

// summaryCounts says the answers on one line: "12 exactly one · 30 more
// than one".
func summaryCounts(lang string, p *lessons.Prediction, counts []int) string {
	var parts []string
	for i, c := range p.Choices {
		n := 0
		if i < len(counts) {
			n = counts[i]
		}
		parts = append(parts, fmt.Sprintf("%d %s", n, plainChoice(c.Text)))
	}
	return strings.Join(parts, tr(lang, " · "))
}

// classResultLines say how the class did on the poll of the run drawn.
func (d demo) classResultLines(s styles, w int) []string {
	r := d.class.result
	if r == nil || r.Counts == nil {
		return nil
	}
	var p *lessons.Prediction
	for i := range d.preds {
		if d.preds[i].ID == r.Ask {
			p = &d.preds[i]
		}
	}
	if p == nil {
		return nil
	}
	total := 0
	for _, n := range r.Counts {
		total += n
	}
	if total == 0 {
		return nil // nobody answered
	}
	right := 0
	if r.Got >= 0 && r.Got < len(r.Counts) {
		right = r.Counts[r.Got]
	}
	head := fmt.Sprintf(s.tr("The class: %d of %d predicted it"), right, total)
	if r.Got < 0 {
		head = fmt.Sprintf(s.tr("The class: %d answer(s); this run cannot tell"), total)
	}
	return []string{s.Title.Render(cut(head, w)), s.Text.Render(cut("  "+summaryCounts(s.lang, p, r.Counts), w))}
}

// classHelp is the screen's keys with the classroom's: a follower's help
// line says how to break away (the demo's keys are the driver's), and
// the full help lists the classroom's keys in a column of their own.
type classHelp struct {
	keys   help.KeyMap
	class  []key.Binding
	gated  bool
	global []key.Binding
}

func (k classHelp) ShortHelp() []key.Binding {
	if k.gated {
		return append(slices.Clone(k.class), k.global...)
	}
	return k.keys.ShortHelp()
}

func (k classHelp) FullHelp() [][]key.Binding {
	return append(slices.Clip(k.keys.FullHelp()), k.class)
}

// withClassKeys adds the classroom's keys that work now to the screen's.
func (a app) withClassKeys(km help.KeyMap) help.KeyMap {
	k, c := a.class.keys, a.class
	in := []key.Binding{k.Projector}
	if c.link != nil {
		switch {
		case c.link.Instructor:
			in = append([]key.Binding{k.Hand}, in...)
		case c.driving:
		case c.following:
			in = append([]key.Binding{k.BreakAway}, in...)
		default:
			in = append([]key.Binding{k.Rejoin}, in...)
		}
	}
	gated := c.gated()
	if d, ok := a.activeDemo(); gated && ok && d.predicting != nil {
		return km // the poll's own keys, answered on the follower's screen
	}
	global := []key.Binding{a.keys.Help, a.keys.Quit}
	if lang, ok := a.langKey(); ok {
		global = append([]key.Binding{lang}, global...)
	}
	return classHelp{keys: km, class: in, gated: gated, global: global}
}

// admitRun asks the classroom (Options.Admit) whether a run may start;
// release is to be called once it is over. Outside a classroom every run
// may.
func (r *runner) admitRun(scenario string, vars lessons.Vars) (release func(), err error) {
	if r.admit == nil {
		return func() {}, nil
	}
	release, err = r.admit(scenario, vars)
	if err != nil {
		return nil, err
	}
	if release == nil {
		release = func() {}
	}
	return release, nil
}
