package tui

import (
	"bytes"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/proctour/proctour/sim"
)

// TestLessonDemoSession drives the whole program as a user would: open
// lesson 2 from the list, switch to its demo, run it, step back and
// forward, and quit; no child process may be left.
func TestLessonDemoSession(t *testing.T) {
	runs := newRunner()
	a, err := newApp(Options{Lang: "en", Speed: 1}, runs, false)
	if err != nil {
		t.Fatal(err)
	}
	tm, waitFor := testProgram(t, a, 10*time.Second)
	openDemoTab(tm, waitFor, 2, "Starting processes")
	tm.Type("r")
	waitFor("Which line comes first?") // the lesson's prediction
	tm.Type("s")                       // run without guessing
	waitFor("ended")
	tm.Type("bb")
	tm.Send(tea.KeyPressMsg{Code: tea.KeySpace, Text: " "})
	tm.Type("q")

	final, ok := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(app)
	if !ok {
		t.Fatal("the final model is not the app")
	}
	if err := runs.shutdown(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	if final.screen != screenLesson || final.lesson.l.N != 2 || final.lesson.tab != tabDemo {
		t.Fatalf("screen %d, lesson %d, tab %d: want lesson 2's demo", final.screen, final.lesson.l.N, final.lesson.tab)
	}
	d := final.lesson.demo
	if d.sc == nil || d.sc.ID != "hello" || d.running {
		t.Fatalf("want hello's run ended, got %+v", d.sc)
	}
	if d.pb.Len == 0 || d.pb.Len != len(d.timeline) {
		t.Fatalf("playback length %d for %d events", d.pb.Len, len(d.timeline))
	}
	if want := d.pb.Len - 1; d.pb.Cursor != want || d.pb.Following {
		t.Errorf("after two steps back and one forward: cursor %d (following %v), want %d of %d", d.pb.Cursor, d.pb.Following, want, d.pb.Len)
	}
	if d.stAt != d.pb.Cursor || d.st.Seq != d.timeline[d.pb.Cursor-1].Seq {
		t.Errorf("the drawn state is at event %d, the cursor at %d", d.st.Seq, d.pb.Cursor)
	}
	full := sim.Fold(d.timeline)
	if !full.Ended {
		t.Error("the timeline has no final event")
	}
	for _, p := range full.Procs {
		if err := syscall.Kill(p.Pid, 0); err == nil && p.Pid != syscall.Getpid() {
			t.Errorf("%s (pid %d) is still there after quitting", p.Name, p.Pid)
		}
	}
	screen := screenText(final)
	for _, want := range []string{"hello.py", "MainProcess", fmt.Sprintf("event %d of %d", d.pb.Cursor, d.pb.Len)} {
		if !strings.Contains(screen, want) {
			t.Errorf("the final screen has no %q:\n%s", want, screen)
		}
	}
}

// testProgram runs the app as a program in a 120×40 terminal without
// colour, and waitFor waits (at most patience) until the screen's output
// shows a text. (The output is what changed on the screen: wait for a text
// that is drawn whole, not one that shares a prefix with what was there.)
func testProgram(t *testing.T, a app, patience time.Duration) (*teatest.TestModel, func(string)) {
	tm := teatest.NewTestModel(t, a,
		teatest.WithInitialTermSize(120, 40),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii), tea.WithEnvironment([]string{"TERM=xterm-256color"})))
	return tm, func(what string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(what)) },
			teatest.WithDuration(patience), teatest.WithCheckInterval(20*time.Millisecond))
	}
}

// openDemoTab opens lesson n (titled title) from the lesson list, in its
// demo tab, and waits for the demo's intro.
func openDemoTab(tm *teatest.TestModel, waitFor func(string), n int, title string) {
	waitFor(title)
	tm.Type(strings.Repeat("j", n-1))
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitFor("Text")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyTab})
	waitFor("Press r to run")
}
