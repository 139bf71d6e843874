package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/proctour/proctour/content"
	"github.com/proctour/proctour/lessons"
)

// Progress marks on the home screen.
const (
	markNotStarted = "·"
	markStarted    = "◐"
	markDone       = "✓"
)

// home is the lesson list.
type home struct {
	lessons []lessons.Lesson
	// progress is each lesson's mark by number; a lesson without one is
	// not started. Remembering progress between runs is a later issue.
	progress map[int]string
	sel      int
	lang     string
	note     string // a problem to mention, such as progress not saved
	notice   string // a problem found at start, shown until the program ends
	keys     homeKeys
	width    int
	height   int
}

func newHome() home {
	return home{lessons: lessons.Course(), progress: map[int]string{}, keys: newHomeKeys()}
}

func (h home) setSize(w, ht int) home {
	h.width, h.height = w, ht
	return h
}

// selected is the lesson under the cursor.
func (h home) selected() lessons.Lesson { return h.lessons[h.sel] }

// update moves the selection; opening a lesson is the app's business.
func (h home) update(msg tea.Msg) (home, tea.Cmd) {
	if msg, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(msg, h.keys.Up):
			h.sel = max(h.sel-1, 0)
		case key.Matches(msg, h.keys.Down):
			h.sel = min(h.sel+1, len(h.lessons)-1)
		}
	}
	return h, nil
}

// withProgress sets each lesson's mark from the student's progress: done
// once its demos have run and its checkpoint questions are answered right.
func (h home) withProgress(p *lessons.Progress, lang string) home {
	h.lang = lang
	h.progress = map[int]string{}
	for _, l := range h.lessons {
		switch p.Of(l, len(lessonQuestions(lang, l.N))) {
		case lessons.Started:
			h.progress[l.N] = markStarted
		case lessons.Done:
			h.progress[l.N] = markDone
		}
	}
	return h
}

func (h home) mark(n int) string {
	if m, ok := h.progress[n]; ok {
		return m
	}
	return markNotStarted
}

func (h home) view(s styles) string {
	w := h.width
	sub := tr(h.lang, " — multiprocessing as Python teaches it, on real processes")
	lines := []string{s.Title.Render("proctour") + s.Subtitle.Render(sub), ""}
	for _, n := range []string{h.notice, h.note} { // first, where it is seen
		if n != "" {
			for _, l := range strings.Split(ansi.Wrap(n, w-2, ""), "\n") {
				lines = append(lines, s.Warn.Render("  "+l))
			}
			lines = append(lines, "")
		}
	}
	titleW := 0
	for _, l := range h.lessons {
		titleW = max(titleW, lipgloss.Width(fmt.Sprintf("%2d. %s", l.N, content.Title(h.lang, l.N, l.Title))))
	}
	titleW = min(titleW, w/2+8)
	for i, l := range h.lessons {
		title := fit(fmt.Sprintf("%2d. %s", l.N, content.Title(h.lang, l.N, l.Title)), titleW)
		row := fmt.Sprintf("  %s %s  ", h.mark(l.N), title)
		demos := h.demoList(l, s)
		if i == h.sel {
			lines = append(lines, cut(s.Selected.Render("›"+row[1:])+" "+demos, w))
		} else {
			lines = append(lines, cut(row+" "+demos, w))
		}
	}
	done := 0
	for _, m := range h.progress {
		if m == markDone {
			done++
		}
	}
	legend := fmt.Sprintf(tr(h.lang, "  %s not started   %s started   %s done  ·  %d of %d lessons done"), markNotStarted, markStarted, markDone, done, len(h.lessons))
	what := tr(h.lang, "  done: every demo run to its end and every checkpoint answered right")
	lines = append(lines, "", s.Dim.Render(cut(legend, w)), s.Dim.Render(cut(what, w)))
	return joinLines(block(lines, w, h.height))
}

// demoList names a lesson's demos, dimming those not built yet.
func (h home) demoList(l lessons.Lesson, s styles) string {
	built := map[string]bool{}
	for _, sc := range l.Available() {
		built[sc.ID] = true
	}
	parts := make([]string, len(l.Scenarios))
	for i, id := range l.Scenarios {
		if built[id] {
			parts[i] = s.Text.Render(id)
		} else {
			parts[i] = s.Dim.Render(id)
		}
	}
	list := strings.Join(parts, s.Dim.Render(", "))
	if len(built) == 0 {
		return s.Dim.Render(s.tr("coming: ")) + list
	}
	return list
}
