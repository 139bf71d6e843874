package tui

import (
	"slices"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/proctour/proctour/sim"
)

// A widget draws one kind of resource of a State — locks, semaphores,
// events, files — as lines at most width columns wide, or nothing when the
// State has none of them. Each widget lives in its own file and registers
// itself, so a new kind of resource (queue, pipe, manager, pool) is one new
// file.
type widget struct {
	order int // where its lines go among the others
	draw  func(st *sim.State, s styles, width int) []string
}

var widgets []widget

// registerWidget adds a widget; widget files call it from a package-level
// declaration.
func registerWidget(order int, draw func(st *sim.State, s styles, width int) []string) bool {
	widgets = append(widgets, widget{order, draw})
	slices.SortStableFunc(widgets, func(a, b widget) int { return a.order - b.order })
	return true
}

// resourceLines are every widget's lines for st.
func resourceLines(st *sim.State, s styles, width int) []string {
	var out []string
	for _, w := range widgets {
		out = append(out, w.draw(st, s, width)...)
	}
	return out
}

// nameColumn is how wide the resource names are drawn, so that the widgets'
// lines line up.
const nameColumn = 10

// resourceName is a resource's name padded to the name column.
func resourceName(s styles, name string) string {
	return s.Title.Render(fit(name, nameColumn)) + " "
}

// pidList names processes in order, as many as fit in width columns, and
// says how many more there are: "buyer-5, buyer-9, … +80".
func pidList(st *sim.State, pids []int, style lipgloss.Style, width int) string {
	var b strings.Builder
	used := 0
	for i, pid := range pids {
		name := st.Name(pid)
		more := ""
		if rest := len(pids) - i - 1; rest > 0 {
			more = " … +" + strconv.Itoa(rest)
		}
		sep := ""
		if i > 0 {
			sep = ", "
		}
		need := lipgloss.Width(sep + name)
		if used+need+lipgloss.Width(more) > width && i > 0 {
			b.WriteString(" … +" + strconv.Itoa(len(pids)-i))
			break
		}
		b.WriteString(sep + style.Render(name))
		used += need
	}
	return b.String()
}
