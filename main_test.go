package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

func TestMain(m *testing.M) {
	primitives.MaybeRunChild()
	// The tests' progress goes to a directory of their own, never the
	// user's.
	// (A helper process, this binary run again by a test, inherits the
	// directory and leaves it to the test that made it.)
	// The output the tests read is English unless a test asks for Chinese,
	// whatever the locale of the machine running them.
	os.Setenv("LC_ALL", "C")
	made := ""
	if os.Getenv("PROCTOUR_TEST_STATE") == "" {
		if dir, err := os.MkdirTemp("", "proctour-test-state-"); err == nil {
			os.Setenv("PROCTOUR_STATE_DIR", dir)
			os.Setenv("PROCTOUR_TEST_STATE", "1")
			made = dir
		}
	}
	code := m.Run()
	if made != "" {
		os.RemoveAll(made)
	}
	os.Exit(code)
}

func proctour(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestBadInputIsOneLineAndExit2(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "tickest"}, `unknown scenario "tickest" (there are: `},
		{[]string{"run", "tickets", "--set", "lock=maybe"}, "lock=maybe: lock takes off, on"},
		{[]string{"run", "tickets", "--set", "colour=red"}, `no variant "colour"`},
		{[]string{"run", "tickets", "--format", "xml"}, `--format "xml": want text or json`},
		{[]string{"run", "tickets", "--speed", "0"}, "--speed 0: want a factor"},
		{[]string{"run", "hello", "--speed", "NaN"}, "--speed NaN: want a factor"},
		{[]string{"run", "hello", "--speed", "Inf"}, "--speed +Inf: want a factor"},
		{[]string{"run", "hello", "--timeout", "0s"}, "--timeout 0s: want a duration of at least 10ms"},
		{[]string{"run", "hello", "--timeout", "1ns"}, "--timeout 1ns: want a duration of at least 10ms"},
		{[]string{"run", "hello", "--timeout", "-1s"}, "--timeout -1s: want a duration of at least 10ms"},
		{[]string{"run", "tickets", "--bogus"}, "unknown flag: --bogus (see 'proctour run --help')"},
		{[]string{"run", "tickets", "--timeout", "soon"}, "invalid argument \"soon\""},
		{[]string{"run"}, "run needs exactly one scenario id"},
		{[]string{"run", "hello", "--repeat", "3"}, "hello has no outcome that varies"},
		{[]string{"run", "tickets", "--repeat", "0"}, "--repeat 0: want a number of runs"},
		{[]string{"run", "tickets", "--repeat", "3", "--format", "json"}, "--repeat prints a chart"},
		{[]string{"fly"}, `unknown command "fly"`},
		{[]string{"serv", "--help"}, `unknown command "serv"`},
		{[]string{"help", "serv"}, `unknown command "serv"`},
		{[]string{"help", "run", "now"}, `proctour run has no command "now"`},
		{[]string{"--addr", "x"}, "unknown flag: --addr (see 'proctour --help')"},
		{[]string{"completion", "tcsh"}, `completion "tcsh": want one of bash, zsh, fish, powershell`},
		{[]string{"completion"}, "completion needs one shell"},
		{[]string{"list", "18"}, `lesson "18": want a lesson number from 1 to 17`},
		{[]string{"list", "1", "2"}, `list takes at most one lesson number, got "2"`},
		{[]string{"list", "extra"}, `lesson "extra": want a lesson number from 1 to 17`},
		{[]string{"version", "extra"}, "version takes no arguments"},
		{[]string{"replay"}, "replay needs exactly one trace file"},
		{[]string{"--lang", "fr"}, `--lang "fr": want en or zh`},
		{[]string{"replay", "--lang", "fr", "sim/testdata/tickets-100.jsonl"}, `--lang "fr": want en or zh`},
		{[]string{"run", "hello", "--lang", "fr"}, `--lang "fr": want en or zh`},
		{[]string{"list", "--lang", "fr"}, `--lang "fr": want en or zh`},
		{[]string{"--mode", "fast"}, `--mode "fast": want live, step or seeded`},
		{[]string{"replay", "/nonexistent.jsonl"}, "replay: open /nonexistent.jsonl: no such file"},
		{[]string{"replay", "testdata/malformed.jsonl"}, "replay testdata/malformed.jsonl: trace line 2: seq is 5, want 2"},
		{[]string{"compare", "testdata/malformed.jsonl", "sim/testdata/tickets-100.jsonl"}, "compare testdata/malformed.jsonl: trace line 2: seq is 5, want 2"},
		{[]string{"run", "hello", "--schedule-from", "testdata/malformed.jsonl"}, "--schedule-from testdata/malformed.jsonl: trace line 2: seq is 5, want 2"},
		{[]string{"compare", "/nonexistent.jsonl", "sim/testdata/tickets-100.jsonl"}, "compare: open /nonexistent.jsonl: no such file"},
	} {
		wantRefused(t, 2, tc.want, tc.args...)
	}
}

// wantRefused runs proctour with args and checks what a user with bad
// input sees: exit code code, nothing on stdout, and one line on stderr,
// "proctour: …", containing want.
func wantRefused(t *testing.T, code int, want string, args ...string) {
	t.Helper()
	got, out, errs := proctour(args...)
	if got != code || out != "" {
		t.Errorf("%v: exit %d, stdout %q; want exit %d and nothing", args, got, out, code)
	}
	if !strings.HasPrefix(errs, "proctour: ") || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, want) {
		t.Errorf("%v: stderr %q, want one line containing %q", args, errs, want)
	}
}

// proctour run's exit code tells a demo whose main script failed (1) from
// one that ran to its end or that the watchdog stopped because it would
// have hung, as pipe-eof with forget_close=on does by design (0).
func TestRunExitCodeSaysWhetherTheDemoFailed(t *testing.T) {
	code, out, errs := proctour("run", "pipe-eof", "--set", "forget_close=on")
	if code != exitOK || errs != "" || !strings.Contains(out, "The watchdog stopped the demo") {
		t.Errorf("pipe-eof forget_close=on: exit %d, stderr %q; want 0, nothing on stderr and the watchdog in the log", code, errs)
	}
	// A main script that failed: its own proc.exit says so.
	failed := []trace.Record{
		{Seq: 1, Pid: 10, Proc: "MainProcess", Kind: trace.KindProcStart, Val: json.RawMessage(`"hello"`)},
		{Seq: 2, Pid: 10, Proc: "MainProcess", Kind: trace.KindProcExit, Val: json.RawMessage(`1`)},
	}
	err := demoOutcome("hello", sim.Fold(failed), "en")
	if err == nil || !strings.Contains(err.Error(), "hello failed: its main script ended with exit code 1") {
		t.Errorf("a main script that exited 1: %v, want it reported as a failure", err)
	}
	stopped := []trace.Record{
		failed[0],
		{Seq: 2, Pid: 10, Proc: "MainProcess", Kind: trace.KindWatchdog, Val: json.RawMessage(`"still running after its budget of 1s"`)},
		{Seq: 3, Pid: 10, Proc: "MainProcess", Kind: trace.KindProcExit, Val: json.RawMessage(`-15`)},
	}
	if err := demoOutcome("hello", sim.Fold(stopped), "en"); err != nil {
		t.Errorf("a demo stopped by the watchdog is reported as %v", err)
	}
	if err := demoOutcome("hello", sim.Fold(failed[:1]), "en"); err != nil {
		t.Errorf("a main script still running is reported as %v", err)
	}
	failed[1].Val = json.RawMessage(`0`)
	if err := demoOutcome("hello", sim.Fold(failed), "en"); err != nil {
		t.Errorf("a main script that exited 0 is reported as %v", err)
	}
}

func TestRunJSONIsAValidTrace(t *testing.T) {
	code, out, errs := proctour("run", "tickets", "--set", "buyers=8", "--set", "lock=on", "--format", "json", "--speed", "4")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	events, err := trace.Read(strings.NewReader(out))
	if err != nil {
		t.Fatalf("stdout is not a trace: %v", err)
	}
	for _, v := range sim.Check(events) {
		t.Error(v)
	}
	if st := sim.Fold(events); len(st.Procs) != 9 || st.Files[0].Content != `{"count": 0}` {
		t.Errorf("%d processes, db.json %q; want 9 and {\"count\": 0}", len(st.Procs), st.Files[0].Content)
	}
}

// The text log's summary says what the run came to when the scenario has
// an outcome: how many tickets were sold, the manager's final count.
func TestRunTextStatesTheOutcome(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		// seeded, so that the summary's lines are the same in every run
		{[]string{"run", "tickets", "--set", "buyers=6", "--set", "lock=on", "--mode", "seeded", "--speed", "4"}, "\ntickets sold: 1\n"},
		{[]string{"run", "tickets", "--set", "buyers=3", "--set", "lock=on", "--set", "tickets=5", "--mode", "seeded", "--speed", "4"}, "\ntickets sold: 3\n"},
		{[]string{"run", "manager", "--set", "procs=5", "--set", "lock=on", "--speed", "4"}, "\nfinal count: 0\n"},
	} {
		code, out, errs := proctour(tc.args...)
		if code != 0 || errs != "" || !strings.Contains(out, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %q in the summary:\n%s", tc.args, code, errs, tc.want, out)
		}
	}
	if _, out, _ := proctour("run", "hello"); strings.Contains(out, "sold") || strings.Contains(out, "count:") {
		t.Errorf("hello has no outcome, yet its summary states one:\n%s", out)
	}
}

func TestRunTextIsReadable(t *testing.T) {
	code, out, _ := proctour("run", "hello")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"MainProcess", "Process(target=greet).start()", "print('hello bob: pid ", "exit, exitcode=0", "12 events from 3 processes"} {
		if !strings.Contains(out, want) {
			t.Errorf("text log lacks %q:\n%s", want, out)
		}
	}
}

// With --lang zh, the headless commands speak Chinese: the lesson titles
// and summaries, the comments of the log, its summary and the outcome
// chart. Python and the trace stay as they are.
func TestHeadlessCommandsInChinese(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"list", "--lang", "zh"}, []string{" 5. 锁：抢票\n", "lock=off    off|on  用一把 Lock 保护“读出、修改、写回”这几步\n",
			"buyers=100  1–300   多少个买家进程\n", "每个变体依次列出默认值、可取的值和它改变什么"}},
		{[]string{"run", "hello", "--lang", "zh"}, []string{"事件\n", "python hello.py  # 主脚本，pid ", "Process(target=greet).start()  # pid ",
			"print('hello bob: pid ", "12 个事件，来自 3 个进程"}},
		{[]string{"run", "tickets", "--set", "buyers=6", "--set", "lock=on", "--speed", "4", "--lang", "zh"}, []string{"\n售出的票数：1\n"}},
		{[]string{"run", "tickets", "--repeat", "3", "--set", "buyers=6", "--set", "lock=on", "--lang", "zh"},
			[]string{"售出的票数，逐次： 1 1 1\n", "共 3 次运行；售出的票数从 1 到 1，平均 1.0"}},
	} {
		code, out, errs := proctour(tc.args...)
		if code != 0 || errs != "" {
			t.Fatalf("%v: exit %d, stderr %q", tc.args, code, errs)
		}
		for _, want := range tc.want {
			if !strings.Contains(out, want) {
				t.Errorf("%v: output lacks %q:\n%s", tc.args, want, out)
			}
		}
	}
}

// proctour list shows every variant with its default, the values it
// takes and its help, in lines that fit 80 columns in both languages; with
// a lesson number, that lesson only.
func TestListAndVersion(t *testing.T) {
	_, out, _ := proctour("list")
	for _, want := range []string{" 5. Locks: grabbing tickets\n", "    tickets    buyers race for tickets in db.json;",
		"               lock=off    off|on  guard the read-modify-write with a Lock\n",
		"               buyers=100  1–300   how many buyer processes\n",
		"               tickets=1   0–100   tickets in db.json at the start\n",
		"patience=0.4  0.4|2 ", "mode=together  together|serial  start all then join all"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	for _, sc := range lessons.Scenarios() {
		for _, v := range sc.Variants {
			if !strings.Contains(out, " "+v.Key+"="+v.Default+" ") {
				t.Errorf("list does not show %s's variant %s=%s", sc.ID, v.Key, v.Default)
			}
		}
	}
	for _, lang := range []string{"en", "zh"} {
		_, out, _ := proctour("list", "--lang", lang)
		for _, line := range strings.Split(out, "\n") {
			if w := ansi.StringWidth(line); w > 80 {
				t.Errorf("list --lang %s: a line of %d columns:\n%s", lang, w, line)
			}
		}
	}
	if code, out, _ := proctour("list", "5"); code != 0 || !strings.Contains(out, " 5. Locks: grabbing tickets\n") || strings.Contains(out, " 4. ") || strings.Contains(out, " 6. ") {
		t.Errorf("list 5: exit %d\n%s", code, out)
	}
	if _, out, _ := proctour("version"); !strings.HasPrefix(out, "proctour ") {
		t.Errorf("version printed %q", out)
	}
}

// Without a terminal, the tutorial says what to use instead.
func TestNoTerminalIsOneLine(t *testing.T) {
	for _, args := range [][]string{nil, {"replay", "sim/testdata/tickets-100.jsonl"}} {
		code, out, errs := proctour(args...)
		if code == 0 || out != "" || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "needs an interactive terminal; for a headless run use 'proctour run SCENARIO'") {
			t.Errorf("%v without a TTY: exit %d, stdout %q, stderr %q", args, code, out, errs)
		}
	}
}

func TestLangFollowsTheLocale(t *testing.T) {
	for _, tc := range []struct{ flag, lcAll, lang, want string }{
		{"zh", "", "en_US.UTF-8", "zh"},
		{"", "", "zh_CN.UTF-8", "zh"},
		{"", "en_GB.UTF-8", "zh_CN.UTF-8", "en"},
		{"", "", "", "en"},
	} {
		t.Setenv("LC_ALL", tc.lcAll)
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", tc.lang)
		if got, err := resolveLang(tc.flag); err != nil || got != tc.want {
			t.Errorf("flag %q, LC_ALL %q, LANG %q: %q, %v; want %q", tc.flag, tc.lcAll, tc.lang, got, err, tc.want)
		}
	}
}

// --repeat runs a scenario K times and charts the outcome: the lock makes
// every run sell exactly one ticket.
func TestRunRepeatChartsTheOutcome(t *testing.T) {
	code, out, errs := proctour("run", "tickets", "--repeat", "4", "--set", "buyers=6", "--set", "lock=on")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	for _, want := range []string{"tickets sold, run by run: 1 1 1 1\n", "           1      4  ████", "████  ← correct\n", "4 runs; tickets sold from 1 to 1, mean 1.0"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// proctour progress lists the lessons with what was done; --reset forgets
// it; a corrupt progress file is set aside with one line on stderr.
func TestProgressCommand(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PROCTOUR_STATE_DIR", dir)
	p, _ := lessons.LoadProgress(dir)
	p.MarkRead(2)
	p.MarkDemo(2, "hello")
	p.MarkPrediction(2, "2.p1", false)
	if err := p.Save(); err != nil {
		t.Fatal(err)
	}
	code, out, errs := proctour("progress")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	if !regexp.MustCompile(`◐  2\. Starting processes +1/2 +1/2 +0/4\n`).MatchString(out) || !strings.Contains(out, "0 of 17 lessons done") {
		t.Errorf("progress output:\n%s", out)
	}
	if _, out, _ := proctour("progress", "--lang", "zh"); !regexp.MustCompile(`◐  2\. 启动进程 +1/2 +1/2 +0/4\n`).MatchString(out) || !strings.Contains(out, "已完成 0 / 17 课") {
		t.Errorf("progress in Chinese:\n%s", out)
	}
	if code, out, _ := proctour("progress", "--reset"); code != 0 || !strings.Contains(out, "progress reset") {
		t.Errorf("--reset: exit %d, %q", code, out)
	}
	if _, out, _ := proctour("progress"); strings.Contains(out, "◐") {
		t.Errorf("after --reset:\n%s", out)
	}
	os.WriteFile(filepath.Join(dir, "progress.json"), []byte("{not json"), 0o600)
	code, out, errs = proctour("progress")
	if code != 0 || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "set aside") || !strings.Contains(out, "0 of 17 lessons done") {
		t.Errorf("corrupt file: exit %d, stderr %q, stdout %q", code, errs, out)
	}
}
