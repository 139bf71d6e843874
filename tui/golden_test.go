package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// goldenSeed is the seeded scheduler's seed for the golden timelines: the
// same seed gives the same run, so that the drawings are the same in every
// run of the tests once pids and times are normalised.
const goldenSeed = 7

// demoAt is the app showing a scenario's demo directly, at a cursor over a
// recorded timeline, at a size.
func demoAt(tb testing.TB, id string, sets []string, timeline []trace.Record, cursor, w, h int) app {
	tb.Helper()
	a, err := newApp(Options{Scenario: id, Mode: sim.Seeded, Seed: goldenSeed, Speed: 1}, newRunner(), false)
	if err != nil {
		tb.Fatal(err)
	}
	sc, _ := lessons.Lookup(id)
	if a.demo.vars, err = sc.Resolve(sets); err != nil {
		tb.Fatal(err)
	}
	a.demo.timeline = timeline
	a.demo.run, a.demo.running = 1, cursor < len(timeline)
	a.demo.pb = Playback{Cursor: cursor, Len: len(timeline), Following: cursor == len(timeline)}
	a.demo.refold()
	m, _ := a.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return m.(app)
}

// screen is what the app draws, without colours and styles.
func screenText(a app) string { return ansi.Strip(a.View().Content) }

func TestDemoGolden(t *testing.T) {
	cases := []struct {
		id   string
		sets []string
	}{
		{"tickets", []string{"buyers=20", "lock=on"}},
		{"semaphore", nil},
	}
	for _, c := range cases {
		timeline := normalise(record(t, c.id, sim.Seeded, goldenSeed, c.sets...))
		for _, size := range [][2]int{{80, 24}, {120, 40}} {
			name := fmt.Sprintf("demo-%s-%dx%d", c.id, size[0], size[1])
			t.Run(name, func(t *testing.T) {
				got := screenText(demoAt(t, c.id, c.sets, timeline, len(timeline)/2, size[0], size[1]))
				checkSize(t, got, size[0], size[1])
				golden(t, name, got)
			})
		}
	}
}

// checkSize fails unless text is exactly h lines of at most w columns.
func checkSize(t *testing.T, text string, w, h int) {
	t.Helper()
	lines := strings.Split(text, "\n")
	if len(lines) != h {
		t.Errorf("%d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if n := ansi.StringWidth(l); n > w {
			t.Errorf("line %d is %d columns wide, more than %d: %q", i+1, n, w, l)
		}
	}
}

// golden compares got with testdata/name.golden, or rewrites it with
// -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if updating() {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// lessonAt is the app with lesson n open in lang at a size, its text
// rendered.
func lessonAt(tb testing.TB, lang string, n, w, h int) app {
	tb.Helper()
	a, err := newApp(Options{Lang: lang}, newRunner(), true)
	if err != nil {
		tb.Fatal(err)
	}
	m, _ := a.Update(tea.WindowSizeMsg{Width: w, Height: h})
	a = m.(app)
	a.home.sel = n - 1
	m, _ = a.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	a = m.(app)
	m, _ = a.Update(renderLesson(a.lesson.reader.key, a.lesson.l)())
	return m.(app)
}

// Two lessons in each language, at the smallest size and a large one: the
// text beside the demo (or in its tab), wrapped to fit, Chinese included.
func TestLessonGolden(t *testing.T) {
	for _, lang := range []string{"en", "zh"} {
		for _, n := range []int{5, 9} {
			for _, size := range [][2]int{{80, 24}, {160, 48}} {
				name := fmt.Sprintf("lesson-%02d-%s-%dx%d", n, lang, size[0], size[1])
				t.Run(name, func(t *testing.T) {
					got := screenText(lessonAt(t, lang, n, size[0], size[1]))
					checkSize(t, got, size[0], size[1])
					if !strings.Contains(got, fmt.Sprintf("%d. ", n)) {
						t.Errorf("no lesson title on the screen:\n%s", got)
					}
					golden(t, name, got)
				})
			}
		}
	}
}

// Every lesson opens in both languages at the smallest size and a large
// one, its text fitting the screen, and its checkpoint questions too.
func TestEveryLessonOpensAtBothSizes(t *testing.T) {
	for _, l := range lessons.Course() {
		for _, lang := range []string{"en", "zh"} {
			for _, size := range [][2]int{{80, 24}, {160, 48}} {
				a := lessonAt(t, lang, l.N, size[0], size[1])
				got := screenText(a)
				name := fmt.Sprintf("lesson %d (%s) at %dx%d", l.N, lang, size[0], size[1])
				if !strings.Contains(got, fmt.Sprintf("%d. ", l.N)) || strings.Contains(got, "rendering…") {
					t.Errorf("%s: no text:\n%s", name, got)
				}
				t.Run(name, func(t *testing.T) { checkSize(t, got, size[0], size[1]) })
				m, _ := a.Update(tea.KeyPressMsg{Code: 'c', Text: "c"})
				t.Run(name+" check", func(t *testing.T) { checkSize(t, screenText(m.(app)), size[0], size[1]) })
			}
		}
	}
}
