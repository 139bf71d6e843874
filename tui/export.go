package tui

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/proctour/proctour/report"
	"github.com/proctour/proctour/trace"
)

// exportPerfetto writes a timeline as Chrome/Perfetto JSON trace events
// to proctour-<scenario>-<time>.perfetto.json, beside the traces that s
// saves (the current directory); it never overwrites a file.
func exportPerfetto(id string, timeline []trace.Record, now time.Time) tea.Cmd {
	return safe(func() tea.Msg {
		base := fmt.Sprintf("proctour-%s-%s", id, now.Format("20060102-150405"))
		name := base + ".perfetto.json"
		err := writePerfetto(name, timeline)
		for i := 2; errors.Is(err, fs.ErrExist) && i < 100; i++ { // two exports in a second
			name = fmt.Sprintf("%s-%d.perfetto.json", base, i)
			err = writePerfetto(name, timeline)
		}
		return savedMsg{path: "./" + name, err: err}
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
