package report

import (
	"fmt"
	"github.com/proctour/proctour/i18n"
	"io"

	"github.com/proctour/proctour/content"
	"github.com/proctour/proctour/lessons"
)

// Progress lists every lesson with its mark, its demos run, its
// predictions made and its checkpoints answered right, then the total, in
// lang.
func Progress(w io.Writer, p *lessons.Progress, lang string) {
	fmt.Fprintf(w, "%s %s  %s  %s\n", PadRight("     "+i18n.Tr(lang, "lesson"), 53), PadLeft(i18n.Tr(lang, "demos"), 5),
		PadLeft(i18n.Tr(lang, "predicted"), 9), PadLeft(i18n.Tr(lang, "checks"), 6))
	done := 0
	for _, l := range lessons.Course() {
		f, _ := lessons.ReadLesson(lang, l.N)
		status := p.Of(l, len(f.Questions))
		if status == lessons.Done {
			done++
		}
		var demos, predicted, right int
		if r := p.Lessons[l.N]; r != nil {
			demos, predicted = len(r.Demos), len(r.Predictions)
			for _, ok := range r.Checkpoints {
				if ok {
					right++
				}
			}
		}
		title := fmt.Sprintf("%s %2d. %s", [...]string{"·", "◐", "✓"}[status], l.N, content.Title(lang, l.N, l.Title))
		fmt.Fprintf(w, "%s %s  %s  %s\n", PadRight(title, 53),
			PadLeft(fmt.Sprintf("%d/%d", demos, len(l.Available())), 5),
			PadLeft(fmt.Sprintf("%d/%d", predicted, len(f.Predictions)), 9),
			PadLeft(fmt.Sprintf("%d/%d", right, len(f.Questions)), 6))
	}
	fmt.Fprintf(w, "\n"+i18n.Tr(lang, "%d of %d lessons done (✓: every demo run and every checkpoint answered right)"), done, len(lessons.Course()))
	if p.Path() != "" {
		fmt.Fprintf(w, "\n"+i18n.Tr(lang, "saved in %s"), p.Path())
	}
	fmt.Fprintln(w)
}
