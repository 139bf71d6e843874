package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/proctour/proctour/lessons"
)

// loadProgress reads the student's progress from the state directory. A
// corrupt file was set aside: warn is the line to print, and the progress
// starts afresh. With no state directory at all, progress is kept in
// memory and warn says so.
func loadProgress() (p *lessons.Progress, warn error) {
	dir, err := lessons.StateDir()
	if err != nil {
		return lessons.NewProgress(), fmt.Errorf("progress will not be saved: %w", err)
	}
	p, err = lessons.LoadProgress(dir)
	if err != nil && !errors.Is(err, lessons.ErrCorruptProgress) {
		return lessons.NewProgress(), err
	}
	return p, err
}

func newProgressCmd(stdout, stderr io.Writer) *cobra.Command {
	var reset bool
	cmd := &cobra.Command{
		Use:   "progress",
		Short: "Show how far you are in the course",
		Long: `Show, lesson by lesson, what you have read, which demos you have run and
how many checkpoint questions you have answered right. --reset starts over.
The progress is kept in $XDG_STATE_HOME/proctour (PROCTOUR_STATE_DIR overrides).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, warn := loadProgress()
			if warn != nil {
				fmt.Fprintf(stderr, "proctour: %v\n", warn)
			}
			if reset {
				if err := p.Reset(); err != nil {
					return fmt.Errorf("reset: %w", err)
				}
				fmt.Fprintf(stdout, "progress reset (%s)\n", p.Path())
				return nil
			}
			printProgress(stdout, p)
			return nil
		},
	}
	cmd.Flags().BoolVar(&reset, "reset", false, "forget all progress and start over")
	return cmd
}

// printProgress lists every lesson with its mark, its demos run, its
// predictions made and its checkpoints answered right, then the total.
func printProgress(w io.Writer, p *lessons.Progress) {
	const row = "%s %2d. %-47s %5s  %9s  %6s\n"
	fmt.Fprintf(w, "%-53s %5s  %9s  %6s\n", "     lesson", "demos", "predicted", "checks")
	done := 0
	for _, l := range lessons.Course() {
		f, _ := lessons.ReadLesson("en", l.N)
		status := p.Of(l, len(f.Questions))
		if status == lessons.Done {
			done++
		}
		var demos, predicted, right int
		if r := p.Lessons[l.N]; r != nil {
			demos, predicted = len(r.Demos), len(r.Predictions)
			for _, ok := range r.Checkpoints {
				if ok {
					right++
				}
			}
		}
		fmt.Fprintf(w, row, [...]string{"·", "◐", "✓"}[status], l.N, l.Title,
			fmt.Sprintf("%d/%d", demos, len(l.Available())),
			fmt.Sprintf("%d/%d", predicted, len(f.Predictions)),
			fmt.Sprintf("%d/%d", right, len(f.Questions)))
	}
	fmt.Fprintf(w, "\n%d of %d lessons done (✓: every demo run and every checkpoint answered right)", done, len(lessons.Course()))
	if p.Path() != "" {
		fmt.Fprintf(w, "\nsaved in %s", p.Path())
	}
	fmt.Fprintln(w)
}
