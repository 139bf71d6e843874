package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/proctour/proctour/lessons"
)

// TestRenderedLessonsWrap renders every lesson in both languages at the
// reader's narrowest widths: no line may be wider than asked, and none may
// be a list bullet left alone.
func TestRenderedLessonsWrap(t *testing.T) {
	for _, l := range lessons.Course() {
		for _, lang := range []string{"en", "zh"} {
			for _, width := range []int{54, 78} {
				key := renderKey{lesson: l.N, lang: lang, width: width, style: "notty"}
				msg := renderLesson(key, l)().(renderedMsg)
				if msg.err != nil {
					t.Fatalf("lesson %d (%s): %v", l.N, lang, msg.err)
				}
				for i, line := range strings.Split(ansi.Strip(msg.text), "\n") {
					if n := ansi.StringWidth(line); n > width {
						t.Errorf("lesson %d (%s, %d) line %d is %d wide: %q", l.N, lang, width, i+1, n, line)
					}
					if s := strings.TrimSpace(line); s == "•" || s == "-" || s == "*" {
						t.Errorf("lesson %d (%s, %d) line %d is a bullet alone", l.N, lang, width, i+1)
					}
				}
			}
		}
	}
}

// In the text tab the reader pages as a pager does (space and pgdn down,
// b and pgup up, G and End to the bottom, g and Home to the top) and says
// where it is on its last line.
func TestReaderPagesAndSaysWhere(t *testing.T) {
	a := lessonAt(t, "en", 5, 80, 24)
	pos := func(a app) (first, last, total, pct int) {
		t.Helper()
		lines := strings.Split(screenText(a), "\n")
		for _, l := range lines {
			if _, err := fmt.Sscanf(strings.TrimSpace(l), "lines %d–%d of %d · %d%%", &first, &last, &total, &pct); err == nil {
				return
			}
		}
		t.Fatalf("no position line on the text tab:\n%s", strings.Join(lines, "\n"))
		return
	}
	first, last, total, pct := pos(a)
	if first != 1 || pct != 0 || total <= last {
		t.Fatalf("at the start: lines %d–%d of %d, %d%%", first, last, total, pct)
	}
	page := last - first + 1
	a = pressAll(a, press("space"))
	if f, _, _, _ := pos(a); f != 1+page {
		t.Errorf("space: first line %d, want %d", f, 1+page)
	}
	a = pressAll(a, press("b"))
	if f, _, _, _ := pos(a); f != 1 {
		t.Errorf("b after space: first line %d, want 1", f)
	}
	for _, k := range []tea.KeyPressMsg{press("G"), {Code: tea.KeyEnd}} {
		a = pressAll(a, press("g"), k)
		if _, l, n, p := pos(a); l != n || p != 100 {
			t.Errorf("%s: lines to %d of %d, %d%%", k, l, n, p)
		}
	}
	a = pressAll(a, tea.KeyPressMsg{Code: tea.KeyHome})
	if f, _, _, p := pos(a); f != 1 || p != 0 {
		t.Errorf("home: first line %d, %d%%", f, p)
	}
	a = pressAll(a, tea.KeyPressMsg{Code: tea.KeyPgDown}, tea.KeyPressMsg{Code: tea.KeyPgDown}, tea.KeyPressMsg{Code: tea.KeyPgUp})
	if f, _, _, _ := pos(a); f != 1+page {
		t.Errorf("pgdn pgdn pgup: first line %d, want %d", f, 1+page)
	}
}
