package lessons

import (
	"fmt"
	"strings"
	"testing"
)

// noPanic runs f and turns a panic into the test's failure.
func noPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s panics: %v", what, r)
		}
	}()
	f()
}

// A prediction item that is "- " and nothing else is a problem at its
// line, not a panic ("slice bounds out of range [2:1]"), which took down
// every command that reads the lessons, proctour progress among them.
func TestPredictionDashAloneIsAProblem(t *testing.T) {
	for _, md := range []string{"## Predict\n- ", "## Predict\n- \t\n", "# 1. T\n\n## Predict\n\n-  \n## Next\n"} {
		noPanic(t, fmt.Sprintf("SplitPredictions(%q)", md), func() {
			_, ps, problems := SplitPredictions(1, md, nil)
			want := strings.Index(md, "\n-") // the item's line
			line := strings.Count(md[:want+1], "\n") + 1
			if len(ps) != 0 || len(problems) != 1 || problems[0].Line != line {
				t.Errorf("%q: predictions %v, problems %v; want one problem at line %d", md, ps, problems, line)
			}
		})
	}
}

// A choice whose text starts with a NUL is text: it is not taken for the
// parser's own mark of the right answer.
func TestCheckpointChoiceStartingWithNULIsText(t *testing.T) {
	md := "## Check yourself\n\n1. Which?\n   - [x] right\n   - [ ] \x00wrong\n\n   *Why:* because.\n"
	_, qs, problems := SplitCheckpoints(1, md)
	if len(problems) != 0 || len(qs) != 1 {
		t.Fatalf("questions %v, problems %v; want the question read", qs, problems)
	}
	if q := qs[0]; q.Answer != 0 || len(q.Choices) != 2 || q.Choices[0] != "right" || q.Choices[1] != "\x00wrong" {
		t.Errorf("answer %d, choices %q; want 0 of [right \\x00wrong]", q.Answer, q.Choices)
	}
	md = "## Check yourself\n\n1. Which?\n   - [ ] \x00one\n   - [ ] two\n\n   *Why:* because.\n"
	if _, qs, problems := SplitCheckpoints(1, md); len(qs) != 0 || len(problems) != 1 || problems[0].Line != 3 {
		t.Errorf("no choice marked [x]: questions %v, problems %v; want one problem at line 3", qs, problems)
	}
}

// A lesson file with a broken prediction is read, and the problem has its
// line: the README promises that a malformed prediction is reported with
// its file and line and the lesson still opens.
func TestParseLessonReportsABrokenPrediction(t *testing.T) {
	md := "# 1. Title\n\n*Demos:* `hello`\n\nText.\n\n## Predict\n- \n\n## Check yourself\n\n1. Q?\n   - [ ] a\n   - [x] b\n\n   *Why:* w\n"
	var f LessonFile
	noPanic(t, "ParseLesson", func() { f = ParseLesson(1, md) })
	if len(f.Questions) != 1 || len(f.Problems) != 1 || f.Problems[0].Line != 8 || !strings.Contains(f.Body, "Text.") {
		t.Errorf("questions %d, problems %v, body %q; want 1 question and a problem at line 8", len(f.Questions), f.Problems, f.Body)
	}
}

// A prediction's key needs its colon: "when" alone is an unknown line, not
// "when:" with nothing after it (found by FuzzSplitPredictions).
func TestPredictionKeyWithoutColonIsAProblem(t *testing.T) {
	md := "## Predict\n- demo: tickets\n  when\n  ask: How many?\n  - one | outcome == 1\n  - more | outcome > 1\n  expect: 2\n  why: Because.\n"
	_, ps, problems := SplitPredictions(5, md, nil)
	if len(problems) != 1 || problems[0].Line != 3 || !strings.Contains(problems[0].Msg, `"when"`) || len(ps) != 1 || ps[0].When != nil {
		t.Errorf("predictions %+v, problems %v; want the prediction and one problem at line 3", ps, problems)
	}
}

// A lesson with its Predict heading twice, or its Check yourself heading
// twice, reads the items under both, and shows neither heading as text
// (found by FuzzParseLesson: the second heading and what followed it were
// shown as the lesson's text).
func TestSectionHeadingTwice(t *testing.T) {
	item := "- demo: tickets\n  ask: How many?\n  - one | outcome == 1\n  - more | outcome > 1\n  expect: 2\n  why: Because.\n"
	md := "# 5. T\n\nText.\n\n## Predict\n\n" + item + "\n## 先猜一猜\n\n" + item + "\n## More text\n\nEnd.\n"
	body, ps, problems := SplitPredictions(5, md, nil)
	if len(ps) != 2 || len(problems) != 0 || ps[1].Line != 16 || strings.Contains(body, "先猜") ||
		!strings.Contains(body, "## More text") || !strings.Contains(body, "Text.") {
		t.Errorf("predictions %+v, problems %v, body %q; want two, the headings cut", ps, problems, body)
	}
	q := "1. Q?\n   - [ ] a\n   - [x] b\n\n   *Why:* w\n"
	md = "# 5. T\n\nText.\n\n## Check yourself\n\n" + q + "\n## Check yourself\n\n2. R?\n   - [x] c\n   - [ ] d\n\n   *Why:* v\n"
	body, qs, problems := SplitCheckpoints(5, md)
	if len(qs) != 2 || len(problems) != 0 || qs[1].Line != 15 || strings.Contains(body, "Check yourself") || !strings.Contains(body, "Text.") {
		t.Errorf("questions %+v, problems %v, body %q; want two, the headings cut", qs, problems, body)
	}
}
