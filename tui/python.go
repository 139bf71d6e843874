package tui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/pytrace"
	"github.com/proctour/proctour/sim"
)

// pyTarget is what a demo runs under real CPython, traced: the student's
// own program (proctour my_prog.py), or the scenario's listing at the
// current values (P in a built-in demo). A demo whose python is nil runs
// the Go demo.
type pyTarget struct {
	program string   // the student's program; "" runs the scenario's listing
	args    []string // the program's arguments
	source  []string // the program's lines, for the listing pane
	version string   // the interpreter of the latest run, "CPython 3.11.7"
	problem string   // why the latest run could not run as a program
}

// runProgramMsg starts the run of a demo opened on a Python program.
type runProgramMsg struct{}

// newProgramDemo is the demo view of the student's Python program: its
// source is the listing, its runs are CPython's. The source is read now,
// before the UI starts (no I/O in Update).
func newProgramDemo(program string, args []string, set demoSettings, runs *runner) (demo, error) {
	source, err := readSource(program)
	if err != nil {
		return demo{}, err
	}
	k := newDemoKeys()
	for _, b := range []*key.Binding{&k.Variant, &k.Repeat, &k.Python} {
		b.SetEnabled(false) // no variants, no outcome, and it is Python already
	}
	d := demo{title: filepath.Base(program), mode: set.mode, seed: set.seed, speed: 1, interp: set.python,
		keys: k, runs: runs, pb: Playback{Following: true}, draw: &drawCache{},
		python: &pyTarget{program: program, args: args, source: source}}
	d.refold()
	return d, nil
}

// isProgram reports whether the demo is the student's own program
// (proctour my_prog.py) rather than a scenario's.
func (d demo) isProgram() bool { return d.python != nil && d.python.program != "" }

// readSource reads a program's lines, for the listing pane.
func readSource(program string) ([]string, error) {
	b, err := os.ReadFile(program)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", program, err)
	}
	return strings.Split(strings.TrimSuffix(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n"), "\n"), nil
}

// pythonKey handles the keys that mean something else for a Python run:
// P switches a built-in demo between the Go demo and its listing under
// CPython; the speed is CPython's own, and k charts the Go demo only. ok is false for every other key.
func (d demo) pythonKey(msg tea.KeyPressMsg) (_ demo, _ tea.Cmd, ok bool) {
	k := d.keys
	switch {
	case key.Matches(msg, k.Python):
		// No note: it would hide the run's phase; the status bar names
		// CPython while it runs the demo.
		if d.python != nil {
			d.python = nil
		} else {
			d.python = &pyTarget{}
		}
		d.revealed, d.guessed = nil, nil // the verdict was on the run P leaves
		d, cmd := d.restart()
		return d, cmd, true
	case d.python != nil && key.Matches(msg, k.Faster, k.Slower):
		return d.say(true, "a Python program runs at its own speed: +/- are for the Go demos"), nil, true
	case d.python != nil && key.Matches(msg, k.Repeat):
		return d.say(true, "k charts the Go demo's runs: P goes back to it first"), nil, true
	}
	return d, nil, false
}

// ranPython takes what the start or the end of a Python run says: the
// interpreter's version, the program's source as the run read it (the
// student may have edited it since the last r), and why the program
// could not run (no __main__ guard under spawn), for the status bar and,
// whole, above the event log. The target is copied: models are values.
func (d demo) ranPython(version string, source []string, err error) demo {
	if d.python == nil {
		return d
	}
	p := *d.python
	if version != "" {
		p.version = version
	}
	if source != nil {
		p.source = source
	}
	p.problem = ""
	if err != nil {
		p.problem = err.Error()
	}
	d.python = &p
	return d
}

// pythonProblem is why the latest Python run could not run, wrapped to
// w columns, for the resources panel.
func (d demo) pythonProblem(s styles, w int) []string {
	if d.python == nil || d.python.problem == "" {
		return nil
	}
	var lines []string
	for _, l := range strings.Split(ansi.Wordwrap("⚠ "+d.python.problem, w, ""), "\n") {
		lines = append(lines, s.Error.Render(l))
	}
	return lines
}

// startPython starts the demo's Python run: the student's program, or
// the scenario's listing at the demo's values, written for the run.
func (d demo) startPython() tea.Cmd {
	spec := pySpec{python: d.interp, program: d.python.program, args: d.python.args, mode: d.mode, seed: d.seed, schedule: d.schedule}
	if spec.program == "" {
		spec.id, spec.name = d.sc.ID, d.sc.ScriptName()
		spec.listing = d.sc.Program(d.lang, d.vars)
		spec.vars = d.vars
		spec.timeout = d.sc.ListingTimeout()
	}
	r, run := d.runs, d.run
	return safe(func() tea.Msg {
		var source []string
		if spec.program != "" { // read again: it may have been edited since
			source, _ = readSource(spec.program)
		}
		s, version, err := r.startPython(spec)
		if err != nil {
			return runStartedMsg{run: run, python: version, source: source, err: err}
		}
		return runStartedMsg{run: run, sess: s, python: version, source: source}
	})
}

// pySpec is a Python run to start.
type pySpec struct {
	python  string // --python: the interpreter, "" for the default
	program string // the student's program, or "" for listing
	args    []string
	// listing is a scenario's listing, written as name (its script's
	// name, so that events' lines are the listing pane's) in a private
	// directory of its own, its working directory, removed after the run.
	id, name, listing string
	vars              lessons.Vars // the listing's values, for the classroom's caps
	timeout           time.Duration
	mode              sim.Mode
	seed              uint64
	schedule          []int // an interleaving to re-execute (x)
}

// pythonFound is the interpreter a --python flag names, and its version,
// or why there is none.
type pythonFound struct {
	path, version string
	err           error
}

// findPython resolves the interpreter for flag, once per flag: the demos
// ask at every P.
func (r *runner) findPython(flag string) pythonFound {
	r.mu.Lock()
	f, ok := r.pythons[flag]
	r.mu.Unlock()
	if ok {
		return f
	}
	f.path, f.err = pytrace.FindPython(flag)
	if f.err == nil {
		f.version = "CPython"
		out, err := exec.Command(f.path, "-I", "-S", "-c",
			"import platform; print(platform.python_implementation(), platform.python_version())").Output()
		if v := strings.TrimSpace(string(out)); err == nil && v != "" {
			f.version = v
		}
	}
	r.mu.Lock()
	if r.pythons == nil {
		r.pythons = map[string]pythonFound{}
	}
	r.pythons[flag] = f
	r.mu.Unlock()
	return f
}

// startPython starts a Python run under the tracer and keeps track of it;
// a listing's directory goes once the run is over. version is the
// interpreter's ("CPython 3.11.7").
func (r *runner) startPython(spec pySpec) (s sim.Source, version string, err error) {
	found := r.findPython(spec.python)
	if found.err != nil {
		return nil, "", found.err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, found.version, errClosed
	}
	release, err := r.admitRun(spec.id, spec.vars)
	if err != nil {
		return nil, found.version, err
	}
	defer func() {
		if err != nil {
			release()
		}
	}()
	o := pytrace.Options{Python: found.path, Program: spec.program, Args: spec.args, Timeout: spec.timeout,
		Mode: spec.mode, Seed: spec.seed, Schedule: spec.schedule}
	dir := ""
	if spec.listing != "" {
		if dir, err = lessons.ScratchDir(spec.id + "-py"); err != nil {
			return nil, found.version, err
		}
		o.Program, o.Dir = filepath.Join(dir, spec.name), dir
		if err := os.WriteFile(o.Program, []byte(spec.listing), 0o600); err != nil {
			os.RemoveAll(dir)
			return nil, found.version, err
		}
	}
	run, err := pytrace.Start(o)
	if err != nil {
		if dir != "" {
			os.RemoveAll(dir)
		}
		return nil, found.version, err
	}
	r.track(run, func() {
		release()
		if dir != "" {
			os.RemoveAll(dir)
		}
	})
	return run, found.version, nil
}

// runErr is why a run that is over could not run as a program (a Python
// syntax error, no __main__ guard under spawn), or nil.
func runErr(s sim.Source) error {
	if r, ok := s.(*pytrace.Run); ok {
		return r.Err()
	}
	return nil
}

// listingLines are the lines the listing pane shows: the student's
// program, or the scenario's listing at the values shown.
func (d demo) listingLines(lang string) []string {
	switch {
	case d.python != nil && d.python.program != "":
		return d.python.source
	case d.sc != nil:
		return d.sc.ProgramLines(lang, d.listingVars())
	}
	return nil
}

// listingTitle is the listing pane's title: the file's name.
func (d demo) listingTitle(s styles) string {
	switch {
	case d.python != nil && d.python.program != "":
		return d.title
	case d.sc != nil:
		return d.sc.ScriptName()
	}
	return s.tr("listing")
}

// runtime is what runs the demo, for the status bar: CPython and its
// version, or "" for the Go demo (the default: the status bar has no room
// to spare at 80 columns) and a replay.
func (d demo) runtime() string {
	switch {
	case d.python != nil && d.python.version != "":
		return d.python.version
	case d.python != nil:
		return "CPython"
	}
	return ""
}

// pythonIntro is what the lanes say before a Python run has started, or
// when it could not.
func (d demo) pythonIntro(s styles) []string {
	lines := []string{"", s.Title.Render(s.tr("Press r to run it under real CPython, traced."))}
	if d.python.program != "" {
		lines = append(lines, "", s.Dim.Render(fmt.Sprintf(s.tr("%s runs unmodified, a lane per process"), d.title)))
	} else {
		lines = append(lines, "", s.Dim.Render(s.tr("P goes back to the Go demo")))
	}
	return lines
}
