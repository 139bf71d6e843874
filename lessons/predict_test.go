package lessons

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/proctour/proctour/content"
	"github.com/proctour/proctour/trace"
)

func TestSplitPredictions(t *testing.T) {
	t.Parallel()
	md := `# 5. Locks

Text.

## Predict

- demo: tickets
  when: lock=off
  ask: How many sold?
  - one | outcome == 1
  - more | outcome > 1
  expect: 2
  why: reads before writes.
  otherwise: run it again.
- demo: tickets
  ask: broken
  - one | outcome = 1
  - more | sold > 1
  expect: 3
  why: x

## Check yourself
`
	body, ps, problems := SplitPredictions(5, md, CheckPrediction)
	if strings.Contains(body, "Predict") || !strings.Contains(body, "## Check yourself") {
		t.Errorf("body %q", body)
	}
	if len(ps) != 1 {
		t.Fatalf("%d predictions: %+v", len(ps), ps)
	}
	p := ps[0]
	if p.ID != "5.p1" || p.Demo != "tickets" || p.When["lock"] != "off" || p.Expect != 1 || len(p.Choices) != 2 ||
		p.Choices[1] != (Choice{Text: "more", Measure: "outcome", Op: ">", Value: 1}) || p.Otherwise != "run it again." {
		t.Errorf("prediction %+v", p)
	}
	if !p.Applies("tickets", Vars{"lock": "off", "buyers": "100"}) || p.Applies("tickets", Vars{"lock": "on"}) || p.Applies("manager", Vars{"lock": "off"}) {
		t.Error("Applies does not follow when:")
	}
	text := ""
	for _, pr := range problems {
		text += pr.String() + "\n"
	}
	for _, want := range []string{"line 17: condition \"outcome = 1\": \"=\" is not one of", "line 15: a prediction needs at least two choices"} {
		if !strings.Contains(text, want) {
			t.Errorf("problems lack %q:\n%s", want, text)
		}
	}
}

func TestPredictionRevealReadsTheRun(t *testing.T) {
	t.Parallel()
	_, ps, _ := SplitPredictions(5, "## Predict\n\n- demo: tickets\n  ask: ?\n  - one | outcome == 1\n  - more | outcome > 1\n  expect: 2\n  why: w\n", CheckPrediction)
	sold := func(n int) []trace.Record {
		var out []trace.Record
		for range n {
			v, _ := json.Marshal("buyer-1 got a ticket")
			out = append(out, trace.Record{Kind: trace.KindStdout, Val: v})
		}
		return out
	}
	for n, want := range map[int]int{1: 0, 7: 1, 0: -1} {
		if got, v := ps[0].Reveal(Tickets, sold(n)); got != want || (got >= 0 && v != n) {
			t.Errorf("%d sold: choice %d (%d), want %d", n, got, v, want)
		}
	}
}

// The course's predictions are well formed, name demos and measures that
// exist, and are alike in both languages.
func TestEveryPredictionIsWellFormed(t *testing.T) {
	t.Parallel()
	total := 0
	for _, l := range Course() {
		var got [2][]Prediction
		for i, lang := range content.Langs {
			md, _ := content.Lesson(lang, l.N)
			_, ps, problems := SplitPredictions(l.N, md, CheckPrediction)
			for _, p := range problems {
				t.Errorf("content/%s/%02d.md:%s", lang, l.N, p)
			}
			got[i] = ps
		}
		if len(got[0]) != len(got[1]) {
			t.Errorf("lesson %d: %d predictions in English, %d in Chinese", l.N, len(got[0]), len(got[1]))
			continue
		}
		for k := range got[0] {
			a, b := got[0][k], got[1][k]
			if a.Demo != b.Demo || a.Expect != b.Expect || len(a.Choices) != len(b.Choices) {
				t.Errorf("lesson %d prediction %d differs between the languages", l.N, k+1)
			}
		}
		total += len(got[0])
	}
	if total < 5 {
		t.Errorf("%d predictions in the course", total)
	}
}

// coursePredictions is every prediction of the course, in English.
func coursePredictions(t *testing.T) []Prediction {
	var out []Prediction
	for _, l := range Course() {
		f, err := ReadLesson("en", l.N)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, f.Predictions...)
	}
	return out
}

// checkPredictions checks the course's predictions about a run of sc with
// values v against it: each is answered (its measures are told at the
// end of a run), and one without an otherwise: line, which the lesson
// says every run bears out, came true.
func checkPredictions(t *testing.T, sc *Scenario, v Vars, events []trace.Record) {
	t.Helper()
	for _, p := range coursePredictions(t) {
		if !p.Applies(sc.ID, v) {
			continue
		}
		got, val := p.Reveal(sc, events)
		switch {
		case got < 0:
			t.Errorf("%s (%s %v): the run does not answer %q", p.ID, sc.ID, v, p.Ask)
		case p.Otherwise == "" && got != p.Expect:
			t.Errorf("%s (%s %v): the run shows %q (%d), the lesson expects %q", p.ID, sc.ID, v, p.Choices[got].Text, val, p.Choices[p.Expect].Text)
		}
	}
}

// Predictions about settings other than the defaults (those are checked
// by TestEveryScenarioRunsCleanWithDefaults) and about the CPU model come
// true as checkPredictions says.
func TestPredictionsComeTrue(t *testing.T) {
	t.Parallel()
	for _, p := range coursePredictions(t) {
		if p.Demo == ModelDemo {
			cpus, _ := strconv.Atoi(p.When["cpus"])
			got, v := p.RevealWith(ModelMeasure(RunModel(max(cpus, 1))))
			if got != p.Expect {
				t.Errorf("%s: the model shows choice %d (%d), the lesson expects %d", p.ID, got+1, v, p.Expect+1)
			}
			continue
		}
		sc, err := Lookup(p.Demo)
		if err != nil {
			t.Fatal(err)
		}
		var sets []string
		for k, v := range p.When {
			sets = append(sets, k+"="+v)
		}
		slices.Sort(sets)
		v, err := sc.Resolve(sets)
		if err != nil {
			t.Fatal(err)
		}
		if defaults, _ := sc.Resolve(nil); maps.Equal(v, defaults) {
			continue
		}
		t.Run(p.ID, func(t *testing.T) {
			events, _ := run(t, p.Demo, sets...)
			checkPredictions(t, sc, v, events)
		})
	}
}
