package tui

import (
	"charm.land/lipgloss/v2"
	"fmt"
	"strconv"
	"strings"

	"github.com/proctour/proctour/sim"
)

// listingMarks says which processes are at which line of the listing: the
// line of each live process's pending operation, or else of its latest
// step. Labels are lane digits; "·" stands for a process without one.
func listingMarks(st *sim.State, lanes []lane, pending []sim.Intent) map[int][]string {
	marks := map[int][]string{}
	if st == nil {
		return marks
	}
	keys := map[int]string{}
	for _, l := range lanes {
		keys[l.Proc.Pid] = l.Key
	}
	at := map[int]int{}
	for _, in := range pending {
		at[in.Pid] = in.Line
	}
	for _, p := range st.Procs {
		if p.Status == sim.Exited {
			continue
		}
		line, ok := at[p.Pid]
		if !ok || line == 0 {
			line = p.Last.Line
		}
		if line == 0 {
			continue
		}
		label := keys[p.Pid]
		if label == "" {
			label = "·"
		}
		marks[line] = append(marks[line], label)
	}
	return marks
}

// gutter is the marker column of one listing line, three columns wide:
// "▸3 " for one process, "3,5" for two, "×12" for many.
func gutter(labels []string) string {
	switch {
	case len(labels) == 0:
		return "   "
	case len(labels) == 1:
		return fit("▸"+labels[0], 3)
	case len(labels) == 2 && labels[0] != "·" && labels[1] != "·":
		return labels[0] + "," + labels[1]
	}
	return fit("×"+strconv.Itoa(len(labels)), 3)
}

// drawListing draws the scenario's Python listing in a w×h rectangle, a
// window of it around current (the line of the event under the cursor),
// with the markers of marks in a gutter.
func drawListing(lines []string, marks map[int][]string, current int, s styles, w, h int) []string {
	if len(lines) == 0 || h <= 0 {
		return block(nil, w, h)
	}
	top := 0
	if len(lines) > h {
		focus := current
		if focus == 0 { // nothing to follow yet: show the main script
			focus = len(lines)
		}
		top = min(max(focus-1-h/2, 0), len(lines)-h)
	}
	numW := len(strconv.Itoa(len(lines)))
	if w < 40 { // narrow: the markers are enough
		numW = -1
	}
	out := make([]string, 0, h)
	for i := top; i < min(top+h, len(lines)); i++ {
		n := i + 1
		mark := gutter(marks[n]) + " "
		num := ""
		if numW > 0 {
			num = fmt.Sprintf("%*d ", numW, n)
		}
		code := fitCode(strings.ReplaceAll(lines[i], "\t", "    "), w-lipgloss.Width(mark)-len(num))
		switch {
		case n == current:
			out = append(out, s.Marker.Render(mark)+s.Dim.Render(num)+s.CurrentLine.Render(code))
		case len(marks[n]) > 0:
			out = append(out, s.Marker.Render(mark)+s.Dim.Render(num)+s.Text.Render(code))
		default:
			out = append(out, mark+s.Dim.Render(num+code))
		}
	}
	return block(out, w, h)
}

// fitCode fits a line of code in room columns: a line too long first
// loses its trailing comment ("x = 1  # …"), which keeps the code whole
// where that is enough; block cuts what is still too long.
func fitCode(code string, room int) string {
	if lipgloss.Width(code) <= room {
		return code
	}
	i := strings.LastIndex(code, "  #")
	if i <= 0 || strings.TrimSpace(code[:i]) == "" {
		return code
	}
	if short := strings.TrimRight(code[:i], " ") + "  # …"; lipgloss.Width(short) <= room {
		return short
	}
	return code
}

// listingWidth is the columns the listing asks for: its longest line with
// the gutter and line numbers.
func listingWidth(lines []string) int {
	longest := 0
	for _, l := range lines {
		longest = max(longest, lipgloss.Width(strings.ReplaceAll(l, "\t", "    ")))
	}
	return longest + 5 + len(strconv.Itoa(len(lines))) + 1
}
