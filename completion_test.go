package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// complete runs proctour __complete, as the shell scripts do, and returns
// the completions (each "value" or "value\tdescription") and the
// directive line.
func complete(t *testing.T, args ...string) (comps []string, directive string) {
	t.Helper()
	code, out, errs := proctour(append([]string{"__complete"}, args...)...)
	if code != 0 {
		t.Fatalf("__complete %q: exit %d, stderr %q", args, code, errs)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	return lines[:len(lines)-1], lines[len(lines)-1]
}

// values are the completions without their descriptions.
func values(comps []string) []string {
	out := make([]string, len(comps))
	for i, c := range comps {
		out[i], _, _ = strings.Cut(c, "\t")
	}
	return out
}

// What a shell offers after proctour's commands and flags: scenario ids
// (and Python programs, for run), variant keys and their values, lesson
// numbers, modes, formats and languages; never files where proctour takes
// none.
func TestCompletions(t *testing.T) {
	const noFiles, noSpace = ":4", ":6" // cobra's directives: NoFileComp, and NoSpace with it
	dir := t.TempDir()
	for _, f := range []string{"prog.py", "notes.txt", "sub/a.py", ".hidden.py"} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755)
		os.WriteFile(filepath.Join(dir, f), nil, 0o644)
	}
	t.Chdir(dir)
	for _, tc := range []struct {
		args      []string
		want      []string // exactly these values, in this order, when exact
		exact     bool
		has       []string // these completions among the rest, descriptions included
		directive string
	}{
		{args: []string{"run", ""}, has: []string{"tickets\tbuyers race for tickets in db.json; lock=off oversells, lock=on sells exactly",
			"pool-vs-process\t", "prog.py", "sub/"}, directive: noFiles},
		{args: []string{"run", "t"}, want: []string{"terminate", "tickets"}, exact: true, directive: noFiles},
		{args: []string{"run", "pr"}, want: []string{"prodcons", "prog.py"}, exact: true, directive: noFiles},
		{args: []string{"run", "su"}, want: []string{"sub/"}, exact: true, directive: noSpace},
		{args: []string{"run", "sub/"}, want: []string{"sub/a.py"}, exact: true, directive: noFiles},
		{args: []string{"run", "prog.py", "--", ""}, want: nil, exact: true, directive: ":0"}, // the program's arguments: files
		{args: []string{"run", "tickets", ""}, want: nil, exact: true, directive: noFiles},
		{args: []string{"run", "tickets", "--set", ""}, want: []string{"lock=", "buyers=", "tickets="}, exact: true,
			has: []string{"lock=\tguard the read-modify-write with a Lock"}, directive: noSpace},
		{args: []string{"run", "tickets", "--set", "lock="}, want: []string{"lock=off", "lock=on"}, exact: true, directive: noFiles},
		{args: []string{"run", "tickets", "--set=lock=o"}, want: []string{"lock=off", "lock=on"}, exact: true, directive: noFiles},
		{args: []string{"run", "tickets", "--set", "buyers="}, want: []string{"buyers=1", "buyers=100", "buyers=300"}, exact: true,
			has: []string{"buyers=100\tthe default"}, directive: noFiles},
		{args: []string{"run", "cpu", "--set", "procs=1"}, want: []string{"procs=1"}, exact: true, directive: noFiles},
		{args: []string{"run", "pipe", "--set", "patience="}, want: []string{"patience=0.4", "patience=2"}, exact: true, directive: noFiles},
		{args: []string{"listing", "manager", "--set", "l"}, want: []string{"lock="}, exact: true, directive: noSpace},
		{args: []string{"run", "tickets", "--mode", ""}, want: []string{"live", "step", "seeded"}, exact: true, directive: noFiles},
		{args: []string{"--mode", "s"}, want: []string{"step", "seeded"}, exact: true, directive: noFiles},
		{args: []string{"run", "tickets", "--format", ""}, want: []string{"text", "json"}, exact: true, directive: noFiles},
		{args: []string{"run", "tickets", "--seed", ""}, want: nil, exact: true, directive: noFiles},
		{args: []string{"--lang", ""}, want: []string{"en", "zh"}, exact: true, directive: noFiles},
		{args: []string{"progress", "--lang", ""}, want: []string{"en", "zh"}, exact: true, directive: noFiles},
		{args: []string{"list", ""}, has: []string{"1\tPrograms and processes", "5\tLocks: grabbing tickets", "14\t"}, directive: ":36"}, // and KeepOrder
		{args: []string{"list", "--lang", "zh", "1"}, has: []string{"1\t程序与进程", "14\t"}, directive: ":36"},
		{args: []string{"listing", "--lang", "zh", "tic"}, has: []string{"tickets\t买家抢 db.json 里的票；lock=off 会超卖，lock=on 卖得分毫不差"}, directive: noFiles},
		{args: []string{"listing", "tickets", ""}, want: nil, exact: true, directive: noFiles},
		{args: []string{""}, has: []string{"run\t", "list\t", "completion\t", "help\t"}, directive: noFiles},
		{args: []string{"help", ""}, has: []string{"run\tRun a demo headless and print its events", "completion\t"}, directive: noFiles},
		{args: []string{"completion", ""}, want: []string{"bash", "zsh", "fish", "powershell"}, exact: true, directive: noFiles},
		{args: []string{"replay", ""}, want: []string{"jsonl"}, exact: true, directive: ":8"}, // FilterFileExt
		{args: []string{"compare", "a.jsonl", ""}, want: []string{"jsonl"}, exact: true, directive: ":8"},
		{args: []string{"compare", "a.jsonl", "b.jsonl", ""}, want: nil, exact: true, directive: noFiles},
		{args: []string{"export", ""}, want: []string{"jsonl"}, exact: true, directive: ":8"},
		{args: []string{"export", "a.jsonl", "--perfetto", ""}, want: []string{"json"}, exact: true, directive: ":8"},
		{args: []string{"version", ""}, want: nil, exact: true, directive: noFiles},
	} {
		comps, directive := complete(t, tc.args...)
		if tc.exact && !slices.Equal(values(comps), tc.want) {
			t.Errorf("__complete %q offers %q, want %q", tc.args, values(comps), tc.want)
		}
		for _, h := range tc.has {
			if !slices.ContainsFunc(comps, func(c string) bool { return strings.HasPrefix(c, h) }) {
				t.Errorf("__complete %q offers %q, without %q", tc.args, comps, h)
			}
		}
		if directive != tc.directive {
			t.Errorf("__complete %q: directive %s, want %s", tc.args, directive, tc.directive)
		}
		for _, c := range comps {
			if v := values([]string{c})[0]; v == "notes.txt" || v == ".hidden.py" {
				t.Errorf("__complete %q offers %q", tc.args, v)
			}
		}
	}
}

// proctour completion SHELL prints a script that calls proctour
// __complete; proctour help [command] prints the help of proctour or of
// the command.
func TestCompletionScriptsAndHelp(t *testing.T) {
	for shell, marker := range map[string]string{
		"bash":       "complete -o default -F __start_proctour proctour",
		"zsh":        "compdef _proctour proctour",
		"fish":       "complete -c proctour",
		"powershell": "Register-ArgumentCompleter",
	} {
		code, out, errs := proctour("completion", shell)
		if code != 0 || errs != "" || !strings.Contains(out, marker) || !strings.Contains(out, "__complete") {
			t.Errorf("completion %s: exit %d, stderr %q, script without %q or __complete", shell, code, errs, marker)
		}
	}
	code, out, errs := proctour("help")
	if code != 0 || errs != "" || !strings.Contains(out, "Usage:\n  proctour [flags]\n  proctour [command]") ||
		!strings.Contains(out, "  completion ") || !strings.Contains(out, "  help ") {
		t.Errorf("help: exit %d, stderr %q:\n%s", code, errs, out)
	}
	_, runHelp, _ := proctour("run", "--help")
	if code, out, _ := proctour("help", "run"); code != 0 || out != runHelp || !strings.Contains(out, "proctour run SCENARIO [flags]") {
		t.Errorf("help run: exit %d, and not what run --help prints:\n%s", code, out)
	}
	if _, out, _ := proctour("help", "completion"); !strings.Contains(out, "source <(proctour completion bash)") {
		t.Errorf("help completion does not say how to load the script:\n%s", out)
	}
}
