package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/proctour/proctour/content"
	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/tui/markdown"
)

// Every lesson's text, in every language, stays inside the Markdown subset
// the reader renders, names only demos that exist or are announced, and
// renders at a narrow and a wide reader width with no line too wide and no
// list bullet left alone on its line.
func TestEveryLessonTextLintsAndRenders(t *testing.T) {
	for _, l := range lessons.Course() {
		for _, lang := range content.Langs {
			md, err := content.Lesson(lang, l.N)
			if err != nil {
				t.Errorf("lesson %d (%s): %v", l.N, lang, err)
				continue
			}
			for _, p := range markdown.Lint(md) {
				t.Errorf("content/%s/%02d.md:%d: %s", lang, l.N, p.Line, p.Msg)
			}
			for _, id := range l.Scenarios {
				if !strings.Contains(md, "`"+id+"`") {
					t.Errorf("content/%s/%02d.md does not point at its demo %s", lang, l.N, id)
				}
			}
			for _, w := range []int{40, 76} {
				out := markdown.Render(md, w, markdown.NewTheme(true, true))
				for i, line := range strings.Split(out, "\n") {
					plain := ansi.Strip(line)
					if ansi.StringWidth(line) > w {
						t.Errorf("lesson %d (%s) at width %d: line %d is %d wide: %q", l.N, lang, w, i+1, ansi.StringWidth(line), plain)
					}
					if s := strings.TrimSpace(plain); s == "•" || s == "◦" || s == "▪" {
						t.Errorf("lesson %d (%s) at width %d: a bullet alone on line %d", l.N, lang, w, i+1)
					}
				}
			}
		}
	}
}
