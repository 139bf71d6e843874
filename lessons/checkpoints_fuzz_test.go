package lessons

import (
	"fmt"
	"strings"
	"testing"
)

// FuzzSplitCheckpoints: whatever the Markdown, SplitCheckpoints returns;
// every problem is at a line of the file; every question it keeps has two
// choices or more, one right answer among them, an explanation, its ID in
// order and its line; and a question written back in the documented form
// is read back the same (text, choices, answer, explanation).
func FuzzSplitCheckpoints(f *testing.F) {
	addLessonSeeds(f)
	f.Fuzz(func(t *testing.T, n int, md string) {
		_, qs, problems := SplitCheckpoints(n, md)
		checkProblems(t, md, problems)
		for i, q := range qs {
			if len(q.Choices) < 2 || q.Answer < 0 || q.Answer >= len(q.Choices) || q.Why == "" {
				t.Fatalf("an incomplete question kept: %+v", q)
			}
			if q.ID != fmt.Sprintf("%d.%d", n, i+1) || q.Line < 1 || q.Line > lineCount(md) {
				t.Fatalf("question %d: ID %q, line %d", i+1, q.ID, q.Line)
			}
			back := writeQuestion(q)
			_, got, probs := SplitCheckpoints(n, back)
			if len(got) != 1 || len(probs) != 0 || !sameQuestion(got[0], q) {
				t.Fatalf("written back and read again, %+v is %+v (problems %v):\n%q", q, got, probs, back)
			}
		}
	})
}

// writeQuestion is q in the form SplitCheckpoints documents, without its
// hint and try.
func writeQuestion(q Question) string {
	var b strings.Builder
	b.WriteString("## Check yourself\n\n1. " + q.Text + "\n")
	for i, c := range q.Choices {
		mark := " "
		if i == q.Answer {
			mark = "x"
		}
		b.WriteString("   - [" + mark + "] " + c + "\n")
	}
	b.WriteString("\n   *Why:* " + q.Why + "\n")
	return b.String()
}

func sameQuestion(a, b Question) bool {
	return a.Text == b.Text && a.Answer == b.Answer && a.Why == b.Why && fmt.Sprint(a.Choices) == fmt.Sprint(b.Choices) &&
		len(a.Choices) == len(b.Choices)
}
