package lessons

import (
	"fmt"
	"strings"
	"testing"
)

// FuzzSplitPredictions: whatever the Markdown, SplitPredictions returns;
// every problem is at a line of the file; every prediction it keeps is
// whole (demo, ask, two choices or more, an expected choice among them, a
// why, its ID in order) and at a line that starts a "- " item; the body
// keeps every line outside the section; and a prediction written back in
// the documented form is read back the same.
func FuzzSplitPredictions(f *testing.F) {
	addLessonSeeds(f)
	f.Fuzz(func(t *testing.T, n int, md string) {
		body, ps, problems := SplitPredictions(n, md, nil)
		checkProblems(t, md, problems)
		if _, _, again := SplitPredictions(n, md, nil); len(again) != len(problems) {
			t.Fatalf("two reads give %d and %d problems", len(problems), len(again))
		}
		lines := strings.Split(md, "\n")
		for i, p := range ps {
			if p.Demo == "" || p.Ask == "" || len(p.Choices) < 2 || p.Expect < 0 || p.Expect >= len(p.Choices) || p.Why == "" {
				t.Fatalf("an incomplete prediction kept: %+v", p)
			}
			if p.ID != fmt.Sprintf("%d.p%d", n, i+1) {
				t.Fatalf("prediction %d has ID %q", i+1, p.ID)
			}
			if p.Line < 1 || p.Line > len(lines) || !strings.HasPrefix(lines[p.Line-1], "- ") {
				t.Fatalf("prediction at line %d, which is not a \"- \" item", p.Line)
			}
			if strings.Count(body, "\n") > strings.Count(md, "\n") {
				t.Fatal("the body is longer than the file")
			}
			back := writePrediction(p)
			_, got, probs := SplitPredictions(n, back, nil)
			if len(got) != 1 || len(probs) != 0 || !samePrediction(got[0], p) {
				t.Fatalf("written back and read again, %+v is %+v (problems %v):\n%s", p, got, probs, back)
			}
		}
	})
}

// writePrediction is p in the form SplitPredictions documents.
func writePrediction(p Prediction) string {
	var b strings.Builder
	b.WriteString("## Predict\n\n- demo: " + p.Demo + "\n")
	if len(p.When) > 0 {
		b.WriteString("  when:")
		for k, v := range p.When {
			b.WriteString(" " + k + "=" + v)
		}
		b.WriteString("\n")
	}
	b.WriteString("  ask: " + p.Ask + "\n")
	for _, c := range p.Choices {
		fmt.Fprintf(&b, "  - %s | %s %s %d\n", c.Text, c.Measure, c.Op, c.Value)
	}
	fmt.Fprintf(&b, "  expect: %d\n  why: %s\n", p.Expect+1, p.Why)
	if p.Otherwise != "" {
		b.WriteString("  otherwise: " + p.Otherwise + "\n")
	}
	return b.String()
}

// samePrediction compares all but the ID and line; "when:" with nothing
// after it is no when: line.
func samePrediction(a, b Prediction) bool {
	a.ID, b.ID, a.Line, b.Line = "", "", 0, 0
	if len(a.When) == 0 {
		a.When = nil
	}
	if len(b.When) == 0 {
		b.When = nil
	}
	return fmt.Sprintf("%#v", a) == fmt.Sprintf("%#v", b)
}
