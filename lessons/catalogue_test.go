package lessons

import (
	"slices"
	"testing"

	"github.com/proctour/proctour/content"
)

// The course is read from the lesson files: seventeen lessons, in order,
// each naming its demos, every demo built, and the same demos named in the
// Chinese file.
func TestCourseIsReadFromTheLessonFiles(t *testing.T) {
	t.Parallel()
	c := Course()
	if len(c) != 17 {
		t.Fatalf("%d lessons, want 17", len(c))
	}
	for i, l := range c {
		if l.N != i+1 || l.Title == "" || len(l.Scenarios) == 0 {
			t.Errorf("lesson %d: %+v", i+1, l)
		}
		if len(l.Available()) != len(l.Scenarios) {
			t.Errorf("lesson %d names demos that are not built: %v", l.N, l.Scenarios)
		}
		zh, _ := content.Lesson("zh", l.N)
		if ids, _, ok := demosLine(zh); !ok || !slices.Equal(ids, l.Scenarios) {
			t.Errorf("lesson %d: the Chinese file's demos %v, the English %v", l.N, ids, l.Scenarios)
		}
		for _, s := range l.Available() {
			if s.Lesson != l.N {
				t.Errorf("lesson %d names %s, which says it belongs to lesson %d", l.N, s.ID, s.Lesson)
			}
		}
	}
	if got := c[4]; got.Title != "Locks: grabbing tickets" || !slices.Equal(got.Scenarios, []string{"tickets", "terminate"}) {
		t.Errorf("lesson 5: %+v", got)
	}
	if p := CourseProblems(); len(p) > 0 {
		t.Errorf("problems in the lesson files: %v", p)
	}
	for _, s := range Scenarios() {
		found := false
		for _, l := range c {
			found = found || slices.Contains(l.Scenarios, s.ID)
		}
		if !found {
			t.Errorf("scenario %s is in no lesson's demos line", s.ID)
		}
	}
}

func TestDemosLine(t *testing.T) {
	t.Parallel()
	ids, line, ok := demosLine("# 5. Locks\n\n*Demos:* `tickets`, `terminate`\n\ntext")
	if !ok || line != 3 || !slices.Equal(ids, []string{"tickets", "terminate"}) {
		t.Errorf("demos line: %v %d %v", ids, line, ok)
	}
	if zh, _, ok := demosLine("# 5. 锁\n\n*演示：* `tickets`\n"); !ok || !slices.Equal(zh, []string{"tickets"}) {
		t.Errorf("Chinese demos line: %v %v", zh, ok)
	}
	if _, _, ok := demosLine("# 5. Locks\n\nno line\n"); ok {
		t.Error("found a demos line where there is none")
	}
}
