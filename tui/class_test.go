package tui

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/proctour/proctour/i18n"
	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// classApp is a session in a classroom whose link records what it sends.
type classApp struct {
	a         app
	published []ClassFrame
	answers   [][2]int
	follows   []bool
	render    bool // the lesson's text is rendered (renderedMsg given back)
}

func newClassApp(t *testing.T, instructor bool, w, h int) *classApp {
	t.Helper()
	ca := &classApp{}
	link := &Class{
		Instructor: instructor,
		Publish:    func(f ClassFrame) { ca.published = append(ca.published, f) },
		Answer:     func(ask, choice int) { ca.answers = append(ca.answers, [2]int{ask, choice}) },
		Follow:     func(f bool) { ca.follows = append(ca.follows, f) },
		Hand:       func() {},
		Views:      NewViewCache(),
	}
	a, err := newApp(Options{Lang: "en", Class: link}, newRunner(), true)
	if err != nil {
		t.Fatal(err)
	}
	ca.a = a
	ca.send(tea.WindowSizeMsg{Width: w, Height: h})
	return ca
}

// send updates the app with msg and runs the commands it returns that
// talk to the classroom (the others, runs and saves, are dropped).
func (ca *classApp) send(msgs ...tea.Msg) {
	for _, msg := range msgs {
		m, cmd := ca.a.Update(msg)
		ca.a = m.(app)
		ca.run(cmd)
	}
}

func (ca *classApp) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			ca.run(c)
		}
	case renderedMsg:
		if ca.render { // the lesson's text, rendered
			ca.send(msg)
		}
	}
}

func (ca *classApp) keys(keys ...string) {
	for _, k := range keys {
		var msg tea.KeyPressMsg
		switch k {
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "tab":
			msg = tea.KeyPressMsg{Code: tea.KeyTab}
		default:
			r := []rune(k)[0]
			msg = tea.KeyPressMsg{Code: r, Text: k}
		}
		ca.send(msg)
	}
}

func (ca *classApp) screen() string { return screenText(ca.a) }

// ticketsFrame is the driver's tickets demo in lesson 5 at cursor of the
// timeline.
func ticketsFrame(seq uint64, timeline []trace.Record, cursor int, running bool) ClassFrame {
	vars := lessons.Vars{"buyers": "20", "lock": "on", "tickets": "1"}
	return ClassFrame{Seq: seq, Live: true, Driver: "teacher", DriverID: 1, Lesson: 5, DemoTab: true, Scenario: "tickets",
		Vars: vars, Mode: sim.Live, Speed: 1, Run: 7, Timeline: timeline[:cursor:cursor], Cursor: cursor, Running: running}
}

// A follower draws the driver's frames: the lesson, the demo, the
// timeline at the driver's cursor; its own keys do not move it; B breaks
// away with a copy it scrubs alone; F rejoins at the driver's cursor.
func TestFollowerFollowsBreaksAwayAndRejoins(t *testing.T) {
	timeline := record(t, "tickets", sim.Live, 1, "buyers=20", "lock=on")
	n := len(timeline)
	st := newClassApp(t, false, 100, 30)
	st.send(ticketsFrame(1, timeline, n/2, true))
	if got := st.screen(); !strings.Contains(got, fmt.Sprintf("event %d of %d", n/2, n/2)) || !strings.Contains(got, "following") {
		t.Fatalf("the follower does not draw the driver's run at its cursor:\n%s", got)
	}
	st.send(ticketsFrame(2, timeline, n, false))
	st.keys("g") // a follower's scrub is the driver's
	if got := st.screen(); !strings.Contains(got, fmt.Sprintf("event %d of %d", n, n)) || !strings.Contains(got, "B breaks away from the instructor first") {
		t.Fatalf("a follower's g moved their screen, or was not refused:\n%s", got)
	}
	st.keys("B", "g")
	if got := st.screen(); !strings.Contains(got, fmt.Sprintf("event 0 of %d", n)) || !strings.Contains(got, "on your own (F follows)") {
		t.Fatalf("after B, g does not scrub the follower's own copy:\n%s", got)
	}
	if len(st.follows) != 1 || st.follows[0] {
		t.Errorf("the classroom was told %v, want [false]", st.follows)
	}
	f := ticketsFrame(3, timeline, n-3, false)
	f.Timeline = timeline[:n:n]
	st.send(f) // the driver scrubs back: not on the screen of one who broke away
	if got := st.screen(); strings.Contains(got, fmt.Sprintf("event %d of %d", n-3, n)) {
		t.Fatalf("a student who broke away moved with the driver:\n%s", got)
	}
	st.keys("F")
	if got := st.screen(); !strings.Contains(got, fmt.Sprintf("event %d of %d", n-3, n)) || !strings.Contains(got, "following") {
		t.Fatalf("F does not rejoin at the driver's cursor:\n%s", got)
	}
}

// A follower reads in their own language: L switches their screen while
// they follow (a frame has no language: each follower draws it in their
// own), the driver's next frames are drawn in it, and it works while the
// class's poll is asked too.
func TestFollowerSwitchesLanguage(t *testing.T) {
	timeline := record(t, "tickets", sim.Live, 1, "buyers=20", "lock=on")
	n := len(timeline)
	st := newClassApp(t, false, 100, 30)
	st.send(ticketsFrame(1, timeline, n/2, true))
	st.keys("L")
	got := st.screen()
	if strings.Contains(got, i18n.Tr("zh", "B breaks away from the instructor first")) || !strings.Contains(got, i18n.Tr("zh", "following")) {
		t.Fatalf("L did not switch a follower's screen to Chinese while it follows:\n%s", got)
	}
	st.send(ticketsFrame(2, timeline, n, false))
	if got := st.screen(); !strings.Contains(got, fmt.Sprintf(i18n.Tr("zh", "event %d of %d"), n, n)) {
		t.Fatalf("the driver's next frame is not drawn in the follower's language:\n%s", got)
	}
	if len(st.follows) != 0 {
		t.Errorf("switching the language told the classroom %v: the follower broke away", st.follows)
	}
	f := ticketsFrame(3, timeline, 0, false)
	f.Vars = lessons.Vars{"buyers": "100", "lock": "off", "tickets": "1"}
	f.Run, f.AskSeq = 0, 1
	for _, p := range lessonPredictions("en", 5) {
		if p.Applies("tickets", f.Vars) {
			f.Ask = p.ID
		}
	}
	st.send(f)
	st.keys("L") // back to English, while asked
	if got := st.screen(); !strings.Contains(got, "Predict before you run") || !strings.Contains(got, "following") {
		t.Fatalf("L during the poll does not switch back to English, or the poll is gone:\n%s", got)
	}
}

// The driver publishes what changed, once: its lesson, demo and cursor.
func TestDriverPublishesChanges(t *testing.T) {
	in := newClassApp(t, true, 120, 40)
	in.published = nil
	in.keys("j", "j", "j", "j", "enter")
	if len(in.published) == 0 || in.published[len(in.published)-1].Lesson != 5 {
		t.Fatalf("opening lesson 5 published %+v", in.published)
	}
	k := len(in.published)
	in.send(tea.WindowSizeMsg{Width: 120, Height: 40}) // nothing the class sees
	if len(in.published) != k {
		t.Errorf("an update that changed nothing published %d frames", len(in.published)-k)
	}
	in.keys("tab", "r") // the demo, and its question: the class's poll
	last := in.published[len(in.published)-1]
	if last.Scenario != "tickets" || last.Ask == "" || last.AskSeq != 1 || !last.DemoTab {
		t.Errorf("the poll was published as %+v", last)
	}
}

// A follower answers the poll on their own screen; the answer goes to the
// classroom, and the instructor's question shows the class's histogram.
func TestPollAnswerAndHistogram(t *testing.T) {
	timeline := record(t, "tickets", sim.Live, 1, "buyers=20", "lock=on")
	st := newClassApp(t, false, 100, 30)
	f := ticketsFrame(1, timeline, 0, false)
	f.Vars = lessons.Vars{"buyers": "100", "lock": "off", "tickets": "1"}
	f.Run, f.Ask, f.AskSeq = 0, "tickets-oversell", 1
	preds := lessonPredictions("en", 5)
	for _, p := range preds {
		if p.Applies("tickets", f.Vars) {
			f.Ask = p.ID
		}
	}
	st.send(f)
	if got := st.screen(); !strings.Contains(got, "Predict before you run") {
		t.Fatalf("the follower is not asked:\n%s", got)
	}
	// the run is the instructor's: a follower's enter answers, s skips
	if got := st.screen(); !strings.Contains(got, "enter answer · s skip") || !strings.Contains(got, "enter answer • s skip • ? help") || strings.Contains(got, "enter run") {
		t.Errorf("the follower's keys for the poll do not say enter answers:\n%s", got)
	}
	narrow := newClassApp(t, false, 80, 24) // (its status bar has room for the phase)
	narrow.send(f)
	if got := narrow.screen(); strings.Contains(got, "r to run") || !strings.Contains(got, "the instructor runs it") {
		t.Errorf("the follower's status bar does not say the instructor runs it:\n%s", got)
	}
	st.keys("j", "enter")
	if len(st.answers) != 1 || st.answers[0] != [2]int{1, 1} {
		t.Fatalf("answers sent: %v, want [[1 1]] (asking 1, the second choice)", st.answers)
	}
	if got := st.screen(); !strings.Contains(got, "your answer is in: more than one") {
		t.Errorf("the follower is not told their answer is in:\n%s", got)
	}

	in := newClassApp(t, true, 120, 40)
	in.keys("j", "j", "j", "j", "enter", "tab", "r")
	in.send(ClassStatus{Following: 3, Driving: true, Driver: "teacher", AskSeq: 1, Counts: []int{1, 2}})
	got := in.screen()
	for _, want := range []string{"The class: 3 answer(s)", "1 exactly one · 2 more than one", "3 following · 0 away"} {
		if !strings.Contains(got, want) {
			t.Errorf("the instructor's screen does not say %q:\n%s", want, got)
		}
	}
}

// The projector layout at 100×30: lanes, listing and resources, every
// line within the width, no help line, no grey.
func TestProjectorLayout(t *testing.T) {
	timeline := record(t, "tickets", sim.Live, 1, "buyers=20", "lock=on")
	st := newClassApp(t, false, 100, 30)
	st.send(ticketsFrame(1, timeline, len(timeline)-5, false))
	st.keys("X")
	got := st.screen()
	checkSize(t, got, 100, 30)
	for _, want := range []string{"TICKETS", "buyer-", "db.json", "free", "event "} {
		if !strings.Contains(got, want) {
			t.Errorf("the projector layout does not show %q:\n%s", want, got)
		}
	}
	// the listing, around wherever the run is (a live run: the OS chose)
	sc, _ := lessons.Lookup("tickets")
	shown := 0
	for _, l := range sc.ProgramLines("en", nil) {
		// (a line's start: a long one wraps in the narrow pane)
		if l = strings.TrimSpace(l); len(l) > 12 && strings.Contains(got, l[:12]) {
			shown++
		}
	}
	if shown < 5 {
		t.Errorf("the projector layout shows %d lines of the listing, want a screenful:\n%s", shown, got)
	}
	if strings.Contains(got, "? help") || strings.Contains(got, "── events") {
		t.Errorf("the projector layout shows the help line or the event log:\n%s", got)
	}
	s := newStyles(true, false).forProjector()
	if s.Dim.GetForeground() != s.Text.GetForeground() || s.Rule.GetForeground() != s.Text.GetForeground() {
		t.Error("the projector's dim text and rules are not drawn in the text's colour")
	}
	st.keys("X")
	if got := st.screen(); !strings.Contains(got, "── events") {
		t.Errorf("P does not switch back:\n%s", got)
	}
}

// The classroom's keys and words have their Chinese.
func TestClassroomInChinese(t *testing.T) {
	k := newClassKeys()
	for _, b := range []string{k.BreakAway.Help().Desc, k.Rejoin.Help().Desc, k.Hand.Help().Desc, k.Projector.Help().Desc,
		"%d following · %d away", "following", "on your own (F follows)", "you drive", "The class: %d of %d predicted it",
		"B breaks away from the instructor first", "you broke away: the run is yours; F follows again",
		"↑/↓ choose · enter answer · s skip", "answer", "skip", "the instructor runs it"} {
		if !i18n.Has("zh", b) || !hasHan(i18n.Tr("zh", b)) {
			t.Errorf("no Chinese for %q", b)
		}
	}
}

// A follower of an instructor's CPython run (P) names CPython as the
// instructor's status bar does; the instructor's frame says so.
func TestFollowerNamesTheDriversCPython(t *testing.T) {
	in := newClassApp(t, true, 120, 40)
	in.keys("j", "j", "j", "j", "enter", "tab", "P")
	if last := in.published[len(in.published)-1]; last.Python != "CPython" {
		t.Fatalf("the instructor's P published Python %q, want CPython", last.Python)
	}
	timeline := record(t, "tickets", sim.Live, 1, "buyers=20", "lock=on")
	n := len(timeline)
	st := newClassApp(t, false, 100, 30)
	f := ticketsFrame(1, timeline, n, false)
	f.Python = "CPython 3.11.7"
	st.send(f)
	if got := st.screen(); !strings.Contains(got, "CPython 3.11.7") {
		t.Fatalf("a follower of a CPython run does not name it:\n%s", got)
	}
	f = ticketsFrame(2, timeline, n, false) // P again: the Go demo
	st.send(f)
	if got := st.screen(); strings.Contains(got, "CPython") {
		t.Fatalf("a follower still names CPython after the instructor went back to the Go demo:\n%s", got)
	}
}

// A follower reads the lesson's text where the instructor reads it: the
// same lines at the same width, about the same share of it at another;
// one who broke away keeps their own place, and F brings them back.
func TestFollowerReadsWhereTheInstructorReads(t *testing.T) {
	in := newClassApp(t, true, 100, 30)
	in.render = true
	in.keys("j", "j", "j", "j", "enter")
	for range 3 {
		in.send(tea.KeyPressMsg{Code: tea.KeyPgDown})
	}
	last := in.published[len(in.published)-1]
	if last.Reading.Top == 0 || last.Reading.Lines == 0 {
		t.Fatalf("the instructor's scrolled text published %+v", last.Reading)
	}
	pos := regexp.MustCompile(`lines \d+–\d+ of \d+`)
	want := pos.FindString(in.screen())
	if want == "" {
		t.Fatalf("the instructor's screen does not say where the text is:\n%s", in.screen())
	}
	st := newClassApp(t, false, 100, 30)
	st.render = true
	st.send(last)
	if got := pos.FindString(st.screen()); got != want {
		t.Fatalf("the follower reads %q, the instructor %q:\n%s", got, want, st.screen())
	}
	// at another width: about the same share of the text
	wide := newClassApp(t, false, 90, 30)
	wide.render = true
	wide.send(last)
	m := regexp.MustCompile(`lines (\d+)–\d+ of (\d+)`).FindStringSubmatch(wide.screen())
	if m == nil {
		t.Fatalf("the narrower follower's text says no position:\n%s", wide.screen())
	}
	share, was := float64(atoi(t, m[1])-1)/float64(atoi(t, m[2])), float64(last.Reading.Top)/float64(last.Reading.Lines)
	if share < was-0.05 || share > was+0.05 {
		t.Errorf("at another width the follower reads at %.2f of the text, the instructor at %.2f", share, was)
	}
	st.keys("B")
	in.send(tea.KeyPressMsg{Code: tea.KeyPgDown})
	further := in.published[len(in.published)-1]
	st.send(further)
	if got := pos.FindString(st.screen()); got != want {
		t.Errorf("a follower who broke away was scrolled with the instructor: %q, was %q", got, want)
	}
	st.keys("F")
	if got, now := pos.FindString(st.screen()), pos.FindString(in.screen()); got != now || got == want {
		t.Errorf("F does not bring the follower back to where the instructor reads: %q, the instructor %q", got, now)
	}
	// away again, the follower reads on alone; F, and the instructor's
	// place is theirs again though the instructor did not move
	here := pos.FindString(st.screen())
	st.keys("B")
	st.send(tea.KeyPressMsg{Code: tea.KeyPgUp})
	if got := pos.FindString(st.screen()); got == here {
		t.Fatalf("a follower who broke away cannot scroll alone: %q", got)
	}
	st.keys("F")
	if got := pos.FindString(st.screen()); got != here {
		t.Errorf("F does not bring the follower back to where the instructor reads: %q, the instructor %q", got, here)
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
