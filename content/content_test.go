package content

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"
)

func TestLessonsWithText(t *testing.T) {
	for n := 1; n <= 17; n++ {
		for _, lang := range Langs {
			md, err := Lesson(lang, n)
			if err != nil {
				t.Errorf("lesson %d (%s): %v", n, lang, err)
				continue
			}
			if want := fmt.Sprintf("# %d. ", n); !strings.HasPrefix(md, want) {
				t.Errorf("lesson %d (%s) does not start with %q", n, lang, want)
			}
			if !strings.Contains(md, "```python") {
				t.Errorf("lesson %d (%s) has no Python listing", n, lang)
			}
		}
	}
}

func TestLessonWithoutText(t *testing.T) {
	for _, c := range []struct {
		lang string
		n    int
	}{{"en", 18}, {"zh", 0}, {"fr", 2}} {
		if _, err := Lesson(c.lang, c.n); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Lesson(%q, %d): %v, want fs.ErrNotExist", c.lang, c.n, err)
		}
	}
	if got := Fallback("en", 7, "Queues"); !strings.HasPrefix(got, "# 7. Queues") || !strings.Contains(got, "is coming") {
		t.Errorf("English fallback: %q", got)
	}
	if got := Fallback("zh", 7, "Queues"); !strings.Contains(got, "即将推出") {
		t.Errorf("Chinese fallback: %q", got)
	}
}

func TestTitles(t *testing.T) {
	if got := Title("en", 5, "x"); got != "Locks: grabbing tickets" {
		t.Errorf("English title of lesson 5: %q", got)
	}
	if got := Title("zh", 5, "x"); got == "x" || got == "Locks: grabbing tickets" {
		t.Errorf("Chinese title of lesson 5: %q", got)
	}
	if got := Title("fr", 5, "fallback"); got != "fallback" {
		t.Errorf("a language without the lesson: %q", got)
	}
	// The home screen asks for every title at every draw: a title is read
	// from the file's first line, not by copying the whole lesson.
	if b := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Title("en", 15, "x")
		}
	}); b.AllocedBytesPerOp() > 2048 {
		t.Errorf("Title allocates %d bytes; lesson 15 is %d", b.AllocedBytesPerOp(), len(mustLesson(t, "en", 15)))
	}
}

func mustLesson(t *testing.T, lang string, n int) string {
	t.Helper()
	md, err := Lesson(lang, n)
	if err != nil {
		t.Fatal(err)
	}
	return md
}
