package lessons

import (
	"fmt"
	"slices"
	"strings"

	"github.com/proctour/proctour/trace"
)

// Challenge is a goal the student reaches in step mode by choosing who
// moves next ("break it"): a scenario, the variant values it is played
// with, and a condition on one of its measures that the trace must show.
// An impossible one never holds, and its why says so once the student has
// tried.
type Challenge struct {
	ID         string // "5.c1"
	Line       int
	Demo       string            // scenario id
	With       map[string]string // the variant values it is played with
	Goal       Choice            // Text: what to do; the condition: when it is done
	Won        string            // a few words for the win screen: "sold twice"
	AtEnd      bool              // the goal is judged once the run has ended (a value that starts true)
	Impossible bool
	Why        string
}

// Reached reports whether the timeline shows the goal reached: its measure
// told and holding (with AtEnd, once the run has ended). An impossible
// challenge is judged the same way; it is its scenario that never lets it
// hold.
func (c Challenge) Reached(sc *Scenario, events []trace.Record) bool {
	if c.AtEnd && (len(events) == 0 || events[len(events)-1].Kind != trace.KindRunEnd) {
		return false
	}
	for _, e := range events {
		if e.Kind == trace.KindWatchdog && e.Obj == "schedule" {
			return false // stopped where a replayed schedule no longer fit: it shows nothing
		}
	}
	m := sc.Measure(c.Goal.Measure)
	if m == nil {
		return false
	}
	v, ok := m(events)
	return ok && c.Goal.Holds(v)
}

// challengeHeadings start a lesson's challenges.
func isChallengeHeading(t string) bool { return t == "## Challenges" || t == "## 挑战" }

// SplitChallenges cuts lesson n's challenges out of its Markdown. They are
// written
//
//	## Challenges
//
//	- demo: tickets
//	  with: lock=off buyers=3 tickets=1
//	  goal: Sell the one ticket twice. | outcome >= 2
//	  won: sold twice
//	  why: Two buyers read 1 before either wrote 0.
//
// with "at: end" for a goal judged once the run has ended, and
// "impossible: true" for one the scenario never lets hold (its why says
// why). A section runs to the next "## " heading. check, if set, says
// what is wrong with a challenge's scenario, values and measure.
func SplitChallenges(n int, md string, check func(Challenge) string) (body string, cs []Challenge, problems []Problem) {
	lines := strings.Split(md, "\n")
	in, found := false, false
	var kept []string
	var c *Challenge
	finish := func() {
		if c == nil {
			return
		}
		var why string
		switch {
		case c.Demo == "" || c.Goal.Measure == "":
			why = "a challenge needs its demo: and goal: lines"
		case c.Won == "" && !c.Impossible:
			why = "a challenge needs its won: line (a few words for the win screen)"
		case c.Why == "":
			why = "a challenge needs its why: line"
		case check != nil:
			why = check(*c)
		}
		if why != "" {
			problems = append(problems, Problem{c.Line, why})
		} else {
			c.ID = fmt.Sprintf("%d.c%d", n, len(cs)+1)
			cs = append(cs, *c)
		}
		c = nil
	}
	for i, raw := range lines {
		t := strings.TrimSpace(raw)
		switch {
		case isChallengeHeading(t):
			finish()
			in, found = true, true
			continue
		case strings.HasPrefix(t, "## "):
			finish()
			in = false
		}
		if !in {
			kept = append(kept, raw)
			continue
		}
		if t == "" {
			continue
		}
		if rest, ok := strings.CutPrefix(raw, "- "); ok {
			finish()
			c = &Challenge{Line: i + 1}
			t = strings.TrimSpace(rest)
		}
		if c == nil {
			problems = append(problems, Problem{i + 1, "text in the challenges section outside a \"- demo:\" item"})
			continue
		}
		key, val, colon := strings.Cut(t, ":")
		val = strings.TrimSpace(val)
		if !colon {
			problems = append(problems, Problem{i + 1, fmt.Sprintf("unknown line %q in a challenge (demo, with, goal, won, at, impossible, why)", t)})
			continue
		}
		switch key {
		case "demo":
			c.Demo = val
		case "with":
			c.With = map[string]string{}
			for _, kv := range strings.Fields(val) {
				k, v, ok := strings.Cut(kv, "=")
				if !ok {
					problems = append(problems, Problem{i + 1, fmt.Sprintf("with: %q is not key=value", kv)})
					continue
				}
				c.With[k] = v
			}
		case "goal":
			g, err := parseChoice(val)
			if err != "" {
				problems = append(problems, Problem{i + 1, err})
				continue
			}
			c.Goal = g
		case "won":
			c.Won = val
		case "at":
			if val != "end" {
				problems = append(problems, Problem{i + 1, "at: takes only end"})
			}
			c.AtEnd = val == "end"
		case "impossible":
			if val != "true" && val != "false" {
				problems = append(problems, Problem{i + 1, "impossible: takes true or false"})
			}
			c.Impossible = val == "true"
		case "why":
			c.Why = val
		default:
			problems = append(problems, Problem{i + 1, fmt.Sprintf("unknown line %q in a challenge (demo, with, goal, won, at, impossible, why)", t)})
		}
	}
	finish()
	if !found {
		return md, nil, nil
	}
	return strings.Join(kept, "\n"), cs, problems
}

// CheckChallenge says what is wrong with a challenge's demo, values and
// measure in this build, or "".
func CheckChallenge(c Challenge) string {
	if c.Demo == ModelDemo {
		return "the CPU model has no step mode to play a challenge in"
	}
	if why := checkDemoVars(c.Demo, c.With); why != "" {
		return why
	}
	sc, _ := Lookup(c.Demo)
	if sc.Measure(c.Goal.Measure) == nil {
		return fmt.Sprintf("%s has no measure %q", sc.ID, c.Goal.Measure)
	}
	return ""
}

// Sets are the challenge's values as key=value settings (Scenario.Resolve),
// in a fixed order.
func (c Challenge) Sets() []string {
	var s []string
	for k, v := range c.With {
		s = append(s, k+"="+v)
	}
	slices.Sort(s)
	return s
}
