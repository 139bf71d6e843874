package lessons

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/proctour/proctour/trace"
)

// Prediction is a question asked before a demo runs, answered by what the
// run itself shows: each choice is a condition on one of the scenario's
// measures, and after the run the condition that holds says which choice
// this run bore out.
type Prediction struct {
	ID        string // "5.p1"
	Line      int
	Demo      string            // scenario id
	When      map[string]string // variant values it applies to; empty: any
	Ask       string
	Choices   []Choice
	Expect    int    // the choice the lesson teaches
	Why       string // why that is what usually happens
	Otherwise string // what to make of a run that did not show it
}

// Choice is one answer and the condition on a measure that makes it true.
type Choice struct {
	Text    string
	Measure string // a name from the scenario's Measures
	Op      string // ==, !=, <, <=, >, >=
	Value   int
}

// Holds reports whether the choice is what the run shows.
func (c Choice) Holds(v int) bool {
	switch c.Op {
	case "==":
		return v == c.Value
	case "!=":
		return v != c.Value
	case "<":
		return v < c.Value
	case "<=":
		return v <= c.Value
	case ">":
		return v > c.Value
	case ">=":
		return v >= c.Value
	}
	return false
}

// Applies reports whether the prediction is about a run with these values.
func (p Prediction) Applies(id string, v Vars) bool {
	if p.Demo != id {
		return false
	}
	for k, want := range p.When {
		if v[k] != want {
			return false
		}
	}
	return true
}

// Reveal measures the run and says which choice it bore out (-1: none
// could be told, e.g. the run was stopped before the measure).
func (p Prediction) Reveal(sc *Scenario, events []trace.Record) (choice, value int) {
	return p.RevealWith(func(name string) (int, bool) {
		m := sc.Measure(name)
		if m == nil {
			return 0, false
		}
		return m(events)
	})
}

// RevealWith says which choice the measures bear out (-1: none could be
// told); measure reads one by name, and says whether it could.
func (p Prediction) RevealWith(measure func(name string) (int, bool)) (choice, value int) {
	for i, c := range p.Choices {
		v, ok := measure(c.Measure)
		if ok && c.Holds(v) {
			return i, v
		}
	}
	return -1, 0
}

// Measure is the scenario's measure of that name: "outcome" is its
// Outcome; others are in Measures.
func (s *Scenario) Measure(name string) func([]trace.Record) (int, bool) {
	if name == "outcome" && s.Outcome != nil {
		return s.Outcome.Measure
	}
	return s.Measures[name]
}

// predictHeadings start a lesson's predictions.
var predictHeadings = []string{"## Predict", "## 先猜一猜"}

// SplitPredictions cuts lesson n's predictions out of its Markdown. They
// are written
//
//	## Predict
//
//	- demo: tickets
//	  when: lock=off
//	  ask: How many tickets will this run sell?
//	  - exactly one | outcome == 1
//	  - more than one | outcome > 1
//	  expect: 2
//	  why: Every buyer reads 1 before the first one writes 0.
//	  otherwise: This run's buyers happened not to overlap; run it again.
//
// and run to the next "## " heading; a lesson may have more than one such
// section, each cut out of the body. check, if set, is told of each
// prediction's scenario and measures, and says what is wrong with them.
func SplitPredictions(n int, md string, check func(Prediction) string) (body string, ps []Prediction, problems []Problem) {
	lines := strings.Split(md, "\n")
	// heading[i]: line i starts a section; section[i]: it is in one
	heading, section := make([]bool, len(lines)), make([]bool, len(lines))
	var kept []string
	for i, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case slices.Contains(predictHeadings, t):
			heading[i], section[i] = true, true
		case strings.HasPrefix(t, "## "):
		case i > 0 && section[i-1]:
			section[i] = true
		}
		if !section[i] {
			kept = append(kept, l)
		}
	}
	if !slices.Contains(heading, true) {
		return md, nil, nil
	}
	body = strings.Join(kept, "\n")
	var p *Prediction
	finish := func() {
		if p == nil {
			return
		}
		var why string
		switch {
		case p.Demo == "" || p.Ask == "":
			why = "a prediction needs its demo: and ask: lines"
		case len(p.Choices) < 2:
			why = "a prediction needs at least two choices (\"  - text | measure op number\")"
		case p.Expect < 0 || p.Expect >= len(p.Choices):
			why = fmt.Sprintf("expect: must be a choice's number, 1 to %d", len(p.Choices))
		case p.Why == "":
			why = "a prediction needs its why: line"
		case check != nil:
			why = check(*p)
		}
		if why != "" {
			problems = append(problems, Problem{p.Line, why})
		} else {
			p.ID = fmt.Sprintf("%d.p%d", n, len(ps)+1)
			ps = append(ps, *p)
		}
		p = nil
	}
	for i := range lines {
		if heading[i] || !section[i] {
			finish() // an item ends with its section
			continue
		}
		raw, l := lines[i], strings.TrimSpace(lines[i])
		if l == "" {
			continue
		}
		if rest, ok := strings.CutPrefix(raw, "- "); ok {
			finish()
			p = &Prediction{Line: i + 1, Expect: -1}
			l = strings.TrimSpace(rest) // not l[2:]: "- " alone trims to "-"
		}
		if l == "" { // "- " alone: an item with nothing in it yet
			continue
		}
		if p == nil {
			problems = append(problems, Problem{i + 1, "text in the prediction section outside a \"- demo:\" item"})
			continue
		}
		key, val, colon := strings.Cut(l, ":")
		val = strings.TrimSpace(val)
		switch {
		case !colon && !strings.HasPrefix(l, "- "): // "when" alone is not "when:"
			problems = append(problems, Problem{i + 1, fmt.Sprintf("unknown line %q in a prediction (demo, when, ask, - choice, expect, why, otherwise)", l)})
		case strings.HasPrefix(l, "- "):
			c, err := parseChoice(strings.TrimSpace(l[2:]))
			if err != "" {
				problems = append(problems, Problem{i + 1, err})
				continue
			}
			p.Choices = append(p.Choices, c)
		case key == "demo":
			p.Demo = val
		case key == "when":
			p.When = map[string]string{}
			for _, kv := range strings.Fields(val) {
				k, v, ok := strings.Cut(kv, "=")
				if !ok {
					problems = append(problems, Problem{i + 1, fmt.Sprintf("when: %q is not key=value", kv)})
				}
				p.When[k] = v
			}
		case key == "ask":
			p.Ask = val
		case key == "expect":
			n, err := strconv.Atoi(val)
			if err != nil {
				problems = append(problems, Problem{i + 1, "expect: wants a choice's number"})
			}
			p.Expect = n - 1
		case key == "why":
			p.Why = val
		case key == "otherwise":
			p.Otherwise = val
		default:
			problems = append(problems, Problem{i + 1, fmt.Sprintf("unknown line %q in a prediction (demo, when, ask, - choice, expect, why, otherwise)", l)})
		}
	}
	finish()
	return body, ps, problems
}

// parseChoice reads "more than one | outcome > 1".
func parseChoice(s string) (Choice, string) {
	text, cond, ok := strings.Cut(s, "|")
	if !ok {
		return Choice{}, fmt.Sprintf("choice %q has no condition (\"text | measure op number\")", s)
	}
	f := strings.Fields(cond)
	if len(f) != 3 {
		return Choice{}, fmt.Sprintf("condition %q: want measure op number", strings.TrimSpace(cond))
	}
	v, err := strconv.Atoi(f[2])
	switch {
	case err != nil:
		return Choice{}, fmt.Sprintf("condition %q: %q is not a number", strings.TrimSpace(cond), f[2])
	case !slices.Contains([]string{"==", "!=", "<", "<=", ">", ">="}, f[1]):
		return Choice{}, fmt.Sprintf("condition %q: %q is not one of == != < <= > >=", strings.TrimSpace(cond), f[1])
	}
	return Choice{Text: strings.TrimSpace(text), Measure: f[0], Op: f[1], Value: v}, ""
}

// CheckPrediction says what is wrong with a prediction's demo and
// measures in this build, or "".
func CheckPrediction(p Prediction) string {
	if why := checkDemoVars(p.Demo, p.When); why != "" {
		return why
	}
	if p.Demo == ModelDemo {
		return checkModelMeasures(p)
	}
	sc, _ := Lookup(p.Demo)
	for _, c := range p.Choices {
		if sc.Measure(c.Measure) == nil {
			return fmt.Sprintf("%s has no measure %q", sc.ID, c.Measure)
		}
	}
	return ""
}

// checkDemoVars says what is wrong with a demo's name and values, or "".
func checkDemoVars(demo string, vars map[string]string) string {
	if demo == ModelDemo {
		return checkModelVars(vars)
	}
	sc, err := Lookup(demo)
	if err != nil {
		return err.Error()
	}
	for k, v := range vars {
		i := slices.IndexFunc(sc.Variants, func(x Variant) bool { return x.Key == k })
		if i < 0 {
			return fmt.Sprintf("%s has no variant %q", sc.ID, k)
		}
		if ok, want := sc.Variants[i].Accepts(v); !ok {
			return fmt.Sprintf("%s=%s: %s takes %s", k, v, k, want)
		}
	}
	return ""
}
