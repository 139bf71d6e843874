package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/proctour/proctour/i18n"
	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/pytrace"
	"github.com/proctour/proctour/report"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/tui"
)

// version is set at release time with -ldflags "-X main.version=…".
var version = "dev"

// uiFlags are the tutorial's options.
type uiFlags struct {
	lang, mode, python string
	seed               uint64
	accessible         bool
	projector          bool
}

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	var ui uiFlags
	root := &cobra.Command{
		Use:   "proctour",
		Short: "A terminal tutorial and simulator for multiprocessing, with real processes",
		Long: `proctour teaches multiprocessing — processes, daemons, locks, semaphores,
events, queues, pipes, managers and pools — the way Python's multiprocessing
presents them. Every demo starts real child processes and shows what they do,
event by event.`,
		Example: `  proctour                 # the lessons
  proctour my_prog.py      # your own program, under real CPython, in the demo view
  proctour my_prog.py -- -n 3 --verbose   # with its arguments`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 && !pytrace.IsProgram(args[0]) {
				return unknownCommand(cmd.Root(), args[0])
			}
			return nil
		},
		SilenceErrors: true,
		SilenceUsage:  true,
		RunE: func(cmd *cobra.Command, args []string) error {
			lang, err := resolveLang(ui.lang)
			if err != nil {
				return usageError{err}
			}
			mode, err := sim.ParseMode(ui.mode)
			if err != nil {
				return usagef("--%v", err)
			}
			if accessibleWanted(ui.accessible) {
				if len(args) > 0 {
					return usagef("the accessible mode does not open a Python program yet: 'proctour run %s' prints its trace as text", args[0])
				}
				return runAccessible(cmd, lang, mode, ui.seed, nil)
			}
			progress, warn := loadProgress()
			opts := tui.Options{Lang: lang, Mode: mode, Seed: ui.seed, Progress: progress, Python: ui.python, Projector: ui.projector}
			if warn != nil { // shown in the UI: a line printed before it takes the screen is never seen
				opts.Notice = warn.Error()
			}
			if len(args) > 0 {
				if err := checkProgram(ui.python, args[0]); err != nil {
					return err
				}
				opts.Program, opts.ProgramArgs = args[0], args[1:]
			}
			return openUI(cmd, opts)
		},
	}
	root.Flags().StringVar(&ui.lang, "lang", "", "language of the lessons: en or zh (default: from LC_ALL or LANG)")
	root.Flags().StringVar(&ui.mode, "mode", "live", "how demos start: live, step or seeded")
	root.Flags().Uint64Var(&ui.seed, "seed", 1, "the seeded scheduler's seed")
	root.Flags().BoolVar(&ui.accessible, "accessible", false, "plain text for a screen reader or a braille display (also ACCESSIBLE=1): lessons as wrapped text, demos narrated one sentence per event, choices as numbered prompts on standard input")
	root.Flags().StringVar(&ui.python, "python", "", "the Python interpreter for a program and for P in the demos (default: $PROCTOUR_PYTHON, else python3 on PATH)")
	root.Flags().BoolVar(&ui.projector, "projector", false, "start in the projector layout (X switches it): large, high-contrast demos for about 100×30 read from the back of a room")
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usagef("%v (see '%s --help')", err, c.CommandPath())
	})
	root.AddCommand(newListCmd(stdout), newListingCmd(stdout), newRunCmd(stdout), newReplayCmd(), newCompareCmd(), newExportCmd(stdout, stderr), newServeCmd(), newServeQueueCmd(stdout), newWorkerCmd(stdout), newProgressCmd(stdout, stderr),
		newVersionCmd(stdout), newCompletionCmd(stdout))
	// proctour's own help command, which names a command it does not know
	// (cobra's prints the root's help and exits 0); cobra's default
	// completion command is replaced by newCompletionCmd, which refuses a
	// shell it does not know.
	root.SetHelpCommand(newHelpCmd(root))
	root.CompletionOptions.DisableDefaultCmd = true
	for _, c := range root.Commands() {
		c.SilenceErrors, c.SilenceUsage = true, true
	}
	registerCompletions(root)
	return root
}

// execute runs the command line args on proctour's command tree. The one
// thing cobra does not refuse by itself: an unknown command followed by
// --help (proctour serve --help) would print the root's help and succeed;
// it is refused as the unknown command it is.
func execute(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	root := newRootCmd(stdout, stderr)
	var refused error
	help := root.HelpFunc()
	root.SetHelpFunc(func(c *cobra.Command, a []string) {
		if c == root {
			if err := root.ValidateArgs(c.Flags().Args()); err != nil {
				refused = err
				return
			}
		}
		help(c, a)
	})
	root.SetArgs(args)
	if err := root.ExecuteContext(ctx); err != nil {
		return err
	}
	return refused
}

func newListCmd(stdout io.Writer) *cobra.Command {
	var langFlag string
	cmd := &cobra.Command{
		Use:   "list [LESSON]",
		Short: "List the lessons, their demo scenarios and the values of their variants",
		Long: `List the lessons and, under each, its demo scenarios: what each shows and its
variants, each with its default and the values it takes (--set key=value in
proctour run and proctour listing). With a lesson number, only that lesson.`,
		Example: `  proctour list
  proctour list 5`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usagef("list takes at most one lesson number, got %q", args[1])
			}
			if len(args) == 1 {
				if _, err := lessonNumber(args[0]); err != nil {
					return err
				}
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			lang, err := resolveLang(langFlag)
			if err != nil {
				return usageError{err}
			}
			lesson := 0
			if len(args) == 1 {
				lesson, _ = lessonNumber(args[0])
			}
			report.List(stdout, lang, lesson)
			return nil
		},
	}
	cmd.Flags().StringVar(&langFlag, "lang", "", "language of the titles and summaries: en or zh (default: from LC_ALL or LANG)")
	return cmd
}

// lessonNumber reads a lesson number of the course.
func lessonNumber(arg string) (int, error) {
	n, err := strconv.Atoi(arg)
	if last := len(lessons.Course()); err != nil || n < 1 || n > last {
		return 0, usagef("lesson %q: want a lesson number from 1 to %d ('proctour list' shows them)", arg, last)
	}
	return n, nil
}

func newVersionCmd(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print proctour's version",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			v := version
			if bi, ok := debug.ReadBuildInfo(); ok && v == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
				v = bi.Main.Version
			}
			fmt.Fprintf(stdout, "proctour %s (%s %s/%s)\n", v, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return nil
		},
	}
}

func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments, got %q", cmd.Name(), args[0])
	}
	return nil
}

// runFlags are proctour run's options.
type runFlags struct {
	sets    []string
	format  string
	speed   float64
	timeout time.Duration
	mode    string
	seed    uint64
	repeat  int
	lang    string
	python  string
	// schedule re-executes an interleaving; scheduleFrom takes it from a
	// recorded trace (the run.end of a step or seeded run, or a live
	// run's order of operations).
	schedule, scheduleFrom string
	broker                 string
}

func newRunCmd(stdout io.Writer) *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run SCENARIO",
		Short: "Run a demo headless and print its events",
		Long: `Run a demo scenario without the terminal UI and print what every process did.

--format text (the default) prints an aligned log for a terminal or a handout;
--format json prints the trace: one JSON object per event, nothing else.`,
		Example: `  proctour run tickets
  proctour run tickets --set lock=on --set buyers=20
  proctour run join --speed 0.5
  proctour run tickets --mode seeded --seed 7 --set buyers=10
  proctour run tickets --python --set lock=on  # the lesson's own listing, under real CPython
  proctour run tickets --repeat 20              # how many tickets are sold, over 20 runs
  proctour run manager --repeat 20 --set lock=on
  proctour run terminate --format json > terminate.jsonl
  proctour run my_prog.py --format json -- arg1 arg2   # your own program, under real CPython
  proctour run my_prog.py --mode seeded --seed 3       # ...its operations in a seeded order: the same seed, the same run`,
		Args: func(cmd *cobra.Command, args []string) error {
			args, _, _ = pythonPath(cmd, args, f.python)
			if len(args) >= 1 && pytrace.IsProgram(args[0]) {
				return nil // a Python program and its arguments (after --)
			}
			if len(args) != 1 {
				return usagef("run needs exactly one scenario id ('proctour list' shows them) or a Python program (proctour run my_prog.py [-- args…])")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			args, dash, python := pythonPath(cmd, args, f.python)
			f.python = python
			if pytrace.IsProgram(args[0]) {
				return runProgram(cmd, args, dash, f, stdout)
			}
			if cmd.Flags().Changed("python") {
				return runListing(cmd, args[0], f, stdout)
			}
			return runScenario(cmd, args[0], f, stdout)
		},
	}
	cmd.Flags().StringArrayVar(&f.sets, "set", nil, "set a variant, key=value (repeatable)")
	cmd.Flags().StringVar(&f.format, "format", "text", "output format: text or json")
	cmd.Flags().Float64Var(&f.speed, "speed", 1, "speed factor: 0.25 is four times slower, 2 twice as fast")
	cmd.Flags().DurationVar(&f.timeout, "timeout", 0, "stop the demo after this long (default: the scenario's budget)")
	cmd.Flags().StringVar(&f.mode, "mode", "live", "live (the OS schedules), step (one operation at a time, oldest first) or seeded")
	cmd.Flags().Uint64Var(&f.seed, "seed", 1, "the seeded scheduler's seed: the same seed gives the same interleaving")
	cmd.Flags().StringVar(&f.schedule, "schedule", "", "re-execute an interleaving: a schedule string from a step or seeded run (its text log's last line, its trace's run.end)")
	cmd.Flags().StringVar(&f.scheduleFrom, "schedule-from", "", "re-execute the interleaving of a recorded trace (a step or seeded run's schedule, or the order a live run's operations took)")
	cmd.Flags().IntVar(&f.repeat, "repeat", 1, "run it this many times and chart the outcomes (tickets, manager)")
	cmd.Flags().StringVar(&f.python, "python", "", "the Python interpreter for a .py program (default: $PROCTOUR_PYTHON, else python3 on PATH); with a scenario, run its Python listing under it instead of the Go demo (--python alone: the default interpreter)")
	cmd.Flags().Lookup("python").NoOptDefVal = pythonBare
	cmd.Flags().StringVar(&f.lang, "lang", "", "language of the text log's comments and summary: en or zh (default: from LC_ALL or LANG); the JSON trace is the same in every language")
	cmd.Flags().StringVar(&f.broker, "broker", "", "the broker demo's NATS server, nats://HOST:PORT or nats://USER:PASS@HOST:PORT (nats-server -js), instead of the one inside proctour; its password is kept out of the trace")
	return cmd
}

// scenarioRun checks what proctour run SCENARIO and run SCENARIO --python
// both take: the scenario, its values, the format and the timeout.
func scenarioRun(cmd *cobra.Command, id string, f runFlags) (*lessons.Scenario, lessons.Vars, error) {
	sc, err := lessons.Lookup(id)
	if err != nil {
		return nil, nil, usageError{err}
	}
	vars, err := sc.Resolve(f.sets)
	if err != nil {
		return nil, nil, usageError{err}
	}
	if f.format != "text" && f.format != "json" {
		return nil, nil, usagef("--format %q: want text or json", f.format)
	}
	if cmd.Flags().Changed("timeout") && f.timeout < minTimeout {
		return nil, nil, usagef("--timeout %v: want a duration of at least %v, such as 30s", f.timeout, minTimeout)
	}
	return sc, vars, nil
}

func runScenario(cmd *cobra.Command, id string, f runFlags, stdout io.Writer) error {
	sc, vars, err := scenarioRun(cmd, id, f)
	if err != nil {
		return err
	}
	if !(f.speed >= 0.01 && f.speed <= 100) { // NaN fails every comparison
		return usagef("--speed %g: want a factor from 0.01 to 100", f.speed)
	}
	mode, err := sim.ParseMode(f.mode)
	if err != nil {
		return usagef("--%v", err)
	}
	lang, err := resolveLang(f.lang)
	if err != nil {
		return usageError{err}
	}
	if f.broker != "" {
		if !strings.HasPrefix(f.broker, "nats://") {
			return usagef("--broker %q: want nats://HOST:PORT", lessons.RedactURL(f.broker))
		}
		lessons.SetBroker(f.broker)
		defer lessons.SetBroker("")
	}
	opts := sc.Options(f.speed, f.timeout)
	opts.Mode, opts.Seed, opts.Auto = mode, f.seed, true
	if opts.Schedule, err = scheduleFlags(cmd, f); err != nil {
		return err
	}
	if f.repeat != 1 {
		switch {
		case f.repeat < 1 || f.repeat > 500:
			return usagef("--repeat %d: want a number of runs from 1 to 500", f.repeat)
		case sc.Outcome == nil:
			return usagef("--repeat: %s has no outcome that varies from run to run (try tickets or manager)", sc.ID)
		case f.format != "text":
			return usagef("--repeat prints a chart of the outcomes: it takes --format text")
		}
		log := report.NewRepeatLog(stdout, sc, vars, f.repeat, lang)
		t, err := sc.Repeat(cmd.Context(), vars, opts, f.repeat, lessons.StartSession, log.Run)
		if err != nil {
			return err
		}
		log.Close(t)
		return nil
	}
	s, err := lessons.StartSession(sc, vars, opts)
	if err != nil {
		return err
	}
	stopOnCancel(cmd, s)
	out := report.NewJSON(stdout)
	if f.format == "text" {
		out = report.NewTextLog(stdout, sc, vars, lang)
	}
	for r := range s.Events() {
		if err := out.Write(r); err != nil {
			s.Stop()
			for range s.Events() { // drain, so that the session can end
			}
			return fmt.Errorf("write: %w", err)
		}
	}
	if err := out.Close(s.Timeline()); err != nil {
		return err
	}
	return demoOutcome(sc.ID, sim.Fold(s.Timeline()), lang)
}

// minTimeout is the shortest --timeout: below it no process even starts.
const minTimeout = 10 * time.Millisecond

// demoOutcome is the error that sets proctour run's exit code: nil when
// the demo ran to its end, or when the watchdog stopped a demo that would
// have waited forever (that hang is the lesson of terminate and pipe-eof:
// the log reports it); an error when the main script failed.
func demoOutcome(id string, st *sim.State, lang string) error {
	if st.Watchdog == "" && len(st.Procs) > 0 && st.Procs[0].Status == sim.Exited && st.Procs[0].ExitCode != 0 {
		return fmt.Errorf(i18n.Tr(lang, "%s failed: its main script ended with exit code %d"), id, st.Procs[0].ExitCode)
	}
	return nil
}

// resolveLang picks the lessons' language: the flag, else the locale.
func resolveLang(flag string) (string, error) {
	switch flag {
	case "en", "zh":
		return flag, nil
	case "":
	default:
		return "", fmt.Errorf("--lang %q: want en or zh", flag)
	}
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if loc := os.Getenv(v); loc != "" {
			if strings.HasPrefix(loc, "zh") {
				return "zh", nil
			}
			return "en", nil
		}
	}
	return "en", nil
}

// stopOnCancel stops the session when the command is cancelled (Ctrl-C,
// SIGTERM), so that its processes end with it.
func stopOnCancel(cmd *cobra.Command, s *sim.Session) {
	go func() {
		select {
		case <-cmd.Context().Done():
			s.Stop()
		case <-s.Done():
		}
	}()
}
