package tui

import (
	"fmt"

	"charm.land/lipgloss/v2"

	"github.com/proctour/proctour/sim"
)

var _ = registerWidget(10, lockWidget)

// lockWidget draws each lock: its holder, and who waits for it, in order.
//
//	lock       ■ held by buyer-3 · waiting 4: buyer-5, buyer-9, … +2
func lockWidget(st *sim.State, s styles, width int) []string {
	var out []string
	for _, l := range st.Locks {
		line := resourceName(s, l.Name)
		if l.Holder == 0 {
			line += s.Free.Render("□ " + s.tr("free"))
		} else {
			held := "■ " + fmt.Sprintf(s.tr("held by %s"), st.Name(l.Holder))
			if l.Depth > 1 {
				held += fmt.Sprintf(s.tr(" (depth %d)"), l.Depth)
			}
			line += s.Held.Render(held)
			if h := st.Proc(l.Holder); h != nil && h.Status == sim.Exited {
				line += s.Warn.Render(fmt.Sprintf(s.tr(", which exited with %d: never released"), h.ExitCode))
			}
		}
		if n := len(l.Waiters); n > 0 {
			head := fmt.Sprintf(s.tr(" · waiting %d: "), n)
			line += s.Dim.Render(head) + pidList(st, l.Waiters, s.Waiting, width-lipgloss.Width(line+head))
		}
		out = append(out, cut(line, width))
	}
	return out
}
