package lessons

import (
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
	body, qs, p1 := SplitCheckpoints(n, md)
	body, ps, p2 := SplitPredictions(n, body, CheckPrediction)
	f = LessonFile{Body: body, Questions: qs, Predictions: ps, Problems: append(p1, p2...)}
	filesMu.Lock()
	files[key] = f
	filesMu.Unlock()
	return f, nil
}
