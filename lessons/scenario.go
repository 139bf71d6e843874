// Package lessons is the course: the lesson catalogue and every lesson's
// scenarios — the demo programs (a main script and its child targets), their
// variants, and the Python listing each one mirrors.
//
// # How to add a scenario
//
// A scenario is one file, lessons/ID.go (tickets.go is a short one to
// copy; a dash in the id is an underscore in the name), and its test,
// lessons/ID_test.go. The file declares, in one register(&Scenario{...}):
//
//   - ID, and Lesson: the number of the lesson it belongs to;
//   - the Python listing (NewListing), its lines tagged `#@name` where
//     events point, and its comments in Chinese (ListingZh, keyed by the
//     English comment). It is a whole program that runs under CPython 3.9+
//     (fork, spawn and forkserver) and does what the demo does: its first
//     lines set one constant per variant, `USE_LOCK = {lock}`, then a blank
//     line (`proctour listing` and the demo view fill in the values);
//     add its run and what to check to pyCases in
//     listing_python_linux_test.go;
//   - Summary and SummaryZh; each Variant's Help and HelpZh; an Outcome's
//     Label and LabelZh, if it has one;
//   - ScriptFile, only when ID + ".py" would not do (queue_demo.py: a
//     queue.py beside `import queue` imports itself);
//   - Budget, Main, and the child targets (primitives.Register), named
//     "ID.function".
//
// Then list its id on the "*Demos:*" line of its lesson, in content/en/NN.md
// and content/zh/NN.md, and write the lesson's text there. Nothing else:
// `go test ./lessons` names a comment, summary or variant without its
// Chinese, and runs every scenario with its defaults.
package lessons

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// Scenario is one demo. Every scenario file declares one, with the same
// parts: its listing, its variants, its budget, its main script and its
// child targets.
type Scenario struct {
	ID      string
	Lesson  int
	Summary string // what it shows, one line
	// SummaryZh is Summary in Chinese. Python (calls, classes, errors)
	// and variant values stay as they are.
	SummaryZh string
	Listing   *Listing
	// PythonNeeds names the modules beyond the standard library that the
	// listing imports, where it has any: without them it cannot run under
	// CPython, and the listing tests skip it, saying so.
	PythonNeeds []string
	// Ungated, where set, says which of the demo's operations happen
	// outside the gate (a broker's, over the network): in step and seeded
	// modes they run when their process gets to them, so a seed does not
	// repeat such a run exactly, and the seeded-repeat test leaves it out.
	Ungated string
	// Killable, where set, is the name prefix of the processes the demo
	// view may kill mid-run (K, SIGKILL): the broker's consumers, whose
	// jobs the broker then redelivers.
	Killable string
	// ListingZh are the Chinese of the listing's comments, by the English
	// comment text (the text after "# "): every comment has one and there
	// are no others (TestListingCommentsInChinese). The code stays as it
	// is, on the same lines: see ListingLines.
	ListingZh map[string]string
	// ScriptFile is the main script's file name: the listing's title, and
	// what the event log says runs ("python tickets.py"). "" is ID + ".py".
	ScriptFile string
	// Variants are the knobs a student can turn (--set key=value).
	Variants []Variant
	// Budget is the longest a run may take at speed 1 before the watchdog
	// stops it.
	Budget time.Duration
	// Serves says whether, with these values, the main script serves
	// machines of other computers and waits for them (remote-queue with
	// machines=0): its runs have no watchdog, neither budget nor idle
	// check; the user ends them. Nil: never.
	Serves func(v Vars) bool
	// Hangs says whether, with these values, the demo is a hang that the
	// watchdog is meant to stop (the lesson is the hang). Nil: never.
	Hangs func(v Vars) bool
	// Outcome, if set, is the one number a run ends with that varies from
	// run to run (tickets sold, the final count): what --repeat counts.
	Outcome *Outcome
	// Measures are other numbers read from a run, by name, that lesson
	// predictions can ask about.
	Measures map[string]func(events []trace.Record) (int, bool)
	Main     func(rt *primitives.Runtime, v Vars) error

	enOnce, zhOnce   sync.Once
	enLines, zhLines []string // the listing in English and in Chinese, at the defaults (ListingLines)
}

// Outcome is a run's result as one number, read from its timeline.
type Outcome struct {
	Label   string // "tickets sold"
	LabelZh string // Label in Chinese: "售出的票数"
	Measure func(events []trace.Record) (int, bool)
	// Correct, if set, is the outcome of a run with these values that
	// nothing went wrong in (every ticket sold once, the count at 0): a
	// chart gives it a bar of its own.
	Correct func(v Vars) int
}

// Variant is one knob: either one of Values, or an integer in Min..Max.
type Variant struct {
	Key      string
	Default  string
	Values   []string
	Min, Max int
	Help     string
	// HelpZh is Help in Chinese; Python, variant keys and values stay as
	// they are.
	HelpZh string
}

// SummaryIn is the scenario's one-line summary in lang ("en" or "zh"),
// in English when there is no Chinese one.
func (s *Scenario) SummaryIn(lang string) string {
	return inLang(lang, s.Summary, s.SummaryZh)
}

// OutcomeLabelIn is the label of the scenario's outcome in lang, or "" when
// it has none.
func (s *Scenario) OutcomeLabelIn(lang string) string {
	if s.Outcome == nil {
		return ""
	}
	return inLang(lang, s.Outcome.Label, s.Outcome.LabelZh)
}

// VariantHelpIn is the help text of the scenario's variant key in lang
// ("en" or "zh"), in English when there is no Chinese one, or "" when the
// scenario has no such variant.
func (s *Scenario) VariantHelpIn(lang, key string) string {
	i := slices.IndexFunc(s.Variants, func(v Variant) bool { return v.Key == key })
	if i < 0 {
		return ""
	}
	return inLang(lang, s.Variants[i].Help, s.Variants[i].HelpZh)
}

// inLang is zh for lang "zh" when there is one, en otherwise.
func inLang(lang, en, zh string) string {
	if lang == "zh" && zh != "" {
		return zh
	}
	return en
}

// Accepts reports whether value is allowed, with a phrase naming what is.
func (v Variant) Accepts(value string) (bool, string) {
	if len(v.Values) > 0 {
		return slices.Contains(v.Values, value), strings.Join(v.Values, ", ")
	}
	n, err := strconv.Atoi(value)
	return err == nil && n >= v.Min && n <= v.Max, fmt.Sprintf("a whole number from %d to %d", v.Min, v.Max)
}

// Step is the value by steps after value: the next (or, by < 0, the
// previous) of Values, round the end; or the integer by away, kept in
// Min..Max.
func (v Variant) Step(value string, by int) string {
	if len(v.Values) > 0 {
		i := slices.Index(v.Values, value)
		n := len(v.Values)
		return v.Values[((i+by)%n+n)%n]
	}
	n, err := strconv.Atoi(value)
	if err != nil {
		n, _ = strconv.Atoi(v.Default)
	}
	return strconv.Itoa(min(max(n+by, v.Min), v.Max))
}

// Vars are a run's variant values, every key present.
type Vars map[string]string

// Int reads an integer knob (validated by Resolve).
func (v Vars) Int(key string) int {
	n, _ := strconv.Atoi(v[key])
	return n
}

// On reads an on/off knob.
func (v Vars) On(key string) bool { return v[key] == "on" }

// String lists the values in key order, as `lock=on buyers=100`.
func (v Vars) String() string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + v[k]
	}
	return strings.Join(parts, " ")
}

// Resolve checks key=value settings against the variants and fills in the
// defaults.
func (s *Scenario) Resolve(sets []string) (Vars, error) {
	v := Vars{}
	for _, x := range s.Variants {
		v[x.Key] = x.Default
	}
	for _, set := range sets {
		key, value, ok := strings.Cut(set, "=")
		if !ok {
			return nil, fmt.Errorf("--set %q: want key=value", set)
		}
		i := slices.IndexFunc(s.Variants, func(x Variant) bool { return x.Key == key })
		if i < 0 {
			return nil, fmt.Errorf("scenario %s has no variant %q (it has: %s)", s.ID, key, s.variantKeys())
		}
		if ok, want := s.Variants[i].Accepts(value); !ok {
			return nil, fmt.Errorf("%s=%s: %s takes %s", key, value, key, want)
		}
		v[key] = value
	}
	return v, nil
}

func (s *Scenario) variantKeys() string {
	if len(s.Variants) == 0 {
		return "none"
	}
	keys := make([]string, len(s.Variants))
	for i, x := range s.Variants {
		keys[i] = x.Key
	}
	return strings.Join(keys, ", ")
}

// ScriptName is the main script's file name: ScriptFile, or the id with
// .py.
func (s *Scenario) ScriptName() string {
	if s.ScriptFile != "" {
		return s.ScriptFile
	}
	return s.ID + ".py"
}

// Script binds the variant values into the session's main script.
func (s *Scenario) Script(v Vars) sim.Script {
	return func(rt *primitives.Runtime) error { return s.Main(rt, v) }
}

// Options are the session options for a run at speed, with the budget
// scaled to it unless timeout overrides it.
func (s *Scenario) Options(speed float64, timeout time.Duration) sim.Options {
	if speed <= 0 {
		speed = 1
	}
	if timeout == 0 {
		// Sleeps shrink with the speed; starting processes does not, so
		// a fast run keeps a floor of min(budget, 3 s).
		timeout = max(time.Duration(float64(s.Budget)/speed), min(s.Budget, 3*time.Second))
	}
	o := sim.Options{Name: s.ID, Script: s.ScriptName(), Speed: speed, Timeout: timeout}
	if s.Outcome != nil {
		o.Outcome, o.OutcomeLabel = s.Outcome.Measure, s.Outcome.Label
	}
	return o
}

// ListingTimeout is how long the scenario's listing may run under the
// Python tracer before the watchdog stops it: the Go demo's budget, with
// room for CPython starting every process and importing the tracer.
func (s *Scenario) ListingTimeout() time.Duration {
	return 2*s.Budget + 10*time.Second
}

var catalogue []*Scenario

// register adds a scenario to the catalogue; scenario files call it from a
// package-level declaration.
func register(s *Scenario) *Scenario {
	if _, err := Lookup(s.ID); err == nil {
		panic("lessons: scenario registered twice: " + s.ID)
	}
	catalogue = append(catalogue, s)
	return s
}

// Scenarios lists every scenario, in lesson order.
func Scenarios() []*Scenario {
	out := slices.Clone(catalogue)
	slices.SortStableFunc(out, func(a, b *Scenario) int { return a.Lesson - b.Lesson })
	return out
}

// Lookup finds a scenario by id; the error lists the ids there are.
func Lookup(id string) (*Scenario, error) {
	for _, s := range catalogue {
		if s.ID == id {
			return s, nil
		}
	}
	ids := make([]string, 0, len(catalogue))
	for _, s := range Scenarios() {
		ids = append(ids, s.ID)
	}
	return nil, fmt.Errorf("unknown scenario %q (there are: %s)", id, strings.Join(ids, ", "))
}
