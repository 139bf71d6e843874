package lessons

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/proctour/proctour/sim"
)

func TestSplitChallenges(t *testing.T) {
	md := strings.Join([]string{
		"# L", "text before", "## Challenges", "",
		"- demo: tickets", "  with: lock=off buyers=3", "  goal: Sell it twice. | outcome >= 2", "  won: sold twice", "  why: a race",
		"- demo: semaphore", "  with: people=4", "  goal: Four in. | max_inside > 3", "  impossible: true", "  at: end", "  why: Semaphore(3)",
		"- demo: tickets", "  goal: no condition", "  won: x", "  why: y",
		"- demo: tickets", "  with: lock=maybe", "  goal: g | outcome > 1", "  won: x", "  why: y",
		"## After", "kept",
	}, "\n")
	body, cs, problems := SplitChallenges(5, md, CheckChallenge)
	if strings.Contains(body, "demo: tickets") || !strings.Contains(body, "text before") || !strings.Contains(body, "kept") {
		t.Errorf("body should lose the section and keep the rest:\n%s", body)
	}
	if len(cs) != 2 {
		t.Fatalf("want 2 challenges, got %d: %+v (problems %v)", len(cs), cs, problems)
	}
	if c := cs[0]; c.ID != "5.c1" || c.Demo != "tickets" || c.With["buyers"] != "3" || c.Goal.Measure != "outcome" || c.Goal.Op != ">=" || c.Goal.Value != 2 || c.Won != "sold twice" || c.Impossible || c.AtEnd {
		t.Errorf("first challenge read wrong: %+v", c)
	}
	if c := cs[1]; c.ID != "5.c2" || !c.Impossible || !c.AtEnd || c.Goal.Measure != "max_inside" {
		t.Errorf("second challenge read wrong: %+v", c)
	}
	all := fmt.Sprint(problems)
	if len(problems) != 3 || !strings.Contains(all, `"no condition" has no condition`) || !strings.Contains(all, "needs its demo: and goal:") || !strings.Contains(all, "lock=maybe") {
		t.Errorf("want the missing condition and the bad value reported, got %v", problems)
	}
}

// Every lesson's challenges parse without problems, in both languages,
// and the languages have the same challenges.
func TestLessonChallengesParse(t *testing.T) {
	want := map[int]int{5: 1, 6: 1, 9: 1, 10: 1, 15: 2}
	for n, count := range want {
		var ids [2][]string
		for i, lang := range []string{"en", "zh"} {
			f, err := ReadLesson(lang, n)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range f.Problems {
				if strings.Contains(p.Msg, "challenge") || p.Line == 0 {
					t.Errorf("%s lesson %d line %d: %s", lang, n, p.Line, p.Msg)
				}
			}
			if len(f.Challenges) != count {
				t.Errorf("%s lesson %d: %d challenges, want %d", lang, n, len(f.Challenges), count)
			}
			for _, c := range f.Challenges {
				ids[i] = append(ids[i], c.ID+" "+c.Demo+" "+strings.Join(c.Sets(), " ")+" "+c.Goal.Measure+c.Goal.Op)
				if strings.Contains(f.Body, c.Why) {
					t.Errorf("%s lesson %d: the challenge's text is left in the body", lang, n)
				}
			}
		}
		if strings.Join(ids[0], "|") != strings.Join(ids[1], "|") {
			t.Errorf("lesson %d: English and Chinese challenges differ:\n%v\n%v", n, ids[0], ids[1])
		}
	}
}

// challenge is lesson n's challenge of that demo and value.
func challenge(t *testing.T, n int, demo, set string) Challenge {
	t.Helper()
	f, _ := ReadLesson("en", n)
	for _, c := range f.Challenges {
		if c.Demo == demo && strings.Contains(strings.Join(c.Sets(), " "), set) {
			return c
		}
	}
	t.Fatalf("lesson %d has no %s challenge with %s", n, demo, set)
	return Challenge{}
}

// Each challenge played: a schedule that wins it, and one that does not
// (an impossible one: a whole run that does not).
func TestChallengesPlayed(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes")
	}
	t.Parallel()
	cases := []struct {
		name      string
		n         int
		demo, set string
		schedule  string
		wins      bool
	}{
		{"tickets sold twice", 5, "tickets", "buyers=3", "1*4.4*2.3.4.2*2.3.2*2.4.2*2.3.4.2.4.1.3*2.1.4.1*3", true},
		{"tickets sold once", 5, "tickets", "buyers=3", "1*2.2*2.1.3.1.2.3.2.4.2*2.3.2.4.1.4*3.3*2.1*4", false},
		{"manager update lost", 10, "manager", "procs=2", "1*4.3.4.3.4.3.4*2.3.1*6", true},
		{"manager count right", 10, "manager", "procs=2", "1*4.3*4.1.4*4.1*5", false},
		{"deadlock opposite", 15, "deadlock", "order=opposite", "1*2.2.3.2.3.2.3.2.3.2.3", true},
		{"deadlock same order", 15, "deadlock", "order=same", "1*2.2*9.1.3*9.1*2", false},
		{"pipe reader hangs", 9, "pipe-eof", "forget_close=on", "1*2.2.1.3.2.3.2.3.2.3.2.3.2.3.2*2.1", true},
		{"pipe stopped before the writer closes", 9, "pipe-eof", "forget_close=on", "1*2.2.1.3.2.3", false},
		{"four in a Semaphore(3)", 6, "semaphore", "people=4", "1*2.2.1.3.2.1.4.3.2.5.4.3.2.4.3.2.4.3.2.1.5.4.3.1.5.4.1.5*3.1*2", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ch := challenge(t, c.n, c.demo, c.set)
			steps, err := sim.ParseSchedule(c.schedule)
			if err != nil {
				t.Fatal(err)
			}
			events := runSchedule(t, ch.Demo, steps, ch.Sets()...)
			// only the cut-short schedule stops off plan: the others are
			// whole runs, re-executed
			if p := offPlan(events); (p != "") != strings.HasPrefix(c.name, "pipe stopped") {
				t.Errorf("%s: off plan %q", c.schedule, p)
			}
			if got := ch.Reached(mustLookup(t, ch.Demo), events); got != c.wins {
				t.Errorf("%s with schedule %s: reached %v, want %v (off plan: %q)", ch.ID, c.schedule, got, c.wins, offPlan(events))
			}
		})
	}
}

// A run stopped because a replayed schedule no longer fit shows nothing:
// it wins no challenge, though the deadlock's measure is told at any
// watchdog.
func TestChallengeNotWonOffPlan(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes")
	}
	ch := challenge(t, 15, "deadlock", "order=opposite")
	events := runSchedule(t, "deadlock", []int{1, 1, 3}, ch.Sets()...)
	if offPlan(events) == "" {
		t.Fatalf("the schedule 1.1.3 should not fit")
	}
	if ch.Reached(mustLookup(t, "deadlock"), events) {
		t.Errorf("an off-plan stop counted as the deadlock")
	}
}

func mustLookup(t *testing.T, id string) *Scenario {
	t.Helper()
	sc, err := Lookup(id)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// A challenge won is recorded with its fewest moves, and a progress file
// written before challenges existed still loads.
func TestProgressChallenges(t *testing.T) {
	dir := t.TempDir()
	old := `{"version":1,"lessons":{"5":{"read":true,"demos":["tickets"],"updated":"2026-01-01T00:00:00Z"}}}`
	if err := os.WriteFile(filepath.Join(dir, "progress.json"), []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := LoadProgress(dir)
	if err != nil || !p.Lessons[5].Read {
		t.Fatalf("an old progress file should load: %v %+v", err, p.Lessons[5])
	}
	p.MarkChallenge(5, "5.c1", 20)
	p.MarkChallenge(5, "5.c1", 14)
	p.MarkChallenge(5, "5.c1", 30)
	if err := p.Save(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "progress.json"))
	var saved struct {
		Lessons map[string]struct {
			Challenges map[string]int `json:"challenges"`
		} `json:"lessons"`
	}
	if err := json.Unmarshal(b, &saved); err != nil {
		t.Fatal(err)
	}
	if got := saved.Lessons["5"].Challenges["5.c1"]; got != 14 {
		t.Errorf("saved moves for 5.c1 = %d, want the fewest, 14:\n%s", got, b)
	}
	q, err := LoadProgress(dir)
	if err != nil || q.Lessons[5].Challenges["5.c1"] != 14 {
		t.Errorf("reloaded: %v %+v", err, q.Lessons[5])
	}
}

// With ScheduleThenStep a run plays its schedule, then waits for a
// person: nothing moves until Release, and the moves go on from there
// (a challenge's undo).
func TestScheduleThenStep(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real processes")
	}
	sc := mustLookup(t, "tickets")
	v, err := sc.Resolve([]string{"buyers=3", "lock=off"})
	if err != nil {
		t.Fatal(err)
	}
	o := sc.Options(1, 0)
	o.Schedule, o.ScheduleThenStep = []int{1, 1, 1}, true
	s, err := StartSession(sc, v, o)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Stop(); <-s.Done() }()
	// wait until the three steps are played and something waits again
	settled := func() []sim.Intent {
		for {
			_, pending, done, changed := s.Snapshot(0)
			if done {
				t.Fatalf("the run ended at the schedule's end: %v", offPlan(s.Timeline()))
			}
			if s.Schedule() == "1*3" && len(pending) > 0 && !s.Busy() {
				return pending
			}
			<-changed
		}
	}
	pending := settled()
	// a person's move: the third buyer's start (or whatever can go)
	var pid int
	for _, in := range pending {
		if in.CanProceed {
			pid = in.Pid
		}
	}
	if err := s.Release(pid); err != nil {
		t.Fatalf("release after the schedule: %v", err)
	}
	for {
		_, _, done, changed := s.Snapshot(0)
		if got := s.Schedule(); got != "1*3" {
			if steps, _ := sim.ParseSchedule(got); len(steps) != 4 {
				t.Errorf("after one move the schedule is %s, want 4 steps", got)
			}
			break
		}
		if done {
			t.Fatal("the run ended instead of taking the move")
		}
		<-changed
	}
	if p := offPlan(s.Timeline()); p != "" {
		t.Errorf("off plan: %s", p)
	}
}
