package tui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"

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

// listingRow is one row of the drawn listing: line n's code, or a
// continuation of it when it is too long for the room (head is false).
type listingRow struct {
	n    int
	text string
	head bool
}

// listingRows are the listing's lines as rows room columns wide: a line too
// long is wrapped, never cut, so that a teaching comment is read whole.
func listingRows(lines []string, room int) []listingRow {
	rows := make([]listingRow, 0, len(lines))
	for i, l := range lines {
		for j, text := range wrapCode(strings.ReplaceAll(l, "\t", "    "), room) {
			rows = append(rows, listingRow{n: i + 1, text: text, head: j == 0})
		}
	}
	return rows
}

// wrapCode wraps a line of code to room columns, at spaces where it can.
// The continuation rows hang under the line's code: past a comment's
// "# " when the line is a comment, else four columns in, as Python's own
// continuation lines are; never so far that less than half the room is
// left. The first row keeps the line's indentation.
func wrapCode(code string, room int) []string {
	if room <= 0 {
		return []string{""}
	}
	if lipgloss.Width(code) <= room {
		return []string{code}
	}
	body := strings.TrimLeft(code, " ")
	indent := len(code) - len(body)
	hang := indent + 4
	if strings.HasPrefix(body, "#") {
		hang = indent + 2
	}
	hang = min(hang, room/2)
	indent = min(indent, room/2) // the first row keeps the line's indentation while it can
	rows := wrapRows(body, room-indent, room-hang)
	for i := range rows {
		pad := hang
		if i == 0 {
			pad = indent
		}
		rows[i] = strings.Repeat(" ", pad) + rows[i]
	}
	return rows
}

// drawListing draws the scenario's Python listing in a w×h rectangle, a
// window of it around current (the line of the event under the cursor),
// with the markers of marks in a gutter and the line numbers after it.
// Lines too long for w are wrapped (see wrapCode), their continuation rows
// without a number, so the numbers stay however narrow the listing is.
func drawListing(lines []string, marks map[int][]string, current int, s styles, w, h int) []string {
	if len(lines) == 0 || h <= 0 {
		return block(nil, w, h)
	}
	numW := len(strconv.Itoa(len(lines)))
	lead := 4 + numW + 1 // the gutter, a space, the number, a space
	rows := listingRows(lines, w-lead)
	top := 0
	if len(rows) > h {
		focus := current
		if focus == 0 { // nothing to follow yet: show the main script
			focus = len(lines)
		}
		first := slices.IndexFunc(rows, func(r listingRow) bool { return r.n == focus })
		n := 0
		for _, r := range rows[max(first, 0):] {
			if r.n != focus {
				break
			}
			n++
		}
		top = min(max(first-max(h-n, 0)/2, 0), len(rows)-h)
	}
	out := make([]string, 0, h)
	for _, r := range rows[top:min(top+h, len(rows))] {
		mark, num := "    ", strings.Repeat(" ", numW+1)
		if r.head {
			mark, num = gutter(marks[r.n])+" ", fmt.Sprintf("%*d ", numW, r.n)
		}
		switch {
		case r.n == current:
			out = append(out, s.Marker.Render(mark)+s.Dim.Render(num)+s.CurrentLine.Render(r.text))
		case len(marks[r.n]) > 0:
			out = append(out, s.Marker.Render(mark)+s.Dim.Render(num)+s.Text.Render(r.text))
		default:
			out = append(out, mark+s.Dim.Render(num+r.text))
		}
	}
	return block(out, w, h)
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
