package tui

import (
	"fmt"

	"charm.land/lipgloss/v2"

	"github.com/proctour/proctour/trace"
)

// drawLog draws the event log in a w×h rectangle, the events described
// through c: the events up to the
// cursor, newest at the bottom, the one under the cursor marked; when the
// cursor is behind the end, a few of the events after it follow, dimmed.
func drawLog(timeline []trace.Record, cursor int, s styles, w, h int, c *drawCache) []string {
	if h <= 0 {
		return nil
	}
	end := cursor
	if cursor < len(timeline) {
		end = min(len(timeline), cursor+h/3)
	}
	start := max(end-h, 0)
	nameW := 4
	for _, e := range timeline[start:end] {
		nameW = max(nameW, lipgloss.Width(e.Proc))
	}
	nameW = min(nameW, 14)
	seqW := len(fmt.Sprint(len(timeline)))
	lines := make([]string, 0, h)
	for i := start; i < end; i++ {
		e := timeline[i]
		text := fmt.Sprintf("%*d %8s %s %s", seqW, e.Seq, seconds(e.TNs), fit(e.Proc, nameW), c.describe(timeline, i, s.lang))
		switch {
		case i == cursor-1:
			lines = append(lines, s.Cursor.Render(fit("▸ "+text, w)))
		case i >= cursor:
			lines = append(lines, s.Future.Render(cut("  "+text, w)))
		default:
			lines = append(lines, s.Text.Render(cut("  "+text, w)))
		}
	}
	if len(timeline) == 0 {
		lines = append(lines, s.Dim.Render("  "+s.tr("no events yet")))
	}
	return block(lines, w, h)
}

// seconds formats nanoseconds since the start as seconds: "1.234s".
func seconds(ns int64) string {
	return fmt.Sprintf("%.3fs", float64(ns)/1e9)
}
