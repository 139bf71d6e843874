package access

import (
	"context"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/sim"
)

func TestMain(m *testing.M) {
	primitives.MaybeRunChild()
	os.Exit(m.Run())
}

// screen is what the course has printed, for a test that answers its
// prompts as a student at a screen reader would: it waits for a prompt,
// reads the choices above it, and types the number of the one it wants.
type screen struct {
	mu     sync.Mutex
	all    strings.Builder
	seen   int // how much of all the student has read
	change chan struct{}
}

func newScreen() *screen { return &screen{change: make(chan struct{}, 1)} }

func (s *screen) Write(b []byte) (int, error) {
	s.mu.Lock()
	s.all.Write(b)
	s.mu.Unlock()
	select {
	case s.change <- struct{}{}:
	default:
	}
	return len(b), nil
}

func (s *screen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.all.String()
}

// prompt waits until the course asks something (its output ends with a
// prompt, ": " or "：" with nothing after it) and returns what it printed
// since the last answer.
func (s *screen) prompt(t *testing.T, done <-chan error) string {
	t.Helper()
	give := time.After(3 * time.Minute) // a hang, not a slow machine
	for {
		s.mu.Lock()
		all := s.all.String()
		if len(all) > s.seen && (strings.HasSuffix(all, ": ") || strings.HasSuffix(all, "：")) {
			tail := all[s.seen:]
			s.seen = len(all)
			s.mu.Unlock()
			return tail
		}
		s.mu.Unlock()
		select {
		case <-s.change:
		case err := <-done:
			t.Fatalf("the course ended (%v) before asking; it printed:\n%s", err, s.String())
		case <-give:
			t.Fatalf("no prompt; the course printed:\n%s", s.String())
		}
	}
}

var choiceLine = regexp.MustCompile(`(?m)^(\d+)\. (.*)$`)

// pick is the number of the choice whose text contains want, in what the
// course printed since the last answer.
func pick(t *testing.T, tail, want string) string {
	t.Helper()
	ms := choiceLine.FindAllStringSubmatch(tail, -1)
	for i := len(ms) - 1; i >= 0; i-- { // the latest menu
		if strings.Contains(ms[i][2], want) {
			return ms[i][1]
		}
	}
	t.Fatalf("no choice %q in:\n%s", want, tail)
	return ""
}

// sitting runs the course for a test: type answers to what it asks.
type sitting struct {
	t    *testing.T
	scr  *screen
	in   *io.PipeWriter
	done chan error
	prog *lessons.Progress
	stop context.CancelFunc // a signal: SIGINT, SIGTERM
}

func start(t *testing.T, lang string, lesson int) *sitting {
	t.Helper()
	r, w := io.Pipe()
	s := &sitting{t: t, scr: newScreen(), in: w, done: make(chan error, 1), prog: lessons.NewProgress()}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	s.stop = cancel
	go func() {
		s.done <- Run(Options{Context: ctx, In: r, Out: s.scr, Lang: lang, Lesson: lesson, Progress: s.prog, Speed: 10, Seed: 1})
	}()
	return s
}

// answer waits for a prompt and types text; choose types the number of
// the choice that contains want.
func (s *sitting) answer(text string) string {
	s.t.Helper()
	tail := s.scr.prompt(s.t, s.done)
	fmt.Fprintln(s.in, text)
	return tail
}

func (s *sitting) choose(want string) string {
	s.t.Helper()
	tail := s.scr.prompt(s.t, s.done)
	fmt.Fprintln(s.in, pick(s.t, tail, want))
	return tail
}

// quit types q and waits for the course to end.
func (s *sitting) quit() {
	s.t.Helper()
	s.scr.prompt(s.t, s.done)
	fmt.Fprintln(s.in, "q")
	if err := <-s.done; err != nil {
		s.t.Fatalf("Run: %v", err)
	}
}

// TestLessonFiveNarrated takes lesson 5 through standard input as a
// student would: turn the lock on, predict, run, hear the run, see the
// prediction revealed, answer the checkpoint questions.
func TestLessonFiveNarrated(t *testing.T) {
	s := start(t, "en", 5)
	s.choose("Change the settings of tickets")
	s.choose("lock = off")
	s.answer("on")
	tail := s.choose("Run the demo tickets (buyers=100 lock=on")
	if !strings.Contains(tail, "lock is now on.") {
		t.Errorf("the change is not confirmed:\n%s", tail)
	}
	tail = s.choose("exactly one")
	if !strings.Contains(tail, "Predict first: The same hundred buyers, now with the lock") {
		t.Errorf("the prediction for lock=on is not asked:\n%s", tail)
	}
	tail = s.choose("Check yourself")
	for _, want := range []string{
		"Running tickets.py with buyers=100 lock=on tickets=1.",
		"The main script tickets.py starts as MainProcess",
		"buyer-0 starts (pid ",
		"), started by MainProcess.",
		"takes lock.",
		"releases lock.",
		"got a ticket",
		"Outcome: tickets sold = 1.",
		"The run showed: exactly one (1).",
		"You predicted that.",
		"With the lock, one buyer at a time reads",
	} {
		if !strings.Contains(tail, want) {
			t.Errorf("the narration lacks %q", want)
		}
	}
	if strings.Count(tail, "got a ticket") != 1 {
		t.Errorf("with the lock, exactly one buyer should print that it got a ticket:\n%s", tail)
	}
	// A waiting buyer is told who holds the lock.
	if !regexp.MustCompile(`buyer-\d+ waits for lock, held by buyer-\d+\.`).MatchString(tail) {
		t.Errorf("no wait names the holder")
	}
	f, err := lessons.ReadLesson("en", 5)
	if err != nil {
		t.Fatal(err)
	}
	for i, q := range f.Questions {
		tail := s.answer(fmt.Sprint(q.Answer + 1))
		if want := fmt.Sprintf("Question %d of %d: ", i+1, len(f.Questions)); !strings.Contains(tail, want) {
			t.Errorf("question %d is not announced (%q):\n%s", i+1, want, tail)
		}
	}
	tail = s.answer("0")
	if want := fmt.Sprintf("%d of %d right.", len(f.Questions), len(f.Questions)); !strings.Contains(tail, want) {
		t.Errorf("the score %q is not said:\n%s", want, tail)
	}
	s.quit()
	rec := s.prog.Lessons[5]
	if rec == nil || !rec.Read || len(rec.Demos) != 1 || rec.Demos[0] != "tickets" {
		t.Errorf("progress does not record the lesson read and its demo: %+v", rec)
	}
	if rec != nil && len(rec.Checkpoints) != len(f.Questions) {
		t.Errorf("progress records %d checkpoint answers, want %d", len(rec.Checkpoints), len(f.Questions))
	}
	if rec != nil && len(rec.Predictions) != 1 {
		t.Errorf("progress records predictions %v, want the one made", rec.Predictions)
	}
	for id, right := range rec.Predictions {
		if !right {
			t.Errorf("prediction %s recorded wrong; 'exactly one' with the lock is right", id)
		}
	}
}

// TestStepModeNumberedChoices plays tickets in step mode through standard
// input: every "Who moves next?" lists who may move as numbered choices,
// and the student's pick is the one that moves.
func TestStepModeNumberedChoices(t *testing.T) {
	s := start(t, "en", 5)
	s.choose("Change the settings of tickets")
	s.choose("buyers = 100")
	s.answer("2")
	s.choose("Run tickets step by step")
	// Always move the last process listed: never the oldest, which enter
	// alone would choose.
	moved := 0
	for {
		tail := s.scr.prompt(t, s.done)
		if !strings.Contains(tail, "Who moves next?") {
			if !strings.Contains(tail, "Outcome: tickets sold = ") {
				t.Errorf("the step-mode run ended without its outcome:\n%s", tail)
			}
			if !strings.Contains(s.scr.String(), "Step mode: before each operation you choose") {
				t.Errorf("step mode is not explained")
			}
			break
		}
		ms := choiceLine.FindAllStringSubmatch(tail[strings.LastIndex(tail, "Who moves next?"):], -1)
		if len(ms) == 0 {
			t.Fatalf("no numbered choices after 'Who moves next?':\n%s", tail)
		}
		fmt.Fprintln(s.in, ms[len(ms)-1][1])
		moved++
		if moved > 400 {
			t.Fatal("the run never ends")
		}
	}
	if moved < 5 {
		t.Errorf("only %d choices asked for a two-buyer run", moved)
	}
	fmt.Fprintln(s.in, "q")
	if err := <-s.done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s.scr.String(), "buyers is now 2.") {
		t.Errorf("the change of buyers is not confirmed")
	}
}

// TestChineseNarration is lesson 5's demo heard in Chinese.
func TestChineseNarration(t *testing.T) {
	s := start(t, "zh", 5)
	s.choose("修改 tickets 的设置")
	s.choose("buyers = 100")
	s.answer("3")
	s.choose("修改 tickets 的设置")
	s.choose("lock = off")
	s.answer("on")
	s.choose("运行演示 tickets")
	tail := s.answer("0")
	for _, want := range []string{"运行 tickets.py，设置为 buyers=3 lock=on tickets=1。", "主脚本 tickets.py 以 MainProcess 启动", "拿到了 lock。", "释放了 lock。", "结果：售出的票数 = 1。"} {
		if !strings.Contains(tail, want) {
			t.Errorf("the Chinese narration lacks %q:\n%s", want, tail)
		}
	}
	s.quit()
}

// TestEndOfInputQuits: a closed standard input ends the course cleanly,
// in the middle of a step-mode run too, and the run's processes are
// reaped.
func TestEndOfInputQuits(t *testing.T) {
	s := start(t, "en", 5)
	s.choose("Change the settings of tickets")
	s.choose("buyers = 100")
	s.answer("3")
	s.choose("Run tickets step by step")
	s.scr.prompt(t, s.done)
	s.in.Close()
	if err := <-s.done; err != nil {
		t.Fatalf("Run after the end of input: %v", err)
	}
}

// TestEverySentenceOfEveryScenario narrates a seeded run of every
// scenario: each event says something or is deliberately silent, and no
// sentence is left with a format verb unfilled.
func TestEverySentenceOfEveryScenario(t *testing.T) {
	for _, sc := range lessons.Scenarios() {
		t.Run(sc.ID, func(t *testing.T) {
			t.Parallel()
			vars, _ := sc.Resolve(nil)
			o := sc.Options(20, 0)
			sess, err := sim.Start(sc.Script(vars), o)
			if err != nil {
				t.Fatal(err)
			}
			sess.Wait()
			st := &sim.State{}
			said := 0
			for _, r := range sess.Timeline() {
				for _, lang := range []string{"en", "zh"} {
					s := Sentence(st, r).In(lang)
					if strings.Contains(s, "%!") {
						t.Errorf("%s: %q", r.Kind, s)
					}
					if s != "" && lang == "en" {
						said++
					}
				}
				st.Apply(r)
			}
			if said == 0 {
				t.Errorf("nothing narrated")
			}
		})
	}
}

// TestCPUModelNarrated: lesson 1's CPU model, asked and revealed like a
// demo, narrated tick by tick, and said to be a model.
func TestCPUModelNarrated(t *testing.T) {
	s := start(t, "en", 1)
	s.choose("Run the CPU model on 1 CPU(s)")
	s.choose("it runs B or C, which are ready")
	tail := s.answer("0")
	for _, want := range []string{"(a model, not real processes)", "Tick 1: running A; ready B, C; waiting for I/O none; idle CPUs 0.", "Every process is done after 11 ticks.", "The run showed: it runs B or C, which are ready (0).", "You predicted that."} {
		if !strings.Contains(tail, want) {
			t.Errorf("the model's narration lacks %q:\n%s", want, tail)
		}
	}
	s.quit()
}

// TestSignalEndsTheCourseAtAPrompt: Ctrl-C (the context's end) while the
// course waits for a line, even in the middle of a step-mode run, ends it
// without another line typed, and the run's processes are reaped.
func TestSignalEndsTheCourseAtAPrompt(t *testing.T) {
	s := start(t, "en", 5)
	s.choose("Run tickets step by step")
	s.scr.prompt(t, s.done)
	s.stop()
	if err := <-s.done; err != nil {
		t.Fatalf("Run after the signal: %v", err)
	}
}
