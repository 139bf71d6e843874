package tui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/proctour/proctour/sim"
)

var _ = registerWidget(50, pipeWidget)

// pipeWidget draws each pipe as its two ends, a line each: which processes
// still hold a copy of the end open, the messages sent through it that the
// other end has not received yet, and who waits in recv on it.
//
//	pipe       parent_conn ● MainProcess   → 'ping-2' 'ping-3' on the way
//	           child_conn  ● child          · recv waiting: child
//	pipe 1-way reader_conn ✗ closed in every process · EOFError
func pipeWidget(st *sim.State, s styles, width int) []string {
	var out []string
	for _, pp := range st.Pipes {
		names := [2]string{sim.Printable(pp.Ends[0].Name), sim.Printable(pp.Ends[1].Name)} // the trace's text
		endW := max(lipgloss.Width(names[0]), lipgloss.Width(names[1]))
		for i, end := range pp.Ends {
			label := ""
			if i == 0 {
				label = s.tr("pipe")
				if !pp.Duplex {
					label = s.tr("pipe 1-way")
				}
			}
			line := resourceName(s, label) + fit(names[i], endW) + " "
			if !pp.Duplex {
				line += s.Dim.Render([2]string{"(recv) ", "(send) "}[i])
			}
			if len(end.Holders) == 0 {
				line += s.Dim.Render(s.tr("✗ closed in every process"))
			} else {
				line += s.Held.Render("●") + " " + pidList(st, end.Holders, s.Text, max(12, width/4))
			}
			if n := len(end.Sent); n > 0 {
				line += s.Dim.Render(" → ") + messages(end.Sent, s, width-lipgloss.Width(line)-20) +
					s.Dim.Render(fmt.Sprintf(s.tr(" on the way to %s"), names[1-i]))
			}
			if len(end.Readers) > 0 {
				head := s.tr(" · recv waiting: ")
				line += s.Dim.Render(head) + pidList(st, end.Readers, s.Waiting, width-lipgloss.Width(line+head))
			}
			if end.EOF {
				line += s.Dim.Render(" · recv → EOFError")
			}
			out = append(out, cut(line, width))
		}
	}
	return out
}

// messages draws values on their way, oldest first, as many as fit in width
// columns, and counts the rest: "'a' 'b' … +3".
func messages(ms []sim.Message, s styles, width int) string {
	var b strings.Builder
	for i, m := range ms {
		cell := s.Held.Render(cut(sim.PyValue(m.Val), 14))
		if i > 0 && lipgloss.Width(b.String()+cell)+8 > width {
			b.WriteString(s.Dim.Render(fmt.Sprintf("… +%d", len(ms)-i)))
			break
		}
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(cell)
	}
	return b.String()
}
