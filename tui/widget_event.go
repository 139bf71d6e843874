package tui

import (
	"fmt"

	"charm.land/lipgloss/v2"

	"github.com/proctour/proctour/sim"
)

var _ = registerWidget(30, eventWidget)

// eventWidget draws each Event: its flag, and who waits for it.
//
//	light      ○ not set · waiting 3: car-1, car-2, car-3
func eventWidget(st *sim.State, s styles, width int) []string {
	var out []string
	for _, f := range st.Flags {
		line := resourceName(s, f.Name)
		if f.Set {
			line += s.Free.Render(s.tr("● set"))
		} else {
			line += s.Blocked.Render(s.tr("○ not set"))
		}
		if n := len(f.Waiters); n > 0 {
			head := fmt.Sprintf(s.tr(" · waiting %d: "), n)
			line += s.Dim.Render(head) + pidList(st, f.Waiters, s.Waiting, width-lipgloss.Width(line+head))
		}
		out = append(out, cut(line, width))
	}
	return out
}
