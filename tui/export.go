package tui

import (
	"fmt"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/proctour/proctour/report"
	"github.com/proctour/proctour/trace"
)

// exportPerfetto writes a timeline as Chrome/Perfetto JSON trace events
// to <scenario>-<time>.perfetto.json, beside the traces that s saves (the
// traces directory); it never overwrites a file.
func exportPerfetto(id string, timeline []trace.Record, now time.Time) tea.Cmd {
	return safe(func() tea.Msg {
		return saveInTraces(id, now, ".perfetto.json", func(path string) error { return writePerfetto(path, timeline) })
	})
}

func writePerfetto(path string, timeline []trace.Record) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	err = report.Perfetto(f, timeline)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("export: %w", err)
	}
	return nil
}
