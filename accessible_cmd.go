package main

import (
	"os"
	"strconv"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/proctour/proctour/access"
	"github.com/proctour/proctour/sim"
)

// accessibleWanted reports whether the course should be plain text:
// --accessible, or ACCESSIBLE set in the environment (the convention
// charmbracelet/huh uses).
func accessibleWanted(flag bool) bool {
	if flag {
		return true
	}
	v := os.Getenv("ACCESSIBLE")
	return v != "" && v != "0" && v != "false"
}

// runAccessible is the course as plain text on standard input and output
// (package access): no full-screen redraw, a demo narrated one sentence
// per event, every choice a numbered prompt.
func runAccessible(cmd *cobra.Command, lang string, mode sim.Mode, seed uint64, warn error) error {
	progress := access.Options{Context: cmd.Context(), In: cmd.InOrStdin(), Out: cmd.OutOrStdout(), Lang: lang, Mode: mode, Seed: seed, Width: textWidth()}
	p, w := loadProgress()
	if w == nil {
		w = warn
	}
	if w != nil {
		cmd.PrintErrln("proctour: warning: " + w.Error())
	}
	progress.Progress = p
	return access.Run(progress)
}

// textWidth is how wide to wrap: $COLUMNS, else the terminal's width, else
// 80 (a pipe, a braille display without a size).
func textWidth() int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n >= 20 {
		return n
	}
	if term.IsTerminal(os.Stdout.Fd()) {
		if w, _, err := term.GetSize(os.Stdout.Fd()); err == nil && w >= 20 {
			return w
		}
	}
	return 80
}
