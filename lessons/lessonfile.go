package lessons

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/proctour/proctour/content"
)

// LessonFile is a lesson's file in one language, read: the text to show,
// and the questions and predictions to ask (which are not shown as text),
// with what is wrong in them.
type LessonFile struct {
	Body        string
	Questions   []Question
	Predictions []Prediction
	Challenges  []Challenge
	Problems    []Problem
}

var (
	filesMu sync.Mutex
	files   = map[[2]any]LessonFile{}
)

// ReadLesson reads lesson n in lang, once: the files are embedded, so the
// result never changes and later calls (a UI redrawing its marks) cost a
// map lookup. The error is content's, for a lesson with no text in lang.
func ReadLesson(lang string, n int) (LessonFile, error) {
	key := [2]any{lang, n}
	filesMu.Lock()
	f, ok := files[key]
	filesMu.Unlock()
	if ok {
		return f, nil
	}
	md, err := content.Lesson(lang, n)
	if err != nil {
		return LessonFile{}, err
	}
	f = ParseLesson(n, md)
	filesMu.Lock()
	files[key] = f
	filesMu.Unlock()
	return f, nil
}

// ParseLesson reads lesson n's Markdown: its text, its checkpoint questions
// and its predictions, and what is wrong in them, each with its line in md.
// Whatever md holds, it returns; nothing in a lesson file can stop the
// course from opening.
func ParseLesson(n int, md string) LessonFile {
	body, qs, p1 := SplitCheckpoints(n, md)
	p1 = append(p1, ownTries(n, md, qs)...)
	body, ps, p2 := SplitPredictions(n, body, CheckPrediction)
	body, cs, p3 := SplitChallenges(n, body, CheckChallenge)
	return LessonFile{Body: body, Questions: qs, Predictions: ps, Challenges: cs, Problems: slices.Concat(p1, p2, p3)}
}

// ownTries keeps each question's *Try:* to the lesson's own demos (and the
// CPU model to lesson 1, where it is): the lesson's screen sets it up.
// Another one is dropped, and reported.
func ownTries(n int, md string, qs []Question) []Problem {
	demos, _, _ := demosLine(md)
	var problems []Problem
	for i, q := range qs {
		if q.Try == nil {
			continue
		}
		own := slices.Contains(demos, q.Try.Demo)
		if q.Try.Demo == ModelDemo {
			own = n == 1
		}
		if !own {
			problems = append(problems, Problem{q.Line, fmt.Sprintf("*Try:* %s is not one of this lesson's demos (%s)", q.Try.Demo, strings.Join(demos, ", "))})
			qs[i].Try = nil
		}
	}
	return problems
}
