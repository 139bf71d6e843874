package lessons

import (
	"fmt"
	"strings"
	"sync"

	"github.com/proctour/proctour/content"
)

// Lesson is one chapter of the course and the scenarios that back it.
type Lesson struct {
	N         int
	Title     string   // the English title; content.Title gives it in a language
	Scenarios []string // ids, whether or not they are built yet
}

// The course is its lesson files: lesson n is content/en/NN.md, numbered
// from 1 with no gap, its title the file's "# N. Title" heading and its
// demos the "*Demos:* `id`, `id`" line under it. An instructor adds or
// edits a lesson by editing files, not Go code.
var (
	courseOnce sync.Once
	course     []Lesson
	courseErr  []Problem
)

// Course is every lesson, in order. It is read on first use, not at
// package initialisation: every child process initialises this package.
func Course() []Lesson {
	courseOnce.Do(func() { course, courseErr = readCourse() })
	return course
}

// CourseProblems are what is wrong in the lesson files' headings and demo
// lines (the lesson is listed anyway, without what could not be read).
func CourseProblems() []Problem {
	Course()
	return courseErr
}

func readCourse() ([]Lesson, []Problem) {
	var out []Lesson
	var problems []Problem
	for n := 1; ; n++ {
		md, err := content.Lesson("en", n)
		if err != nil {
			return out, problems
		}
		l := Lesson{N: n, Title: content.Title("en", n, fmt.Sprintf("Lesson %d", n))}
		ids, _, ok := demosLine(md)
		if !ok {
			problems = append(problems, Problem{Line: 1, Msg: fmt.Sprintf("content/en/%02d.md has no \"*Demos:* `id`, …\" line under its title", n)})
		}
		l.Scenarios = ids
		out = append(out, l)
	}
}

// demosLine reads a lesson's "*Demos:* `a`, `b`" line (or the Chinese
// "*演示：*" one) and its line number.
func demosLine(md string) (ids []string, line int, ok bool) { //nolint:unparam // line is for reports
	for i, l := range strings.Split(md, "\n") {
		l = strings.TrimSpace(l)
		rest, found := strings.CutPrefix(l, "*Demos:*")
		if !found {
			rest, found = strings.CutPrefix(l, "*演示：*")
		}
		if !found {
			continue
		}
		for _, part := range strings.Split(rest, ",") {
			if id := strings.Trim(strings.TrimSpace(part), "`"); id != "" {
				ids = append(ids, id)
			}
		}
		return ids, i + 1, true
	}
	return nil, 0, false
}

// Available lists the lesson's scenarios that exist in this build.
func (l Lesson) Available() []*Scenario {
	var out []*Scenario
	for _, id := range l.Scenarios {
		if s, err := Lookup(id); err == nil {
			out = append(out, s)
		}
	}
	return out
}
