package tui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/proctour/proctour/sim"
)

var _ = registerWidget(62, brokerWidget)

// brokerHeldLines is how many un-acknowledged jobs the widget lists, a
// line each; more are counted on the last.
const brokerHeldLines = 4

// brokerWidget draws each broker stream (lesson 17): the jobs stored and
// waiting for a consumer, how many were acknowledged and redelivered, then
// each job delivered and not yet acknowledged with the consumer that holds
// it and when its ack wait ends (the broker then delivers it again).
//
//	broker     jobs · waiting 3: 3, 4, 5 · acked 1 · redelivered 0
//	           job 0 → consumer-1 · ack due in 1.4 s
//	           job 2 → consumer-2 (exited) · redelivered in 0.3 s
func brokerWidget(st *sim.State, s styles, width int) []string {
	var out []string
	for _, b := range st.Brokers {
		line := resourceName(s, s.tr("broker")) + s.Text.Render("jobs")
		if len(b.Waiting) == 0 {
			line += s.Dim.Render(s.tr(" · nothing waiting"))
		} else {
			head := fmt.Sprintf(s.tr(" · waiting %d: "), len(b.Waiting))
			line += s.Dim.Render(head) + brokerJobs(b.Waiting, s, width*2/3-lipgloss.Width(line+head))
		}
		line += s.Dim.Render(fmt.Sprintf(s.tr(" · acked %d"), b.Acked))
		line += s.Dim.Render(fmt.Sprintf(s.tr(" · redelivered %d"), b.Redelivered))
		out = append(out, cut(line, width))
		for i, h := range b.Held {
			if i == brokerHeldLines-1 && len(b.Held) > brokerHeldLines {
				out = append(out, cut(resourceName(s, "")+s.Dim.Render(fmt.Sprintf(s.tr("… %d more un-acked"), len(b.Held)-i)), width))
				break
			}
			out = append(out, cut(resourceName(s, "")+heldJobText(st, h, s), width))
		}
	}
	return out
}

// brokerJobs lists jobs in order, as many as fit in width columns.
func brokerJobs(jobs []string, s styles, width int) string {
	var b strings.Builder
	used := 0
	for i, j := range jobs {
		text := j
		if i > 0 {
			text = ", " + j
		}
		if used+lipgloss.Width(text) > width-6 && i > 0 {
			b.WriteString(s.Dim.Render(fmt.Sprintf(" … +%d", len(jobs)-i)))
			break
		}
		b.WriteString(s.Held.Render(text))
		used += lipgloss.Width(text)
	}
	return b.String()
}

// heldJobText is one un-acknowledged job: who holds it and what the
// broker will do about it, at the state's moment.
func heldJobText(st *sim.State, h sim.HeldJob, s styles) string {
	p := st.Proc(h.Pid)
	gone := p != nil && p.Status == sim.Exited
	who := s.Held.Render(st.Name(h.Pid))
	if gone {
		who = s.Waiting.Render(st.Name(h.Pid)) + s.Waiting.Render(s.tr(" (exited)"))
	}
	line := s.Text.Render(fmt.Sprintf(s.tr("job %s → "), h.Job)) + who
	if h.Delivered > 1 {
		line += s.Dim.Render(fmt.Sprintf(s.tr(" · delivery %d"), h.Delivered))
	}
	if h.Deadline == 0 {
		return line + s.Dim.Render(s.tr(" · un-acked"))
	}
	left := float64(h.Deadline-st.TNs) / 1e9
	switch {
	case left > 0 && gone:
		line += s.Waiting.Render(fmt.Sprintf(s.tr(" · redelivered in %.1f s"), left))
	case left > 0:
		line += s.Dim.Render(fmt.Sprintf(s.tr(" · ack due in %.1f s"), left))
	case gone:
		line += s.Waiting.Render(s.tr(" · ack wait over: redelivery due"))
	default:
		line += s.Waiting.Render(s.tr(" · ack wait over: the broker may deliver it again"))
	}
	return line
}
