package main

import (
	"os"
	"path/filepath"

	"github.com/charmbracelet/x/term"

	"github.com/spf13/cobra"

	"github.com/proctour/proctour/report"
	"github.com/proctour/proctour/tui"
)

func newCompareCmd() *cobra.Command {
	var langFlag string
	var width int
	var text bool
	cmd := &cobra.Command{
		Use:   "compare A.jsonl B.jsonl",
		Short: "Show two recorded runs side by side and where they part",
		Long: `Compare two traces — two seeds, lock off and on, the Go demo and the real
Python listing (proctour run SCENARIO --python --format json) — event by
event: what each run is and its outcome, the first event where they differ
with a few before and after it side by side, and how every process ended
in each. Pids and times are not compared; names, objects and values are.
In a terminal it opens the two runs side by side, stepping both together
(x jumps to where they part); --text, or output to a pipe, prints it.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usagef("compare needs two trace files")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			lang, err := resolveLang(langFlag)
			if err != nil {
				return usageError{err}
			}
			var runs [2]report.Run
			for i, path := range args {
				events, err := readTraceFile("compare", path)
				if err != nil {
					return usageError{err}
				}
				runs[i] = report.Run{Name: filepath.Base(path), Events: events}
			}
			if !text && term.IsTerminal(os.Stdout.Fd()) && term.IsTerminal(os.Stdin.Fd()) {
				return openUI(cmd, tui.Options{Lang: lang, Compare: &runs})
			}
			if width <= 0 {
				width = textWidth()
			}
			return report.WriteCompare(cmd.OutOrStdout(), runs[0], runs[1], width, lang)
		},
	}
	cmd.Flags().StringVar(&langFlag, "lang", "", "language of the comparison: en or zh (default: from LC_ALL or LANG)")
	cmd.Flags().BoolVar(&text, "text", false, "print the comparison instead of opening it side by side (the default in a terminal)")
	cmd.Flags().IntVar(&width, "width", 0, "columns to fit (default: $COLUMNS, else the terminal's width, else 80)")
	return cmd
}
