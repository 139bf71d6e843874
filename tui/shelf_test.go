package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// A demo left while it runs goes on in the background, and the lesson
// list says so; back in the lesson, the demo has the values the student
// set and the run, ended while they were away. Another demo of the
// lesson (d) keeps its own values.
func TestLeftDemoKeepsItsValuesAndRun(t *testing.T) {
	runs := newRunner()
	defer runs.shutdown(5 * time.Second)
	a, err := newApp(Options{Lang: "en", Speed: 1}, runs, true)
	if err != nil {
		t.Fatal(err)
	}
	a = pressAll(a, tea.WindowSizeMsg{Width: 120, Height: 40})
	a.home.sel = 4 // lesson 5: tickets, terminate
	a = pressAll(a, press("enter"), tea.KeyPressMsg{Code: tea.KeyTab}, press("v"), press("down"), press("8"), press("enter"))
	if got := a.lesson.demo.vars["buyers"]; got != "8" {
		t.Fatalf("buyers=%s after typing 8", got)
	}
	m, cmd := a.Update(press("r"))
	a = m.(app)
	if a.lesson.demo.predicting != nil { // the lesson's prediction: run without a guess
		m, cmd = a.Update(press("s"))
		a = m.(app)
	}
	m, cmd = a.Update(findMsg[runStartedMsg](t, cmd))
	a = m.(app)
	a = pressAll(a, press("esc"))
	if a.screen != screenHome || !strings.Contains(screenText(a), "tickets is still running") {
		t.Fatalf("esc mid-run: screen %d\n%s", a.screen, screenText(a))
	}
	for range 2000 { // the run's batches, while the lesson list is on screen
		kept, ok := a.shelf.m["tickets"]
		if !ok || !kept.running || cmd == nil {
			break
		}
		m, cmd = a.Update(cmd())
		a = m.(app)
	}
	if kept := a.shelf.m["tickets"]; kept.running || len(kept.timeline) == 0 {
		t.Fatalf("the run left in the background: running %v, %d events", kept.running, len(kept.timeline))
	}
	a = pressAll(a, press("enter"), tea.KeyPressMsg{Code: tea.KeyTab})
	d := a.lesson.demo
	if d.vars["buyers"] != "8" || len(d.timeline) == 0 || d.running {
		t.Fatalf("back in lesson 5: buyers=%s, %d events, running %v", d.vars["buyers"], len(d.timeline), d.running)
	}
	if screen := screenText(a); !strings.Contains(screen, "this run ended while you were away") || !strings.Contains(screen, "buyer-7") {
		t.Errorf("back in lesson 5, the demo:\n%s", screen)
	}
	a = pressAll(a, press("d"))
	if d := a.lesson.demo; d.sc.ID != "terminate" || d.vars["workers"] != "3" {
		t.Fatalf("d: demo %s with %v", d.sc.ID, d.vars)
	}
	a = pressAll(a, press("d"))
	if d := a.lesson.demo; d.sc.ID != "tickets" || d.vars["buyers"] != "8" || len(d.timeline) == 0 {
		t.Errorf("d twice: demo %s with %v, %d events", d.sc.ID, d.vars, len(d.timeline))
	}
}
