package tui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/proctour/proctour/sim"
)

var _ = registerWidget(5, timingWidget) // first: a lesson that times things is about the times

// timingWidget draws the wall times a run measured as bars on one scale,
// so that two ways of doing the same work can be compared at a glance.
//
//	timing     Pool(5).map      ███                   0.052 s
//	           100 Process()es  ████████████████████  0.412 s
func timingWidget(st *sim.State, s styles, width int) []string {
	if len(st.Timings) == 0 {
		return nil
	}
	labelW, most := 0, 0.0
	for _, t := range st.Timings {
		labelW = max(labelW, lipgloss.Width(sim.TimingLabel(t.Label).In(s.lang)))
		most = max(most, t.Seconds)
	}
	labelW = min(labelW, 24)
	barW := max(4, min(40, width-nameColumn-1-labelW-14))
	var out []string
	for i, t := range st.Timings {
		label := ""
		if i == 0 {
			label = s.tr("timing")
		}
		n := 0
		if most > 0 {
			n = int(t.Seconds/most*float64(barW) + 0.5)
		}
		n = max(n, 1)
		bar := s.Held.Render(strings.Repeat("█", n)) + strings.Repeat(" ", barW-n)
		line := resourceName(s, label) + fit(sim.TimingLabel(t.Label).In(s.lang), labelW) + " " + bar + " " + s.Text.Render(fmt.Sprintf("%.3f s", t.Seconds))
		out = append(out, cut(line, width))
	}
	return out
}
