package lessons

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Question is a checkpoint question at the end of a lesson: one right
// choice among several, and why.
type Question struct {
	ID      string // "5.2": lesson 5, question 2
	Line    int    // where it starts in the lesson file
	Text    string
	Choices []string
	Answer  int    // index of the right choice
	Hint    string // a nudge, shown on request before answering; may be ""
	Why     string
	Try     *Try // the demo run that answers it, if any
}

// Try is a demo, and the values to run it with, that answer a question:
// written "*Try:* daemon daemon=off" under the question. The demo may be
// ModelDemo, the CPU model.
type Try struct {
	Demo string
	Set  Vars
}

// Problem is something wrong in a lesson file, at a line.
type Problem struct {
	Line int
	Msg  string
}

func (p Problem) String() string { return fmt.Sprintf("line %d: %s", p.Line, p.Msg) }

// checkHeadings start a lesson's checkpoint section.
var checkHeadings = []string{"## Check yourself", "## 自我检测"}

// SplitCheckpoints cuts lesson n's Markdown at its checkpoint section: the
// text before it, and the section's questions. The section is written
//
//	## Check yourself
//
//	1. Question text?
//	   - [ ] a wrong choice
//	   - [x] the right choice
//
//	   *Why:* the explanation.
//
// A question that breaks that shape is left out and reported as a Problem
// with its line; the others still count.
func SplitCheckpoints(n int, md string) (body string, qs []Question, problems []Problem) {
	lines := strings.Split(md, "\n")
	start := -1 // the first heading: the section runs to the end of the file
	for i, l := range lines {
		if start < 0 && slices.Contains(checkHeadings, strings.TrimSpace(l)) {
			start = i
		}
	}
	if start < 0 {
		return md, nil, nil
	}
	body = strings.TrimRight(strings.Join(lines[:start], "\n"), "\n ") + "\n"
	var q *Question
	var inWhy, inHint bool
	var marked []bool // marked[i]: q.Choices[i] is marked [x]
	finish := func() {
		if q == nil {
			return
		}
		right := 0
		for _, m := range marked {
			if m {
				right++
			}
		}
		switch {
		case len(q.Choices) < 2:
			problems = append(problems, Problem{q.Line, "a question needs at least two choices (\"   - [ ] …\")"})
		case right != 1:
			problems = append(problems, Problem{q.Line, fmt.Sprintf("a question needs exactly one right choice marked [x], not %d", right)})
		case q.Why == "":
			problems = append(problems, Problem{q.Line, "a question needs its explanation (\"   *Why:* …\")"})
		default:
			q.Answer = slices.Index(marked, true)
			q.ID = fmt.Sprintf("%d.%d", n, len(qs)+1)
			qs = append(qs, *q)
		}
		q, inWhy, inHint, marked = nil, false, false, nil
	}
	for i := start + 1; i < len(lines); i++ {
		raw := lines[i]
		l := strings.TrimSpace(raw)
		num, rest, isItem := cutNumber(raw)
		switch {
		case l == "":
			continue
		case slices.Contains(checkHeadings, l): // the heading again: one section
			continue
		case isItem:
			finish()
			q = &Question{Line: i + 1, Text: rest}
			_ = num
		case q == nil:
			problems = append(problems, Problem{i + 1, "text in the checkpoint section outside a numbered question"})
		case strings.HasPrefix(l, "- [ ] "), strings.HasPrefix(l, "- [x] "), strings.HasPrefix(l, "- [X] "):
			q.Choices = append(q.Choices, strings.TrimSpace(l[6:]))
			marked = append(marked, l[3] != ' ')
			inWhy, inHint = false, false
		case strings.HasPrefix(l, "*Hint:*"), strings.HasPrefix(l, "*提示：*"):
			q.Hint = strings.TrimSpace(l[strings.Index(l[1:], "*")+2:])
			inWhy, inHint = false, true
		case strings.HasPrefix(l, "*Try:*"), strings.HasPrefix(l, "*试一试：*"):
			try, why := parseTry(strings.TrimSpace(l[strings.Index(l[1:], "*")+2:]))
			if why != "" {
				problems = append(problems, Problem{i + 1, why})
			}
			q.Try = try
			inWhy, inHint = false, false
		case strings.HasPrefix(l, "*Why:*"), strings.HasPrefix(l, "*解析：*"), strings.HasPrefix(l, "*解析:*"):
			q.Why = strings.TrimSpace(l[strings.Index(l[1:], "*")+2:])
			inWhy, inHint = true, false
		case inWhy:
			q.Why = joinLine(q.Why, l)
		case inHint:
			q.Hint = joinLine(q.Hint, l)
		case len(q.Choices) > 0:
			q.Choices[len(q.Choices)-1] = joinLine(q.Choices[len(q.Choices)-1], l)
		default:
			q.Text = joinLine(q.Text, l)
		}
	}
	finish()
	return body, qs, problems
}

// parseTry reads "daemon daemon=off": a demo and its values, checked
// against the demos of this build.
func parseTry(s string) (*Try, string) {
	f := strings.Fields(s)
	if len(f) == 0 {
		return nil, "*Try:* wants a demo and its values: \"*Try:* daemon daemon=off\""
	}
	t := &Try{Demo: f[0], Set: Vars{}}
	for _, kv := range f[1:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Sprintf("*Try:* %q is not key=value", kv)
		}
		t.Set[k] = v
	}
	if why := checkDemoVars(t.Demo, t.Set); why != "" {
		return nil, "*Try:* " + why
	}
	return t, ""
}

// joinLine is text continued by the next line: "" and "x" make "x", not
// " x".
func joinLine(text, next string) string {
	if text == "" {
		return next
	}
	return text + " " + next
}

// cutNumber reads "12. text" at the start of a line.
func cutNumber(line string) (int, string, bool) {
	dot := strings.Index(line, ". ")
	if dot <= 0 || dot > 3 {
		return 0, "", false
	}
	n, err := strconv.Atoi(line[:dot])
	if err != nil {
		return 0, "", false
	}
	return n, strings.TrimSpace(line[dot+2:]), true
}
