package tui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/proctour/proctour/sim"
)

var _ = registerWidget(40, queueWidget)

// queueWidget draws each queue as its items in order, oldest first, in
// slots up to its maxsize, then who waits to put (full) or to get (empty)
// and, for a JoinableQueue, how many items are not yet done.
//
//	q          ['bun-1'] ['bun-2'] [ ] · 2 of 3 · getting: cons-1
func queueWidget(st *sim.State, s styles, width int) []string {
	var out []string
	for _, q := range st.Queues {
		line := resourceName(s, q.Name)
		var b strings.Builder
		shown := 0
		for _, it := range q.Items {
			cell := s.Held.Render("[" + cut(sim.PyValue(it), 12) + "]")
			if lipgloss.Width(line+b.String()+cell) > width*2/3 {
				break
			}
			b.WriteString(cell + " ")
			shown++
		}
		if rest := len(q.Items) - shown; rest > 0 {
			b.WriteString(s.Dim.Render(fmt.Sprintf("… +%d ", rest)))
		}
		for i := len(q.Items); i < q.Capacity && i < shown+3 && lipgloss.Width(line+b.String()) < width*2/3; i++ {
			b.WriteString(s.Free.Render("[ ]") + " ")
		}
		if len(q.Items) == 0 && q.Capacity == 0 {
			b.WriteString(s.Free.Render(s.tr("(empty)") + " "))
		}
		line += b.String()
		size := fmt.Sprintf("· %d", len(q.Items))
		if q.Capacity > 0 {
			size = fmt.Sprintf(s.tr("· %d of %d"), len(q.Items), q.Capacity)
			if len(q.Items) >= q.Capacity {
				size += s.tr(" (full)")
			}
		}
		line += s.Dim.Render(size)
		if q.Joinable {
			line += s.Dim.Render(fmt.Sprintf(s.tr(" · not done %d"), q.Unfinished))
		}
		for _, w := range []struct {
			label string
			pids  []int
		}{{s.tr(" · putting: "), q.Putters}, {s.tr(" · getting: "), q.Getters}} {
			if len(w.pids) > 0 {
				line += s.Dim.Render(w.label) + pidList(st, w.pids, s.Waiting, width-lipgloss.Width(line+w.label))
			}
		}
		out = append(out, cut(line, width))
	}
	return out
}
