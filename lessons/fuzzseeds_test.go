package lessons

import (
	"strings"
	"testing"

	"github.com/proctour/proctour/content"
)

// addLessonSeeds gives a fuzz target every lesson file of the course, in
// both languages, and the snippets that broke the parsers.
func addLessonSeeds(f *testing.F) {
	n := 0
	for _, lang := range []string{"en", "zh"} {
		for _, l := range Course() {
			md, err := content.Lesson(lang, l.N)
			if err != nil {
				continue
			}
			f.Add(l.N, md)
			n++
		}
	}
	if n == 0 {
		f.Fatal("no lesson files to seed from")
	}
	for _, s := range []string{
		"## Predict\n- ",
		"## Predict\n-  \n## Next\n",
		"## Predict\n\n- demo: tickets\n  when: lock=off\n  ask: How many?\n  - one | outcome == 1\n  - more | outcome > 1\n  expect: 2\n  why: Because.\n",
		"## Check yourself\n\n1. Which?\n   - [x] right\n   - [ ] \x00wrong\n\n   *Why:* because.\n",
		"## Check yourself\n\n1. Q?\n   - [ ] a\n   - [X] b\n   *Hint:* h\n   *Try:* hello\n   *Why:* w\n   more why\n",
		"## Check yourself\n1.\n- [x] \n*Why:*",
		"*Demos:* `hello`\n## 自我检测\n\n1. 问？\n   - [ ] 甲\n   - [x] 乙\n\n   *解析：* 因为。\n",
	} {
		f.Add(1, s)
	}
}

// lineCount is how many lines md has, as the parsers count them.
func lineCount(md string) int { return strings.Count(md, "\n") + 1 }

// checkProblems fails when a problem is not at a line of the file or says
// nothing.
func checkProblems(t *testing.T, md string, problems []Problem) {
	t.Helper()
	for _, p := range problems {
		if p.Line < 1 || p.Line > lineCount(md) || strings.TrimSpace(p.Msg) == "" {
			t.Fatalf("problem %q is not at a line of the %d-line file", p, lineCount(md))
		}
	}
}
