package tui

import (
	"strings"

	"github.com/proctour/proctour/sim"
)

var _ = registerWidget(40, filesWidget)

// filesWidget draws each file the demo read or wrote, with its content as
// last seen: db.json {"count": 0}.
func filesWidget(st *sim.State, s styles, width int) []string {
	var out []string
	for _, f := range st.Files {
		content := sim.Printable(strings.ReplaceAll(strings.TrimRight(f.Content, "\n"), "\n", "⏎"))
		if content == "" {
			content = s.Dim.Render(s.tr("(empty)"))
		}
		out = append(out, cut(resourceName(s, f.Name)+s.Text.Render(content), width))
	}
	return out
}
