package tui

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// printedRec is a process's print, as the trace has it.
func printedRec(proc, text string) trace.Record {
	v, _ := json.Marshal(text)
	return trace.Record{Kind: trace.KindStdout, Proc: proc, Val: v}
}

// C lists the lesson's challenges of the demo; enter plays one in step
// mode with its values, the status bar counts the moves, and a trace
// that reaches the goal shows the win and records it in the progress.
func TestChallengePlayedAndWon(t *testing.T) {
	for _, lang := range []string{"en", "zh"} {
		a := lessonDemo(t, lang, 5, "tickets", 120, 40)
		a = press1(t, a, "C")
		screen := ansi.Strip(a.View().Content)
		want := map[string]string{"en": "Sell the one ticket twice", "zh": "卖出两次"}[lang]
		if !a.lesson.demo.chall.choosing || !strings.Contains(screen, want) {
			t.Fatalf("%s: C should list the tickets challenge:\n%s", lang, screen)
		}
		a = press1(t, a, "enter")
		d := a.lesson.demo
		if d.chall.on == nil || d.mode != sim.Step || d.vars["buyers"] != "3" || d.vars["lock"] != "off" {
			t.Fatalf("%s: enter should play the challenge in step mode with buyers=3 lock=off: on=%v mode=%v vars=%v", lang, d.chall.on, d.mode, d.vars)
		}
		if got := drawStatus(d.statusInfo(), styles{lang: lang}, 200); !strings.Contains(got, tr(lang, "challenge · %d moves")[:6]) {
			t.Errorf("%s: the status bar has no move counter: %q", lang, got)
		}
		// one ticket sold: not yet
		d.timeline = []trace.Record{printedRec("buyer-0", "buyer-0 got a ticket")}
		if d = d.judgeChallenge(false); len(d.revealed) > 0 || d.chall.over {
			t.Errorf("%s: one ticket sold is not the goal, but: %v", lang, d.revealed)
		}
		d.timeline = append(d.timeline, printedRec("buyer-1", "buyer-1 got a ticket"))
		d = d.judgeChallenge(false)
		if len(d.revealed) == 0 || !strings.Contains(d.revealed[0], "★") || !d.chall.over {
			t.Fatalf("%s: two tickets sold should win: %v", lang, d.revealed)
		}
		a.lesson.demo = d
		m, _ := a.Update(releasedMsg{}) // any message the lesson routes: the app takes the notes
		a = m.(app)
		if _, ok := a.progress.Lessons[5].Challenges["5.c1"]; !ok {
			t.Errorf("%s: the win is not in the progress: %+v", lang, a.progress.Lessons[5])
		}
		if screen := ansi.Strip(a.View().Content); !strings.Contains(screen, "★") {
			t.Errorf("%s: the win is not on screen:\n%s", lang, screen)
		}
	}
}

// An impossible challenge is never won; when its run ends it says why.
func TestChallengeImpossibleSaysWhy(t *testing.T) {
	a := lessonDemo(t, "en", 6, "semaphore", 120, 40)
	a = typed(t, a, "C", "enter")
	d := a.lesson.demo
	if d.chall.on == nil || !d.chall.on.Impossible {
		t.Fatalf("lesson 6's challenge should be the impossible one: %+v", d.chall.on)
	}
	d = d.judgeChallenge(true)
	if !strings.Contains(strings.Join(d.revealed, "\n"), "Impossible") {
		t.Errorf("the run's end should say it is impossible: %v", d.revealed)
	}
	if len(d.notes) != 0 {
		t.Errorf("an impossible challenge recorded as won: %v", d.notes)
	}
}
