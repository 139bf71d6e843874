package tui

import (
	"github.com/proctour/proctour/sim"
)

var _ = registerWidget(58, joinWidget)

// joinWidget draws where a demo takes workers of other terminals or
// machines (lesson 17: remote-queue with machines=0, a live broker demo),
// as the command to type there, authkey included:
//
//	join       proctour worker --connect 127.0.0.1:37573 --authkey proctour
func joinWidget(st *sim.State, s styles, width int) []string {
	var out []string
	for _, l := range st.Listening {
		out = append(out, cut(resourceName(s, s.tr("join"))+s.Held.Render(l.Join), width))
	}
	return out
}
