package tui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/proctour/proctour/sim"
)

var _ = registerWidget(20, semWidget)

// semWidget draws each semaphore as a row of slots, filled by the
// processes inside, then who waits for a free one.
//
//	toilets    [person-1] [person-4] [ ] · value 1 of 3 · waiting 5: …
func semWidget(st *sim.State, s styles, width int) []string {
	var out []string
	for _, x := range st.Sems {
		line := resourceName(s, x.Name)
		slots := max(x.Initial, len(x.Holders))
		if slots <= 6 {
			var b strings.Builder
			for i := range slots {
				if i < len(x.Holders) {
					b.WriteString(s.Held.Render("[" + st.Name(x.Holders[i]) + "]"))
				} else {
					b.WriteString(s.Free.Render("[ ]"))
				}
				b.WriteString(" ")
			}
			line += b.String()
		} else {
			line += s.Held.Render(strings.Repeat("■", len(x.Holders))) +
				s.Free.Render(strings.Repeat("□", slots-len(x.Holders))) + " "
		}
		if x.Initial > 0 {
			line += s.Dim.Render(fmt.Sprintf(s.tr("· value %d of %d"), x.Value, x.Initial))
		}
		if n := len(x.Waiters); n > 0 {
			head := fmt.Sprintf(s.tr(" · waiting %d: "), n)
			line += s.Dim.Render(head) + pidList(st, x.Waiters, s.Waiting, width-lipgloss.Width(line+head))
		}
		out = append(out, cut(line, width))
	}
	return out
}
