package lessons

import (
	"strings"
	"testing"

	"github.com/proctour/proctour/content"
)

func TestSplitCheckpoints(t *testing.T) {
	t.Parallel()
	md := `# 5. Locks

Some text.

## Check yourself

1. Why does the ticket sell
   more than once?
   - [ ] the file is slow
   - [x] buyers read before anyone writes
   - [ ] the lock is broken

   *Hint:* look at what happens
   between the read and the write.

   *Try:* tickets lock=off buyers=8

   *Why:* every buyer reads 1
   before the first write.

2. Two right answers?
   - [x] a
   - [x] b

   *Why:* none.

3. No explanation?
   - [ ] a
   - [x] b

4. A variant that does not exist?
   - [ ] a
   - [x] b

   *Try:* tickets lock=maybe

   *Why:* no such value.
`
	body, qs, problems := SplitCheckpoints(5, md)
	if strings.Contains(body, "Check yourself") || !strings.HasSuffix(body, "Some text.\n") {
		t.Errorf("body %q", body)
	}
	if len(qs) != 2 || qs[1].Try != nil {
		// a question with a bad *Try:* is still asked, without it
		t.Fatalf("%d questions, want 2: %+v", len(qs), qs)
	}
	q := qs[0]
	if q.ID != "5.1" || q.Line != 7 || q.Text != "Why does the ticket sell more than once?" || len(q.Choices) != 3 ||
		q.Answer != 1 || q.Choices[1] != "buyers read before anyone writes" || q.Why != "every buyer reads 1 before the first write." ||
		q.Hint != "look at what happens between the read and the write." ||
		q.Try == nil || q.Try.Demo != "tickets" || q.Try.Set.String() != "buyers=8 lock=off" {
		t.Errorf("question %+v (try %+v)", q, q.Try)
	}
	if len(problems) != 3 || problems[0].Line != 21 || !strings.Contains(problems[0].Msg, "exactly one right choice") ||
		problems[1].Line != 27 || !strings.Contains(problems[1].Msg, "explanation") ||
		problems[2].Line != 35 || !strings.Contains(problems[2].Msg, "*Try:* lock=maybe: lock takes") {
		t.Errorf("problems %v", problems)
	}
}

// Every lesson of the course, in every language, has well-formed
// checkpoint questions, as many in Chinese as in English, with the same
// right answers.
func TestEveryLessonHasCheckpoints(t *testing.T) {
	t.Parallel()
	totalTries := 0
	for _, l := range Course() {
		var counts [2]int
		var answers [2][]int
		var tries [2][]string
		for i, lang := range content.Langs {
			md, err := content.Lesson(lang, l.N)
			if err != nil {
				t.Errorf("lesson %d (%s): %v", l.N, lang, err)
				continue
			}
			_, qs, problems := SplitCheckpoints(l.N, md)
			if f, err := ReadLesson(lang, l.N); err == nil {
				problems = f.Problems // the checkpoints', and the rest of the file's
			}
			for _, p := range problems {
				t.Errorf("content/%s/%02d.md:%s", lang, l.N, p)
			}
			if len(qs) < 2 {
				t.Errorf("lesson %d (%s): %d checkpoint questions, want at least 2", l.N, lang, len(qs))
			}
			counts[i] = len(qs)
			for _, q := range qs {
				answers[i] = append(answers[i], q.Answer)
				if q.Try != nil {
					tries[i] = append(tries[i], q.ID+" "+q.Try.Demo+" "+q.Try.Set.String())
				}
				if q.Hint == "" {
					t.Errorf("content/%s/%02d.md:%d: question %s has no hint", lang, l.N, q.Line, q.ID)
				}
			}
		}
		if a, b := strings.Join(tries[0], ", "), strings.Join(tries[1], ", "); a != b {
			t.Errorf("lesson %d: questions to try are %q in English, %q in Chinese", l.N, a, b)
		}
		totalTries += len(tries[0])
		if counts[0] != counts[1] {
			t.Errorf("lesson %d: %d questions in English, %d in Chinese", l.N, counts[0], counts[1])
		}
		for k := range min(len(answers[0]), len(answers[1])) {
			if answers[0][k] != answers[1][k] {
				t.Errorf("lesson %d question %d: the right choice is %d in English, %d in Chinese", l.N, k+1, answers[0][k]+1, answers[1][k]+1)
			}
		}
	}
	if totalTries < 8 {
		t.Errorf("%d checkpoint questions are answered by running a demo; want some in most lessons", totalTries)
	}
}

// A question's *Try:* names one of its own lesson's demos, or the CPU
// model in lesson 1; another is dropped and reported.
func TestTriesStayInTheirLesson(t *testing.T) {
	t.Parallel()
	md := "# 5. Locks\n\n*Demos:* `tickets`, `terminate`\n\n## Check yourself\n\n" +
		"1. A?\n   - [x] a\n   - [ ] b\n\n   *Try:* tickets lock=on\n\n   *Why:* w\n\n" +
		"2. B?\n   - [x] a\n   - [ ] b\n\n   *Try:* manager lock=on\n\n   *Why:* w\n\n" +
		"3. C?\n   - [x] a\n   - [ ] b\n\n   *Try:* model cpus=2\n\n   *Why:* w\n"
	_, qs, _ := SplitCheckpoints(5, md)
	problems := ownTries(5, md, qs)
	if len(qs) != 3 || qs[0].Try == nil || qs[1].Try != nil || qs[2].Try != nil {
		t.Fatalf("tries kept: %+v %+v %+v", qs[0].Try, qs[1].Try, qs[2].Try)
	}
	if len(problems) != 2 || !strings.Contains(problems[0].Msg, "manager is not one of this lesson's demos (tickets, terminate)") || problems[1].Line != 23 {
		t.Errorf("problems %v", problems)
	}
	_, qs, _ = SplitCheckpoints(1, md)
	if ownTries(1, md, qs); qs[2].Try == nil {
		t.Error("lesson 1 may try the CPU model")
	}
}
