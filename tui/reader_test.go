package tui

import (
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
