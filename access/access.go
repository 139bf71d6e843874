// Package access is proctour without the full-screen interface: the course
// as plain text, a demo narrated as one sentence per event, and every
// choice (a prediction, a checkpoint, who moves next in step mode) as a
// numbered prompt read from standard input. Nothing is redrawn and no
// colour is needed, so a screen reader reads each line once; it also
// serves a dumb terminal, a braille display, or an instructor piping the
// narration into a handout. `proctour --accessible` (or ACCESSIBLE set in
// the environment, as charmbracelet/huh has it) opens it.
package access

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/proctour/proctour/content"
	"github.com/proctour/proctour/i18n"
	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
	"github.com/proctour/proctour/tui/markdown"
)

// Options are what the course starts with.
type Options struct {
	Context  context.Context
	In       io.Reader
	Out      io.Writer
	Lang     string // en or zh
	Width    int    // wrap the text this wide; 0: 80
	Progress *lessons.Progress
	Mode     sim.Mode // how demos start: live, or step (the student schedules)
	Seed     uint64
	Speed    float64
	// Lesson, when not 0, opens that lesson at once.
	Lesson int
}

// errQuit ends the course: q typed, or standard input closed.
var errQuit = errors.New("quit")

// course is one sitting.
type course struct {
	o    Options
	in   chan string // standard input's lines; closed at its end
	out  io.Writer
	lang string
	// vars are each demo's values, kept while the course is open.
	vars map[string]lessons.Vars
	// saveErr is the first failure to save progress, said once.
	saveErr error
}

// Run is the accessible course, until the student quits or standard input
// ends. Every demo's processes are reaped before it returns.
func Run(o Options) error {
	if o.Context == nil {
		o.Context = context.Background()
	}
	if o.Width <= 0 {
		o.Width = 80
	}
	if o.Progress == nil {
		o.Progress = lessons.NewProgress()
	}
	if o.Speed <= 0 {
		o.Speed = 1
	}
	c := &course{o: o, in: make(chan string), out: o.Out, lang: o.Lang, vars: map[string]lessons.Vars{}}
	// Lines are read aside, so that a signal (the context) ends a course
	// waiting at a prompt at once. The reader is left blocked on a
	// terminal that never sends another line: the process is ending.
	go func() {
		defer close(c.in)
		sc := bufio.NewScanner(o.In)
		sc.Buffer(make([]byte, 4096), 1<<20)
		for sc.Scan() {
			select {
			case c.in <- sc.Text():
			case <-o.Context.Done():
				return
			}
		}
	}()
	c.say("proctour, accessible mode. Type the number of a choice and press enter; q quits.")
	if o.Lesson > 0 {
		if err := c.lesson(o.Lesson); err != nil {
			return ignoreQuit(err)
		}
	}
	return ignoreQuit(c.home())
}

func ignoreQuit(err error) error {
	if errors.Is(err, errQuit) {
		return nil
	}
	return err
}

// say prints one sentence (a format of the catalogue) in the course's
// language.
func (c *course) say(format string, a ...any) { c.line(i18n.Say(c.lang, format, a...)) }

// sayT prints a T.
func (c *course) sayT(t i18n.T) {
	if !t.IsZero() {
		c.line(sim.Printable(t.In(c.lang)))
	}
}

func (c *course) line(s string) { fmt.Fprintln(c.out, s) }

// blank separates parts, as a paragraph break.
func (c *course) blank() { fmt.Fprintln(c.out) }

// ask shows numbered choices and reads one: its index from 0, or -1 for
// the extra choice "0" when zero is set (its text). q or the end of input
// is errQuit.
func (c *course) ask(prompt string, choices []string, zero string) (int, error) {
	if prompt != "" {
		c.line(prompt)
	}
	for i, ch := range choices {
		c.line(fmt.Sprintf("%d. %s", i+1, ch))
	}
	if zero != "" {
		c.line("0. " + zero)
	}
	for {
		fmt.Fprint(c.out, i18n.Tr(c.lang, "Your choice: "))
		text, err := c.next()
		if err != nil {
			return 0, err
		}
		if text == "q" || text == "Q" {
			return 0, errQuit
		}
		n, err := strconv.Atoi(text)
		switch {
		case err == nil && n >= 1 && n <= len(choices):
			return n - 1, nil
		case err == nil && n == 0 && zero != "":
			return -1, nil
		}
		if zero != "" {
			c.say("Please type a number from 0 to %d, or q to quit.", len(choices))
		} else {
			c.say("Please type a number from 1 to %d, or q to quit.", len(choices))
		}
	}
}

// next is the next line typed, trimmed; errQuit at the end of input or
// when the context ends.
func (c *course) next() (string, error) {
	select {
	case line, ok := <-c.in:
		if !ok {
			c.blank()
			return "", errQuit
		}
		return strings.TrimSpace(line), nil
	case <-c.o.Context.Done():
		c.blank()
		return "", errQuit
	}
}

// readLine reads a free answer (a variant's value); "" on an empty line.
func (c *course) readLine(prompt string) (string, error) {
	fmt.Fprint(c.out, prompt)
	return c.next()
}

// home is the lesson list.
func (c *course) home() error {
	for {
		c.blank()
		c.say("Lessons:")
		ls := lessons.Course()
		choices := make([]string, len(ls))
		done := 0
		for i, l := range ls {
			f, _ := lessons.ReadLesson(c.lang, l.N)
			st := c.o.Progress.Of(l, len(f.Questions))
			if st == lessons.Done {
				done++
			}
			choices[i] = i18n.Say(c.lang, "%s (%s)", content.Title(c.lang, l.N, l.Title), statusWord(c.lang, st))
		}
		c.say("%d of %d lessons done.", done, len(ls))
		n, err := c.ask(i18n.Tr(c.lang, "Which lesson?"), choices, "")
		if err != nil {
			return err
		}
		if err := c.lesson(ls[n].N); err != nil {
			return err
		}
	}
}

func statusWord(lang string, st lessons.Status) string {
	switch st {
	case lessons.Done:
		return i18n.Tr(lang, "done")
	case lessons.Started:
		return i18n.Tr(lang, "started")
	}
	return i18n.Tr(lang, "not started")
}

// save writes the progress; a failure is said once.
func (c *course) save() {
	if err := c.o.Progress.Save(); err != nil && c.saveErr == nil {
		c.saveErr = err
		c.say("Your progress could not be saved: %s", err.Error())
	}
}

// lesson reads lesson n aloud and offers its demos and checkpoints, until
// the student goes back.
func (c *course) lesson(n int) error {
	ls := lessons.Course()
	if n < 1 || n > len(ls) {
		c.say("There is no lesson %d; the course has %d.", n, len(ls))
		return nil
	}
	l := ls[n-1]
	f, err := lessons.ReadLesson(c.lang, n)
	if err != nil {
		c.say("Lesson %d has no text in this language.", n)
		return nil
	}
	c.read(f.Body)
	c.o.Progress.MarkRead(n)
	c.save()
	for {
		var choices []string
		var acts []func() error
		choices = append(choices, i18n.Tr(c.lang, "Read the lesson again"))
		acts = append(acts, func() error { c.read(f.Body); return nil })
		for _, sc := range l.Available() {
			sc := sc
			vars := c.varsOf(sc)
			label := sc.ID
			if s := vars.String(); s != "" {
				label += " (" + s + ")"
			}
			choices = append(choices, i18n.Say(c.lang, "Run the demo %s: %s", label, sc.SummaryIn(c.lang)))
			acts = append(acts, func() error { return c.demo(n, sc, f.Predictions, c.o.Mode) })
			if c.o.Mode != sim.Step {
				choices = append(choices, i18n.Say(c.lang, "Run %s step by step, choosing who moves next", sc.ID))
				acts = append(acts, func() error { return c.demo(n, sc, f.Predictions, sim.Step) })
			}
			if len(sc.Variants) > 0 {
				choices = append(choices, i18n.Say(c.lang, "Change the settings of %s", sc.ID))
				acts = append(acts, func() error { return c.settings(sc) })
			}
		}
		if hasModel(f.Predictions) {
			for _, cpus := range []int{1, 2} {
				cpus := cpus
				choices = append(choices, i18n.Say(c.lang, "Run the CPU model on %d CPU(s)", cpus))
				acts = append(acts, func() error { return c.model(f.Predictions, cpus) })
			}
		}
		if len(f.Questions) > 0 {
			choices = append(choices, i18n.Say(c.lang, "Check yourself (%d questions)", len(f.Questions)))
			acts = append(acts, func() error { return c.checkpoints(n, f.Questions) })
		}
		c.blank()
		title := content.Title(c.lang, n, l.Title)
		k, err := c.ask(i18n.Say(c.lang, "%s: what next?", title), choices, i18n.Tr(c.lang, "Back to the lessons"))
		if err != nil {
			return err
		}
		if k < 0 {
			return nil
		}
		if err := acts[k](); err != nil {
			return err
		}
	}
}

// read prints lesson text as plain wrapped text.
func (c *course) read(md string) {
	c.blank()
	c.line(Plain(md, c.o.Width))
}

// Plain is Markdown as plain text width columns wide: no colour, no
// styling, nothing but the words.
func Plain(md string, width int) string {
	return markdown.Render(md, width, markdown.Theme{})
}

func (c *course) varsOf(sc *lessons.Scenario) lessons.Vars {
	if v, ok := c.vars[sc.ID]; ok {
		return v
	}
	v, _ := sc.Resolve(nil)
	c.vars[sc.ID] = v
	return v
}

// settings changes one variant of a demo.
func (c *course) settings(sc *lessons.Scenario) error {
	vars := c.varsOf(sc)
	choices := make([]string, len(sc.Variants))
	for i, v := range sc.Variants {
		_, allowed := v.Accepts(v.Default)
		choices[i] = i18n.Say(c.lang, "%s = %s (allowed: %s): %s", v.Key, vars[v.Key], allowed, sc.VariantHelpIn(c.lang, v.Key))
	}
	c.blank()
	k, err := c.ask(i18n.Tr(c.lang, "Which setting?"), choices, i18n.Tr(c.lang, "Keep them as they are"))
	if err != nil || k < 0 {
		return err
	}
	v := sc.Variants[k]
	for {
		s, err := c.readLine(i18n.Say(c.lang, "New value for %s (now %s): ", v.Key, vars[v.Key]))
		if err != nil {
			return err
		}
		if s == "" {
			return nil
		}
		if ok, allowed := v.Accepts(s); !ok {
			c.say("%s takes %s.", v.Key, allowed)
			continue
		}
		vars[v.Key] = s
		c.say("%s is now %s.", v.Key, s)
		return nil
	}
}

// checkpoints asks a lesson's questions in turn.
func (c *course) checkpoints(n int, qs []lessons.Question) error {
	right := 0
	for i, q := range qs {
		c.blank()
		c.say("Question %d of %d: %s", i+1, len(qs), q.Text)
		k, err := c.ask("", q.Choices, i18n.Tr(c.lang, "Skip this question"))
		if err != nil {
			return err
		}
		if k < 0 {
			continue
		}
		ok := k == q.Answer
		c.o.Progress.MarkCheckpoint(n, q.ID, ok)
		c.save()
		if ok {
			right++
			c.say("Right.")
		} else {
			c.say("Not quite: the answer is %d, %s", q.Answer+1, q.Choices[q.Answer])
		}
		if q.Why != "" {
			c.line(Plain(q.Why, c.o.Width))
		}
	}
	c.blank()
	c.say("%d of %d right.", right, len(qs))
	return nil
}

// demo runs a scenario, narrated, with the lesson's prediction about it
// asked first.
func (c *course) demo(n int, sc *lessons.Scenario, preds []lessons.Prediction, mode sim.Mode) error {
	vars := c.varsOf(sc)
	guess, pred, err := c.predict(preds, sc.ID, vars)
	if err != nil {
		return err
	}
	c.blank()
	if vars.String() != "" {
		c.say("Running %s with %s.", sc.ScriptName(), vars.String())
	} else {
		c.say("Running %s.", sc.ScriptName())
	}
	if mode == sim.Step {
		c.say("Step mode: before each operation you choose which process moves. Enter alone moves the one that has waited longest.")
	}
	o := sc.Options(c.o.Speed, 0)
	o.Mode, o.Seed = mode, c.o.Seed
	s, err := sim.Start(sc.Script(vars), o)
	if err != nil {
		c.say("The demo could not start: %s", err.Error())
		return nil
	}
	timeline, err := c.follow(s)
	if err != nil {
		return err
	}
	c.o.Progress.MarkDemo(n, sc.ID)
	c.save()
	if sc.Outcome != nil {
		if v, ok := sc.Outcome.Measure(timeline); ok {
			c.say("Outcome: %s = %d.", sc.OutcomeLabelIn(c.lang), v)
		}
	}
	if pred != nil {
		c.reveal(pred, guess, func() (int, int) { return pred.Reveal(sc, timeline) }, n)
	}
	return nil
}

// predict asks the lesson's prediction about a run of demo with vars, if
// it has one: the prediction and the choice (-1: none).
func (c *course) predict(preds []lessons.Prediction, demo string, vars lessons.Vars) (int, *lessons.Prediction, error) {
	for i := range preds {
		p := &preds[i]
		if !p.Applies(demo, vars) {
			continue
		}
		c.blank()
		choices := make([]string, len(p.Choices))
		for i, ch := range p.Choices {
			choices[i] = ch.Text
		}
		k, err := c.ask(i18n.Say(c.lang, "Predict first: %s", p.Ask), choices, i18n.Tr(c.lang, "Run without guessing"))
		return k, p, err
	}
	return -1, nil, nil
}

// follow narrates a session to its end, asking who moves next in step
// mode. q stops the run (its processes are reaped) and ends the course.
func (c *course) follow(s *sim.Session) ([]trace.Record, error) {
	st := &sim.State{}
	var timeline []trace.Record
	from := 0
	var quit error
	for {
		events, pending, done, changed := s.Snapshot(from)
		from += len(events)
		for _, r := range events {
			c.sayT(Sentence(st, r))
			st.Apply(r)
			timeline = append(timeline, r)
		}
		if done {
			break
		}
		if quit == nil && s.Mode() == sim.Step && len(pending) > 0 && !s.Busy() && len(events) == 0 {
			if err := c.choose(s, pending); err != nil {
				quit = err
				s.Stop()
			}
			continue
		}
		select {
		case <-changed:
		case <-s.Done():
		case <-time.After(250 * time.Millisecond):
		case <-c.o.Context.Done():
			s.Stop()
			quit = errQuit
		}
	}
	<-s.Done()
	return timeline, quit
}

// choose asks who moves next.
func (c *course) choose(s *sim.Session, pending []sim.Intent) error {
	var can []sim.Intent
	for _, in := range pending {
		if in.CanProceed {
			can = append(can, in)
		}
	}
	if len(can) == 0 {
		return nil // the watchdog will say who waits for what
	}
	choices := make([]string, len(can))
	for i, in := range can {
		choices[i] = in.Proc + ": " + in.DescribeIn(c.lang)
	}
	for _, in := range pending {
		if !in.CanProceed {
			c.say("%s would block on %s.", in.Proc, in.Blocked.In(c.lang))
		}
	}
	prompt := i18n.Tr(c.lang, "Who moves next?")
	c.line(prompt)
	for i, ch := range choices {
		c.line(fmt.Sprintf("%d. %s", i+1, sim.Printable(ch)))
	}
	for {
		fmt.Fprint(c.out, i18n.Tr(c.lang, "Your choice: "))
		text, err := c.next()
		if err != nil {
			return err
		}
		if text == "q" || text == "Q" {
			return errQuit
		}
		pid := can[0].Pid
		if text != "" {
			k, err := strconv.Atoi(text)
			if err != nil || k < 1 || k > len(can) {
				c.say("Please type a number from 1 to %d, or q to quit.", len(can))
				continue
			}
			pid = can[k-1].Pid
		}
		err = s.Release(pid)
		var wb *sim.WouldBlockError
		switch {
		case err == nil, errors.Is(err, sim.ErrHalted):
			return nil
		case errors.Is(err, sim.ErrBusy):
			time.Sleep(20 * time.Millisecond)
			return nil
		case errors.As(err, &wb):
			c.say("%s would block on %s.", wb.Proc, wb.Why.In(c.lang))
		default:
			c.line(err.Error())
			return nil
		}
	}
}

func hasModel(ps []lessons.Prediction) bool {
	for _, p := range ps {
		if p.Demo == lessons.ModelDemo {
			return true
		}
	}
	return false
}

// model runs lesson 1's CPU model, narrated tick by tick, with its
// prediction asked first. It is a model, not real processes: it says so.
func (c *course) model(preds []lessons.Prediction, cpus int) error {
	vars := lessons.Vars{"cpus": strconv.Itoa(cpus)}
	guess, pred, err := c.predict(preds, lessons.ModelDemo, vars)
	if err != nil {
		return err
	}
	c.blank()
	c.say("The CPU model (a model, not real processes): A, B and C take turns on %d CPU(s), 2 ticks at a time.", cpus)
	ticks := lessons.RunModel(cpus)
	names := make([]string, len(lessons.ModelWorkload))
	for i, p := range lessons.ModelWorkload {
		names[i] = p.Name
	}
	for i, t := range ticks {
		var run, ready, io []string
		for p, st := range t.States {
			switch st {
			case sim.ModelRunning:
				run = append(run, names[p])
			case sim.ModelReady:
				ready = append(ready, names[p])
			case sim.ModelBlocked:
				io = append(io, names[p])
			}
		}
		idle := 0
		for _, p := range t.CPUs {
			if p < 0 {
				idle++
			}
		}
		c.say("Tick %d: running %s; ready %s; waiting for I/O %s; idle CPUs %d.", i+1, list(c.lang, run), list(c.lang, ready), list(c.lang, io), idle)
	}
	c.say("Every process is done after %d ticks.", len(ticks))
	if pred != nil {
		c.reveal(pred, guess, func() (int, int) { return pred.RevealWith(lessons.ModelMeasure(ticks)) }, 1)
	}
	return nil
}

// list is names joined, or "none".
func list(lang string, names []string) string {
	if len(names) == 0 {
		return i18n.Tr(lang, "none")
	}
	return strings.Join(names, ", ")
}

// reveal says what the run showed against the prediction.
// measure reads the run; n is the lesson, for progress.
func (c *course) reveal(p *lessons.Prediction, guess int, measure func() (choice, value int), n int) {
	choice, value := measure()
	c.blank()
	if choice < 0 {
		c.say("This run cannot answer the prediction (it was stopped before it could be measured).")
		return
	}
	c.say("The run showed: %s (%d).", p.Choices[choice].Text, value)
	if guess >= 0 {
		right := guess == choice
		c.o.Progress.MarkPrediction(n, p.ID, right)
		c.save()
		if right {
			c.say("You predicted that.")
		} else {
			c.say("You predicted: %s", p.Choices[guess].Text)
		}
	}
	if choice == p.Expect {
		c.line(Plain(p.Why, c.o.Width))
	} else if p.Otherwise != "" {
		c.line(Plain(p.Otherwise, c.o.Width))
	}
}
