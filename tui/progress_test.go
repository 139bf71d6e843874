package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/sim"
)

// A student works through lesson 3 alone: opens it, runs its demo, answers
// its checkpoint questions (one wrong first), and quits; the progress is
// saved, and reopening proctour shows the lesson done.
func TestLessonWalkSavesProgress(t *testing.T) {
	dir := t.TempDir()
	p, err := lessons.LoadProgress(dir)
	if err != nil {
		t.Fatal(err)
	}
	runs := newRunner()
	// Seeded: no prediction is asked (they are for live runs), whatever the
	// lesson file holds.
	a, err := newApp(Options{Lang: "en", Speed: 1, Progress: p, Mode: sim.Seeded, Seed: 1}, runs, false)
	if err != nil {
		t.Fatal(err)
	}
	tm, waitFor := testProgram(t, a, 10*time.Second)
	enter := tea.KeyPressMsg{Code: tea.KeyEnter}
	openDemoTab(tm, waitFor, 3, "Isolation")
	tm.Type("r")
	waitFor("ended")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyTab})
	tm.Type("c")
	waitFor("Check yourself")
	qs := lessonQuestions("en", 3)
	if len(qs) < 2 {
		t.Fatalf("lesson 3 has %d questions", len(qs))
	}
	// The first question: a wrong answer, then (asked again later) the
	// right one does not undo it; the others right at once.
	wrong := (qs[0].Answer + 1) % len(qs[0].Choices)
	tm.Type(strings.Repeat("j", wrong))
	tm.Send(enter)
	waitFor("Not quite.")
	for _, q := range qs[1:] {
		tm.Type("n")
		tm.Type(strings.Repeat("j", q.Answer))
		tm.Send(enter)
		waitFor("Right.")
	}
	quit(t, tm, runs)

	saved := savedProgress(t, dir)
	r := saved.Lessons[3]
	if r == nil || !r.Read || len(r.Demos) != 1 || r.Demos[0] != "isolation" {
		t.Fatalf("saved lesson 3: %+v", r)
	}
	if r.Checkpoints[qs[0].ID] || !r.Checkpoints[qs[1].ID] {
		t.Errorf("checkpoints saved %v: want %s wrong, %s right", r.Checkpoints, qs[0].ID, qs[1].ID)
	}
	l3 := lessons.Course()[2]
	if got := saved.Of(l3, len(qs)); got != lessons.Started {
		t.Errorf("lesson 3 with one question wrong: %v, want started", got)
	}
	saved.MarkCheckpoint(3, qs[0].ID, true)
	if got := saved.Of(l3, len(qs)); got != lessons.Done {
		t.Errorf("lesson 3 with every question right: %v, want done", got)
	}

	// Reopened, the home screen shows the lesson done.
	home := reopenedHome(t, saved)
	if !strings.Contains(home, "✓  3. Isolation") || !strings.Contains(home, "1 of 17 lessons done") {
		t.Errorf("the home screen after lesson 3:\n%s", home)
	}
}

// Before the tickets demo runs, the lesson asks how many tickets it will
// sell; after the run, this run's trace answers, and the prediction is
// saved.
func TestPredictThenReveal(t *testing.T) {
	dir := t.TempDir()
	p, _ := lessons.LoadProgress(dir)
	runs := newRunner()
	a, err := newApp(Options{Lang: "en", Speed: 1, Progress: p}, runs, false)
	if err != nil {
		t.Fatal(err)
	}
	tm, waitFor := testProgram(t, a, 15*time.Second)
	openDemoTab(tm, waitFor, 5, "Locks")
	tm.Type("r")
	waitFor("before you run") // (the screen kept the "Pre" of "Press r")
	tm.Type("j")              // more than one
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitFor("ended")
	tm.Type("q")
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(app)
	if err := runs.shutdown(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	if err := final.saver.flush(final.progress); err != nil { // as Run does
		t.Fatal(err)
	}
	d := final.lesson.demo
	sold, _ := lessons.Tickets.Outcome.Measure(d.timeline)
	if len(d.revealed) < 3 || !strings.Contains(d.revealed[1], "This run: ") {
		t.Fatalf("revealed %q", d.revealed)
	}
	wantWord := "more than one"
	if sold == 1 {
		wantWord = "exactly one"
	}
	if !strings.Contains(d.revealed[1], wantWord) {
		t.Errorf("the run sold %d, the reveal says %q", sold, d.revealed[1])
	}
	saved, _ := lessons.LoadProgress(dir)
	r := saved.Lessons[5]
	if r == nil || len(r.Predictions) != 1 || r.Predictions["5.p1"] != (sold > 1) {
		t.Errorf("saved predictions %+v for a run that sold %d", r, sold)
	}
}

// A lesson file with a malformed question still opens, and says where.
func TestLessonSaysWhatIsWrongInItsFile(t *testing.T) {
	a := lessonAt(t, "en", 5, 120, 40)
	m := a.lesson
	m.problems = []lessons.Problem{{Line: 112, Msg: "a question needs its explanation"}, {Line: 130, Msg: "x"}}
	got := ansi.Strip(m.textPanel(*a.styles))
	if !strings.Contains(got, "⚠ content/en/05.md:line 112: a question needs its explanation (+1 more)") {
		t.Errorf("the text panel does not say what is wrong:\n%s", got)
	}
	if !strings.Contains(got, "One ticket, a hundred buyers") {
		t.Error("the lesson's text is gone")
	}
	if len(lessonProblems("en", 5)) != 0 {
		t.Errorf("lesson 5 as shipped has problems: %v", lessonProblems("en", 5))
	}
}

// k runs the demo many times and draws how its outcome is distributed as
// the runs end ("7/20 runs…"): with the lock, every run sells exactly one
// ticket, the correct outcome, marked.
func TestRepeatCountsOutcomes(t *testing.T) {
	d := newDemo(lessons.Tickets, demoSettings{speed: 4}, newRunner()).setSize(120, 39)
	defer d.runs.shutdown(5 * time.Second)
	d.vars, _ = d.sc.Resolve([]string{"lock=on", "buyers=5"})
	d, cmd := d.update(press("k"))
	var progress []string
	for d.repeating {
		msg := cmd().(repeatedMsg)
		if msg.err != nil {
			t.Fatal(msg.err)
		}
		d, cmd = d.update(msg)
		progress = append(progress, d.note)
		if msg.tally.Runs == 7 {
			if chart := ansi.Strip(strings.Join(d.outcomeCharts(newStyles(true, true), 120), "\n")); !strings.Contains(chart, "tickets sold: 7/20 runs…") {
				t.Errorf("after 7 runs, the chart:\n%s", chart)
			}
		}
	}
	if len(progress) != repeatRuns || !strings.Contains(progress[6], "7/20") {
		t.Errorf("progress notes %q", progress)
	}
	m := d.outcomes[len(d.outcomes)-1]
	if m.tally.Measured != repeatRuns || m.tally.Counts[1] != repeatRuns || m.label != "tickets sold" {
		t.Fatalf("repeat: %+v", m)
	}
	got := ansi.Strip(strings.Join(d.outcomeCharts(newStyles(true, true), 60), "\n"))
	if !strings.Contains(got, "tickets sold over 20 runs") || !strings.Contains(got, "        1   20  ████") || !strings.Contains(got, "← correct") {
		t.Errorf("outcome chart:\n%s", got)
	}
}

// Many different outcomes share bars by range, so that the chart fits;
// the correct outcome (one ticket) keeps a bar of its own, empty or not.
func TestOutcomeChartBinsWideRanges(t *testing.T) {
	d := newDemo(lessons.Tickets, demoSettings{speed: 1}, nil)
	m := repeatedMsg{id: "tickets", label: "tickets sold", values: d.vars, tally: lessons.Tally{Measured: 20, Runs: 20, Counts: map[int]int{}}}
	for i := range 20 {
		m.tally.Counts[2+i*2]++
	}
	d.outcomes = []repeatedMsg{m}
	lines := d.outcomeCharts(newStyles(true, true), 60)
	if len(lines) > 7 {
		t.Errorf("%d lines for 20 different values:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	total := 0
	for _, l := range lines[1:] {
		var a, b, n int
		if _, err := fmt.Sscanf(strings.TrimSpace(ansi.Strip(l)), "%d–%d %d", &a, &b, &n); err == nil {
			total += n
		}
	}
	if total != 20 {
		t.Errorf("the bars count %d runs, want 20:\n%s", total, ansi.Strip(strings.Join(lines, "\n")))
	}
	if first := strings.TrimSpace(ansi.Strip(lines[1])); first != "1    0  ← correct" {
		t.Errorf("the first bar %q, want the correct outcome alone", first)
	}
}

// Two repeats side by side (lock off, lock on) share their bars and their
// scale: the same outcome on the same row, the same number of runs as
// long a bar in both.
func TestOutcomeChartsShareAScale(t *testing.T) {
	d := newDemo(lessons.Tickets, demoSettings{speed: 1}, nil).setSize(120, 39)
	on, _ := d.sc.Resolve([]string{"lock=on"})
	off := d.vars
	mk := func(v lessons.Vars, outcomes ...int) repeatedMsg {
		m := repeatedMsg{id: "tickets", label: "tickets sold", vars: v.String(), values: v, tally: lessons.Tally{Counts: map[int]int{}}}
		for _, o := range outcomes {
			m.tally.Counts[o]++
			m.tally.Runs++
			m.tally.Measured++
		}
		return m
	}
	d.outcomes = []repeatedMsg{mk(off, 1, 1, 1, 1, 1, 1, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4), mk(on, 1, 1, 1, 1, 1, 1)}
	lines := d.outcomeCharts(newStyles(true, true), 120)
	for _, l := range lines[1:] {
		l = ansi.Strip(l)
		half := (120 - 3) / 2
		left, right := strings.TrimSpace(string([]rune(l)[:half])), strings.TrimSpace(string([]rune(l)[half+3:]))
		var lv, ln, rv, rn int
		fmt.Sscanf(left, "%d %d", &lv, &ln)
		fmt.Sscanf(right, "%d %d", &rv, &rn)
		if lv != rv {
			t.Errorf("row %q beside %q: not the same outcome", left, right)
		}
		if ln == rn && strings.Count(left, "█") != strings.Count(right, "█") {
			t.Errorf("%d runs drawn %d long on the left, %d on the right", ln, strings.Count(left, "█"), strings.Count(right, "█"))
		}
	}
	if len(lines) != 5 { // a title, then 1 to 4, the gap at 2 included
		t.Errorf("want a bar each for 1 to 4:\n%s", ansi.Strip(strings.Join(lines, "\n")))
	}
}

// h shows a question's hint before it is answered; the answer then shows
// why.
func TestQuizHint(t *testing.T) {
	q := newQuiz(5, []lessons.Question{{ID: "5.1", Text: "Why oversold?", Choices: []string{"a", "b"}, Answer: 1,
		Hint: "look between the read and the write", Why: "both read 1"}}).setSize(60, 20)
	s := newStyles(true, true)
	if v := ansi.Strip(q.view(s, "en")); !strings.Contains(v, "h: a hint") || strings.Contains(v, "look between") {
		t.Errorf("before h:\n%s", v)
	}
	q, _ = q.update(tea.KeyPressMsg{Code: 'h', Text: "h"})
	if v := ansi.Strip(q.view(s, "en")); !strings.Contains(v, "Hint: look between the read and the write") {
		t.Errorf("after h:\n%s", v)
	}
	q, _ = q.update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if len(q.notes) != 1 || q.notes[0] != (answeredMsg{lesson: 5, id: "5.1", right: false}) {
		t.Errorf("answering a: notes %+v", q.notes)
	}
	if v := ansi.Strip(q.view(s, "en")); strings.Contains(v, "Hint:") || !strings.Contains(v, "both read 1") || !strings.Contains(v, "Not quite.") {
		t.Errorf("after answering:\n%s", v)
	}
}

// M in lesson 1 shows the CPU model, labelled as a model. It first asks
// the lesson's prediction for one CPU; stepping then draws the timeline
// tick by tick, and at its end the guess is checked against it. t
// switches to two CPUs, which finish sooner, and asks again.
func TestCPUModelView(t *testing.T) {
	a := lessonAt(t, "en", 1, 120, 40)
	var cmd tea.Cmd
	press := func(k tea.KeyPressMsg) {
		var m tea.Model
		m, cmd = a.Update(k)
		a = m.(app)
	}
	space := tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	press(tea.KeyPressMsg{Code: 'M', Text: "M"})
	if a.lesson.model == nil {
		t.Fatal("M did not open the model")
	}
	screen := ansi.Strip(screenText(a))
	for _, want := range []string{"THE CPU MODEL — a model, not real processes", "Predict before you step", "While A waits, what does the CPU do?", "› it waits for A"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the model's question lacks %q:\n%s", want, screen)
		}
	}
	press(space)
	if a.lesson.model.at != 0 {
		t.Error("space stepped the model before the question was answered")
	}
	press(tea.KeyPressMsg{Code: tea.KeyDown})
	press(tea.KeyPressMsg{Code: tea.KeyEnter})
	for range 3 {
		press(space)
	}
	screen = ansi.Strip(screenText(a))
	for _, want := range []string{"1 CPU · time slice 2 ticks · tick 3 of", "A      █ █ · ", "CPU 0  A A B", "At tick 2: "} {
		if !strings.Contains(screen, want) {
			t.Errorf("the model view lacks %q:\n%s", want, screen)
		}
	}
	one := len(a.lesson.model.ticks)
	for a.lesson.model.at < one {
		press(space)
	}
	screen = ansi.Strip(screenText(a))
	for _, want := range []string{"All done after 11 ticks on 1 CPU", "Your prediction: it runs B or C, which are ready", "The model: it runs B or C, which are ready.", "✓ Right.", "A blocked process does not need the CPU"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the model's end lacks %q:\n%s", want, screen)
		}
	}
	r := a.progress.Lessons[1]
	if r == nil || len(r.Predictions) != 1 || !r.Predictions["1.p1"] || cmd == nil {
		t.Fatalf("the reveal is not in the progress (or not saved): %+v", r)
	}
	if press(space); cmd != nil {
		t.Error("a step past the end saves the prediction again")
	}

	press(tea.KeyPressMsg{Code: 't', Text: "t"})
	if two := len(a.lesson.model.ticks); a.lesson.model.cpus != 2 || two >= one {
		t.Errorf("two CPUs take %d ticks, one CPU %d", two, one)
	}
	if screen = ansi.Strip(screenText(a)); !strings.Contains(screen, "With two CPUs, how many ticks") {
		t.Errorf("t does not ask about two CPUs:\n%s", screen)
	}
	press(tea.KeyPressMsg{Code: 's', Text: "s"}) // step without guessing
	press(space)
	if a.lesson.model.at != 1 {
		t.Errorf("after s and a step the model is at tick %d", a.lesson.model.at)
	}
	press(tea.KeyPressMsg{Code: 'M', Text: "M"})
	if a.lesson.model != nil {
		t.Error("M did not close the model")
	}
	if b := lessonAt(t, "en", 2, 120, 40); b.lesson.keys.Model.Enabled() {
		t.Error("the model key is on in lesson 2")
	}
}

// A student takes lesson 5 from start to end alone: predicts, runs both
// demos, answers the checkpoints, quits; reopened, proctour shows the
// lesson done.
func TestWholeLessonWalk(t *testing.T) {
	dir := t.TempDir()
	p, _ := lessons.LoadProgress(dir)
	runs := newRunner()
	a, err := newApp(Options{Lang: "en", Speed: 2, Progress: p}, runs, false)
	if err != nil {
		t.Fatal(err)
	}
	tm, waitFor := testProgram(t, a, 20*time.Second)
	enter := tea.KeyPressMsg{Code: tea.KeyEnter}
	openDemoTab(tm, waitFor, 5, "Locks")
	tm.Type("r")
	waitFor("before you run")
	tm.Type("j")
	tm.Send(enter)
	waitFor("ended")
	tm.Type("d") // the lesson's other demo: terminate
	waitFor("demo 2 of 2")
	tm.Type("r")
	waitFor("terminated while it holds")
	tm.Type("j") // none: the lock stays taken
	tm.Send(enter)
	waitFor("✓ Right.") // revealed once the watchdog has stopped the run
	tm.Send(tea.KeyPressMsg{Code: tea.KeyTab})
	tm.Type("c")
	waitFor("Check yourself")
	qs := lessonQuestions("en", 5)
	for i, q := range qs {
		if i > 0 {
			tm.Type("n")
		}
		tm.Type(strings.Repeat("j", q.Answer))
		tm.Send(enter)
		why := strings.ReplaceAll(q.Why, "`", "")
		waitFor(why[:16]) // new text, drawn whole (a changed count is drawn digit by digit)
	}
	quit(t, tm, runs)
	saved := savedProgress(t, dir)
	r := saved.Lessons[5]
	if r == nil || !r.Read || len(r.Demos) != 2 || len(r.Predictions) != 2 || len(r.Checkpoints) != len(qs) {
		t.Fatalf("saved lesson 5: %+v", r)
	}
	if home := reopenedHome(t, saved); !strings.Contains(home, "✓  5. Locks") || !strings.Contains(home, "1 of 17 lessons done") {
		t.Errorf("the home screen after lesson 5:\n%s", home)
	}
}

// quit presses q, waits for the program to end and for every run to stop.
func quit(t *testing.T, tm *teatest.TestModel, runs *runner) {
	t.Helper()
	tm.Type("q")
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(app)
	if err := runs.shutdown(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	if err := final.saver.flush(final.progress); err != nil { // as Run does
		t.Fatal(err)
	}
}

// savedProgress reads back the progress file the program wrote.
func savedProgress(t *testing.T, dir string) *lessons.Progress {
	t.Helper()
	p, err := lessons.LoadProgress(dir)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Saves of the progress may finish in any order; the file ends with the
// latest, and flush at the end writes one that never ran.
func TestProgressSavesKeepTheLatest(t *testing.T) {
	dir := t.TempDir()
	p, _ := lessons.LoadProgress(dir)
	s := &progressSaver{}
	p.MarkRead(1)
	b1, _ := p.Encode()
	first := s.save(p.Path(), b1)
	p.MarkRead(2)
	b2, _ := p.Encode()
	second := s.save(p.Path(), b2)
	second()
	first() // late: must not put back the older version
	if got := savedProgress(t, dir); got.Lessons[2] == nil || !got.Lessons[2].Read {
		t.Errorf("after the saves ran out of order, lesson 2 is %+v", got.Lessons[2])
	}
	p.MarkRead(3)
	b3, _ := p.Encode()
	_ = s.save(p.Path(), b3) // the program quit before it ran
	if err := s.flush(p); err != nil {
		t.Fatal(err)
	}
	if got := savedProgress(t, dir); got.Lessons[3] == nil || !got.Lessons[3].Read {
		t.Errorf("after flush, lesson 3 is %+v", got.Lessons[3])
	}
}

// A checkpoint question that a run answers offers t: it sets that demo up
// with the question's values, in the demo tab, the quiz a tab away. In
// lesson 1 it opens the CPU model on two CPUs.
func TestCheckpointTryIt(t *testing.T) {
	a := lessonAt(t, "en", 5, 100, 30)
	a.lesson.demo.mode = sim.Step // set earlier by the student
	var cmd tea.Cmd
	press := func(k tea.KeyPressMsg) {
		var m tea.Model
		m, cmd = a.Update(k)
		a = m.(app)
		for cmd != nil { // a tryMsg comes back as a command's message
			msg, ok := cmd().(tryMsg)
			if !ok {
				break
			}
			m, cmd = a.Update(msg)
			a = m.(app)
		}
	}
	letter := func(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Text: string(r)} }
	press(letter('c'))
	press(letter('n'))
	press(letter('n')) // question 3: a holder terminated inside the lock
	if screen := screenText(a); !strings.Contains(screen, "t: try it, terminate kill=on") {
		t.Fatalf("question 3 does not offer its run:\n%s", screen)
	}
	press(letter('t'))
	d := a.lesson.demo
	if a.lesson.tab != tabDemo || d.sc.ID != "terminate" || d.vars["kill"] != "on" || d.running || d.mode != sim.Live {
		t.Fatalf("t: tab %d, demo %s %v, running %v", a.lesson.tab, d.sc.ID, d.vars, d.running)
	}
	if !strings.Contains(screenText(a), "terminate kill=on workers=3, live: r runs it") {
		t.Errorf("t says nothing of what it set up:\n%s", screenText(a))
	}
	press(tea.KeyPressMsg{Code: tea.KeyTab})
	if !a.lesson.checking || a.lesson.quiz.cur != 2 {
		t.Errorf("back on the text: quiz open %v at question %d", a.lesson.checking, a.lesson.quiz.cur+1)
	}

	b := lessonAt(t, "en", 1, 120, 40)
	a = b
	press(letter('c'))
	for range 4 {
		press(letter('n'))
	}
	press(letter('t'))
	if a.lesson.model == nil || a.lesson.model.cpus != 2 || a.lesson.checking {
		t.Fatalf("t on the model question: model %v, checking %v", a.lesson.model, a.lesson.checking)
	}
}

// After the last question the quiz sums up and says what enter does;
// enter there asks the ones answered wrong again, under a header that
// says so and keeps the score just shown. A question skipped with n is
// what enter goes to before the end.
func TestQuizEndsWithAScore(t *testing.T) {
	qs := lessonQuestions("en", 4)
	q := newQuiz(4, qs).setSize(100, 40)
	view := func() string { return ansi.Strip(q.view(newStyles(true, true), "en")) }
	n := tea.KeyPressMsg{Code: 'n', Text: "n"}
	enter := tea.KeyPressMsg{Code: tea.KeyEnter}
	answer := func(pick int) {
		for range pick {
			q, _ = q.update(tea.KeyPressMsg{Code: tea.KeyDown})
		}
		q, _ = q.update(enter)
	}
	q, _ = q.update(n) // question 1 skipped
	for i := 1; i < len(qs); i++ {
		pick := qs[i].Answer
		if i == 1 {
			pick = (pick + 1) % len(qs[i].Choices) // one wrong
		}
		answer(pick)
		if i < len(qs)-1 {
			if !strings.Contains(view(), "enter or n: next question") {
				t.Errorf("question %d answered: no word on what enter does:\n%s", i+1, view())
			}
			q, _ = q.update(enter)
		}
	}
	if v := view(); !strings.Contains(v, "enter: question 1, not answered yet") {
		t.Errorf("the last question answered, the first skipped:\n%s", v)
	}
	q, _ = q.update(enter)
	if q.cur != 0 {
		t.Fatalf("enter after the last question: at question %d, want the skipped first", q.cur+1)
	}
	answer(qs[0].Answer)
	want := fmt.Sprintf("%d of %d right.", len(qs)-1, len(qs))
	if v := view(); !strings.Contains(v, want) || !strings.Contains(v, "enter: the 1 you missed, asked again") {
		t.Errorf("the end of the quiz:\n%s", v)
	}
	q, _ = q.update(enter)
	if _, answered := q.chosen[1]; q.cur != 1 || answered || len(q.chosen) != len(qs)-1 {
		t.Errorf("enter at the end: at question %d, answers %v", q.cur+1, q.chosen)
	}
	header := strings.SplitN(strings.TrimSpace(view()), "\n", 2)[0]
	if wantH := fmt.Sprintf("2 / %d · asked again · %d of %d right so far", len(qs), len(qs)-1, len(qs)); !strings.Contains(header, wantH) {
		t.Errorf("the missed question asked again under %q, want %q", header, wantH)
	}
	answer(qs[1].Answer)
	if v := view(); !strings.Contains(v, fmt.Sprintf("All %d answered right.", len(qs))) {
		t.Errorf("every answer right at last:\n%s", v)
	}
}

// L in a lesson switches its language where the student is: the quiz at
// the same question with its answer, the demo as it was, and the lesson
// list in the new language afterwards.
func TestLanguageSwitchInALesson(t *testing.T) {
	a := lessonAt(t, "en", 5, 100, 30)
	press := func(k tea.KeyPressMsg) {
		m, _ := a.Update(k)
		a = m.(app)
	}
	letter := func(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Text: string(r)} }
	press(letter('c'))
	press(letter('n'))
	press(tea.KeyPressMsg{Code: tea.KeyEnter}) // answers question 2
	demo := a.lesson.demo.sc
	press(letter('L'))
	if m, _ := a.Update(renderLesson(a.lesson.reader.key, a.lesson.l)()); m != nil {
		a = m.(app)
	}
	screen := screenText(a)
	if a.lang != "zh" || a.lesson.lang != "zh" || !a.lesson.checking || a.lesson.quiz.cur != 1 || len(a.lesson.quiz.chosen) != 1 {
		t.Fatalf("after L: lang %s/%s, quiz open %v at %d, answers %v", a.lang, a.lesson.lang, a.lesson.checking, a.lesson.quiz.cur+1, a.lesson.quiz.chosen)
	}
	if !strings.Contains(screen, "自我检测") || !strings.Contains(screen, "抢票程序里，哪一部分需要加锁") || a.lesson.demo.sc != demo || a.lesson.demo.lang != "zh" {
		t.Errorf("after L the lesson is not in Chinese where it was:\n%s", screen)
	}
	press(tea.KeyPressMsg{Code: tea.KeyEscape}) // closes the quiz
	press(tea.KeyPressMsg{Code: tea.KeyEscape}) // back to the list
	if screen := screenText(a); a.screen != screenHome || !strings.Contains(screen, "锁：抢票") {
		t.Errorf("the list after L in a lesson:\n%s", screen)
	}
}

// reopenedHome is the lesson list of proctour started again with saved.
func reopenedHome(t *testing.T, saved *lessons.Progress) string {
	t.Helper()
	b, err := newApp(Options{Lang: "en", Progress: saved}, newRunner(), true)
	if err != nil {
		t.Fatal(err)
	}
	b.width, b.height = 100, 30
	b, _ = b.resize()
	return b.home.view(*b.styles)
}
