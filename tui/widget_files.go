package tui

import (
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/proctour/proctour/sim"
)

var _ = registerWidget(40, filesWidget)

// filesWidget draws each file the demo read or wrote, with its content as
// last seen: db.json {"count": 0}. The names column widens, up to a third
// of the width, for a name longer than the others' column, so that lesson
// 5's db.buyer-12.tmp is told apart from the other buyers' before it
// replaces db.json.
func filesWidget(st *sim.State, s styles, width int) []string {
	col := nameColumn
	for _, f := range st.Files {
		col = max(col, min(lipgloss.Width(sim.Printable(f.Name)), width/3))
	}
	var out []string
	for _, f := range st.Files {
		content := sim.Printable(strings.ReplaceAll(strings.TrimRight(f.Content, "\n"), "\n", "⏎"))
		if content == "" {
			content = s.Dim.Render(s.tr("(empty)"))
		}
		out = append(out, cut(s.Title.Render(fit(sim.Printable(f.Name), col))+" "+s.Text.Render(content), width))
	}
	return out
}
