package report

import (
	"fmt"
	"io"

	"github.com/proctour/proctour/content"
	"github.com/proctour/proctour/lessons"
)

// Progress lists every lesson with its mark, its demos run, its
// predictions made and its checkpoints answered right, then the total, in
// lang.
func Progress(w io.Writer, p *lessons.Progress, lang string) {
	fmt.Fprintf(w, "%s %s  %s  %s\n", PadRight("     "+Say(lang, "lesson", "课程"), 53), PadLeft(Say(lang, "demos", "演示"), 5),
		PadLeft(Say(lang, "predicted", "预测"), 9), PadLeft(Say(lang, "checks", "检测"), 6))
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
	fmt.Fprintf(w, "\n"+Say(lang, "%d of %d lessons done (✓: every demo run and every checkpoint answered right)",
		"已完成 %d / %d 课（✓：每个演示都运行过，每道检测题都答对）"), done, len(lessons.Course()))
	if p.Path() != "" {
		fmt.Fprintf(w, "\n"+Say(lang, "saved in %s", "保存在 %s"), p.Path())
	}
	fmt.Fprintln(w)
}
