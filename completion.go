package main

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/proctour/proctour/content"
	"github.com/proctour/proctour/i18n"
	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/pytrace"
)

// unknownCommand is the error for a command proctour does not have, with
// the commands it has.
func unknownCommand(root *cobra.Command, name string) error {
	var names []string
	for _, c := range root.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
		}
	}
	names = append(names, "help")
	return usagef("unknown command %q (commands: %s; see 'proctour --help')", name, strings.Join(names, ", "))
}

// newHelpCmd is `proctour help [command]`: the command's help, or an error
// naming a command proctour does not have.
func newHelpCmd(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Print the help of any command",
		Long:  "Print the help of proctour or of one of its commands: proctour help run is proctour run --help.",
		RunE: func(_ *cobra.Command, args []string) error {
			target, err := helpTopic(root, args)
			if err != nil {
				return err
			}
			target.InitDefaultHelpFlag() // as cobra's own help command does: its --help, as target --help lists it
			return target.Help()
		},
		ValidArgsFunction: func(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			target, err := helpTopic(root, args)
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var out []cobra.Completion
			for _, c := range target.Commands() {
				if c.IsAvailableCommand() && strings.HasPrefix(c.Name(), toComplete) {
					out = append(out, cobra.CompletionWithDesc(c.Name(), c.Short))
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		},
		SilenceErrors: true,
		SilenceUsage:  true,
	}
}

// helpTopic is the command that args name (proctour help run), or a
// usage error naming the first word that is not one.
func helpTopic(root *cobra.Command, args []string) (*cobra.Command, error) {
	target, rest, err := root.Find(args)
	switch {
	case err != nil, target == nil:
		return nil, usagef("help %s: %v", strings.Join(args, " "), err)
	case target == root && len(args) > 0:
		return nil, unknownCommand(root, args[0])
	case len(rest) > 0:
		return nil, usagef("%s has no command %q (see '%s --help')", target.CommandPath(), rest[0], target.CommandPath())
	}
	return target, nil
}

// shells are the shells proctour writes a completion script for.
var shells = []string{"bash", "zsh", "fish", "powershell"}

// newCompletionCmd is `proctour completion SHELL`: the script that makes
// the shell complete proctour's commands, scenario ids, variants, lesson
// numbers and flag values.
func newCompletionCmd(stdout io.Writer) *cobra.Command {
	var noDesc bool
	cmd := &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print a shell's completion script: bash, zsh, fish or powershell",
		Long: `Print the completion script for a shell: it completes the commands, scenario
ids, variants (--set lock=<TAB> offers off and on), lesson numbers and flag
values. To load it in the current shell:

  bash        source <(proctour completion bash)
  zsh         source <(proctour completion zsh)       (after compinit)
  fish        proctour completion fish | source
  powershell  proctour completion powershell | Out-String | Invoke-Expression

To load it in every new shell, put that line in the shell's start-up file
(~/.bashrc, ~/.zshrc, ~/.config/fish/config.fish, $PROFILE).`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("completion needs one shell: %s", strings.Join(shells, ", "))
			}
			if !slices.Contains(shells, args[0]) {
				return usagef("completion %q: want one of %s", args[0], strings.Join(shells, ", "))
			}
			return nil
		},
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return shells, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			root := cmd.Root()
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(stdout, !noDesc)
			case "zsh":
				if noDesc {
					return root.GenZshCompletionNoDesc(stdout)
				}
				return root.GenZshCompletion(stdout)
			case "fish":
				return root.GenFishCompletion(stdout, !noDesc)
			default:
				if noDesc {
					return root.GenPowerShellCompletion(stdout)
				}
				return root.GenPowerShellCompletionWithDesc(stdout)
			}
		},
	}
	cmd.Flags().BoolVar(&noDesc, "no-descriptions", false, "complete without the descriptions (a scenario's summary, a variant's help)")
	return cmd
}

// registerCompletions tells cobra what each command's arguments and flag
// values can be, for `proctour __complete`, which the shell scripts call.
func registerCompletions(root *cobra.Command) {
	noFiles := cobra.NoFileCompletions
	for _, c := range append([]*cobra.Command{root}, root.Commands()...) {
		if c.ValidArgsFunction == nil && c.Args != nil {
			c.ValidArgsFunction = noFiles
		}
		for name, f := range map[string]cobra.CompletionFunc{
			"lang": translated("en\tEnglish", "zh\t中文"),
			"mode": translated("live\tthe OS schedules the processes", "step\tone operation at a time, as you release it",
				"seeded\ta seeded scheduler: the same seed gives the same interleaving"),
			"format":  translated("text\tan aligned log to read", "json\tthe trace, one JSON object per event"),
			"set":     completeSet,
			"seed":    noFiles,
			"speed":   cobra.FixedCompletions([]string{"0.25", "0.5", "1", "2", "4"}, cobra.ShellCompDirectiveNoFileComp),
			"timeout": noFiles,
			"repeat":  noFiles,
		} {
			if c.Flags().Lookup(name) != nil {
				c.RegisterFlagCompletionFunc(name, f)
			}
		}
		switch c.Name() {
		case "run":
			c.ValidArgsFunction = completeRunArgs
		case "listing":
			c.ValidArgsFunction = completeScenarioArg
		case "list":
			c.ValidArgsFunction = completeLesson
		case "replay":
			c.ValidArgsFunction = traceFiles(1)
		case "compare":
			c.ValidArgsFunction = traceFiles(2)
		case "export":
			c.ValidArgsFunction = traceFiles(1)
			c.RegisterFlagCompletionFunc("perfetto", cobra.FixedCompletions([]string{"json"}, cobra.ShellCompDirectiveFilterFileExt))
		}
	}
}

// traceFiles completes n trace files: the .jsonl files.
func traceFiles(n int) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) >= n {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return []cobra.Completion{"jsonl"}, cobra.ShellCompDirectiveFilterFileExt
	}
}

// translated completes the fixed values given as "value\tdescription",
// the descriptions in the command's language.
func translated(values ...string) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		lang := completionLang(cmd)
		var out []cobra.Completion
		for _, v := range values {
			value, desc, _ := strings.Cut(v, "\t")
			if strings.HasPrefix(value, toComplete) {
				out = append(out, cobra.CompletionWithDesc(value, i18n.Tr(lang, desc)))
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// completionLang is the language of the descriptions: the command's
// --lang, else the locale's.
func completionLang(cmd *cobra.Command) string {
	flag := ""
	if f := cmd.Flags().Lookup("lang"); f != nil {
		flag = f.Value.String()
	}
	lang, err := resolveLang(flag)
	if err != nil {
		lang, _ = resolveLang("")
	}
	return lang
}

// scenarioCompletions are the scenario ids that start with prefix, each
// with its summary.
func scenarioCompletions(cmd *cobra.Command, prefix string) []cobra.Completion {
	lang := completionLang(cmd)
	var out []cobra.Completion
	for _, s := range lessons.Scenarios() {
		if strings.HasPrefix(s.ID, prefix) {
			out = append(out, cobra.CompletionWithDesc(s.ID, s.SummaryIn(lang)))
		}
	}
	return out
}

// completeScenarioArg completes a command's one scenario id.
func completeScenarioArg(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return scenarioCompletions(cmd, toComplete), cobra.ShellCompDirectiveNoFileComp
}

// completeRunArgs completes proctour run's first argument, a scenario id
// or a Python program (the .py files and the directories where toComplete
// points), and a program's own arguments, as files.
func completeRunArgs(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		if pytrace.IsProgram(args[0]) {
			return nil, cobra.ShellCompDirectiveDefault
		}
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	out := scenarioCompletions(cmd, toComplete)
	dir, base := filepath.Split(toComplete)
	entries, _ := os.ReadDir(cmp.Or(dir, "."))
	dirs := 0
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, base) || strings.HasPrefix(name, ".") && !strings.HasPrefix(base, ".") {
			continue
		}
		if isDir(filepath.Join(cmp.Or(dir, "."), name), e) {
			out = append(out, dir+name+"/")
			dirs++
		} else if strings.HasSuffix(name, ".py") {
			out = append(out, dir+name)
		}
	}
	if len(out) == 1 && dirs == 1 {
		// Into the directory, without a space after it, for the next
		// tab to go on.
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// isDir reports whether the entry is a directory, following a symbolic
// link.
func isDir(path string, e os.DirEntry) bool {
	if e.Type()&os.ModeSymlink != 0 {
		st, err := os.Stat(path)
		return err == nil && st.IsDir()
	}
	return e.IsDir()
}

// completeSet completes --set key=value for the scenario named first on
// the command line: the variant keys (with their help), then after the =
// the values that variant takes (every one of a short range; the ends and
// the default of a long one).
func completeSet(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) == 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	sc, err := lessons.Lookup(args[0])
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	lang := completionLang(cmd)
	key, value, hasValue := strings.Cut(toComplete, "=")
	var out []cobra.Completion
	if !hasValue {
		for _, v := range sc.Variants {
			if strings.HasPrefix(v.Key, key) {
				out = append(out, cobra.CompletionWithDesc(v.Key+"=", sc.VariantHelpIn(lang, v.Key)))
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	}
	i := slices.IndexFunc(sc.Variants, func(v lessons.Variant) bool { return v.Key == key })
	if i < 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	for _, v := range variantValues(sc.Variants[i]) {
		if strings.HasPrefix(v, value) {
			desc := ""
			if v == sc.Variants[i].Default {
				desc = i18n.Tr(lang, "the default")
			}
			out = append(out, cobra.CompletionWithDesc(key+"="+v, desc))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// variantValues are the values to offer for a variant: its Values, every
// number of a range of at most a dozen, else the range's ends and the
// default.
func variantValues(v lessons.Variant) []string {
	if len(v.Values) > 0 {
		return v.Values
	}
	if v.Max-v.Min < 12 {
		var out []string
		for n := v.Min; n <= v.Max; n++ {
			out = append(out, strconv.Itoa(n))
		}
		return out
	}
	d, _ := strconv.Atoi(v.Default)
	nums := []int{v.Min, d, v.Max}
	slices.Sort(nums)
	var out []string
	for _, n := range slices.Compact(nums) {
		out = append(out, strconv.Itoa(n))
	}
	return out
}

// completeLesson completes a lesson number, with its title.
func completeLesson(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	lang := completionLang(cmd)
	var out []cobra.Completion
	for _, l := range lessons.Course() {
		if n := fmt.Sprint(l.N); strings.HasPrefix(n, toComplete) {
			out = append(out, cobra.CompletionWithDesc(n, content.Title(lang, l.N, l.Title)))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveKeepOrder
}
