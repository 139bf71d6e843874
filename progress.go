package main

import (
	"errors"
	"fmt"
	"github.com/proctour/proctour/content"
	"io"

	"github.com/spf13/cobra"

	"github.com/proctour/proctour/lessons"
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
			printProgress(stdout, p, lang)
			return nil
		},
	}
	cmd.Flags().BoolVar(&reset, "reset", false, "forget all progress and start over")
	cmd.Flags().StringVar(&langFlag, "lang", "", "language of the lesson titles: en or zh (default: from LC_ALL or LANG)")
	return cmd
}

// printProgress lists every lesson with its mark, its demos run, its
// predictions made and its checkpoints answered right, then the total, in
// lang.
func printProgress(w io.Writer, p *lessons.Progress, lang string) {
	fmt.Fprintf(w, "%s %s  %s  %s\n", padRight("     "+say(lang, "lesson", "课程"), 53), padLeft(say(lang, "demos", "演示"), 5),
		padLeft(say(lang, "predicted", "预测"), 9), padLeft(say(lang, "checks", "检测"), 6))
	done := 0
	for _, l := range lessons.Course() {
		f, _ := lessons.ReadLesson(lang, l.N)
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
		title := fmt.Sprintf("%s %2d. %s", [...]string{"·", "◐", "✓"}[status], l.N, content.Title(lang, l.N, l.Title))
		fmt.Fprintf(w, "%s %s  %s  %s\n", padRight(title, 53),
			padLeft(fmt.Sprintf("%d/%d", demos, len(l.Available())), 5),
			padLeft(fmt.Sprintf("%d/%d", predicted, len(f.Predictions)), 9),
			padLeft(fmt.Sprintf("%d/%d", right, len(f.Questions)), 6))
	}
	fmt.Fprintf(w, "\n"+say(lang, "%d of %d lessons done (✓: every demo run and every checkpoint answered right)",
		"已完成 %d / %d 课（✓：每个演示都运行过，每道检测题都答对）"), done, len(lessons.Course()))
	if p.Path() != "" {
		fmt.Fprintf(w, "\n"+say(lang, "saved in %s", "保存在 %s"), p.Path())
	}
	fmt.Fprintln(w)
}
