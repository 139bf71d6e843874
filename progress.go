package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/report"
)

// loadProgress reads the student's progress from the state directory. A
// corrupt file was set aside, an unreadable one left alone: warn is the
// line to show, and the progress starts afresh (an unreadable file's in
// memory only, so that it is never overwritten). With no state directory
// at all, progress is kept in memory and warn says so.
func loadProgress() (p *lessons.Progress, warn error) {
	dir, err := lessons.StateDir()
	if err != nil {
		return lessons.NewProgress(), fmt.Errorf("progress will not be saved: %w", err)
	}
	return lessons.LoadProgress(dir)
}

func newProgressCmd(stdout, stderr io.Writer) *cobra.Command {
	var reset bool
	var langFlag string
	cmd := &cobra.Command{
		Use:   "progress",
		Short: "Show how far you are in the course",
		Long: `Show, lesson by lesson, what you have read, which demos you have run and
how many checkpoint questions you have answered right. --reset starts over.
The progress is kept in $XDG_STATE_HOME/proctour (PROCTOUR_STATE_DIR overrides).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			lang, err := resolveLang(langFlag)
			if err != nil {
				return usageError{err}
			}
			p, warn := loadProgress()
			if warn != nil {
				fmt.Fprintf(stderr, "proctour: %v\n", warn)
			}
			if reset {
				if errors.Is(warn, lessons.ErrUnreadableProgress) {
					return fmt.Errorf("reset: the progress file cannot be read, so it was not reset")
				}
				if err := p.Reset(); err != nil {
					return fmt.Errorf("reset: %w", err)
				}
				fmt.Fprintf(stdout, "progress reset (%s)\n", p.Path())
				return nil
			}
			report.Progress(stdout, p, lang)
			return nil
		},
	}
	cmd.Flags().BoolVar(&reset, "reset", false, "forget all progress and start over")
	cmd.Flags().StringVar(&langFlag, "lang", "", "language of the lesson titles: en or zh (default: from LC_ALL or LANG)")
	return cmd
}
