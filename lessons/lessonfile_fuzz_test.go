package lessons

import (
	"strings"
	"testing"
)

// FuzzParseLesson: whatever a lesson file holds, ParseLesson returns (the
// course still opens); every problem is at a line of the file; every
// question and prediction is at one; and neither section's heading is
// left in the text shown.
func FuzzParseLesson(f *testing.F) {
	addLessonSeeds(f)
	f.Fuzz(func(t *testing.T, n int, md string) {
		lf := ParseLesson(n, md)
		checkProblems(t, md, lf.Problems)
		for _, q := range lf.Questions {
			if q.Line < 1 || q.Line > lineCount(md) {
				t.Fatalf("question %s at line %d of %d", q.ID, q.Line, lineCount(md))
			}
			if q.Try != nil && checkDemoVars(q.Try.Demo, q.Try.Set) != "" {
				t.Fatalf("question %s keeps a *Try:* this build cannot run: %+v", q.ID, q.Try)
			}
		}
		for _, p := range lf.Predictions {
			if p.Line < 1 || p.Line > lineCount(md) || CheckPrediction(p) != "" {
				t.Fatalf("prediction %s at line %d of %d, checked: %q", p.ID, p.Line, lineCount(md), CheckPrediction(p))
			}
		}
		for _, l := range strings.Split(lf.Body, "\n") {
			for _, h := range append(append([]string{}, checkHeadings...), predictHeadings...) {
				if strings.TrimSpace(l) == h && (len(lf.Questions) > 0 || len(lf.Predictions) > 0) {
					t.Fatalf("the heading %q is left in the text shown", h)
				}
			}
		}
	})
}
