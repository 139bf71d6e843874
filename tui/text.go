package tui

import (
	"strings"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// fit makes one line exactly w columns wide: cut with an ellipsis when it
// is longer, padded with spaces when shorter. Widths are display widths, so
// Chinese text and styled text line up.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	n := lipgloss.Width(s)
	if n > w {
		s = ansi.Truncate(s, w, "…")
		n = lipgloss.Width(s)
	}
	if n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}

// cut shortens a line to at most w columns, with an ellipsis.
func cut(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if lipgloss.Width(s) > w {
		return ansi.Truncate(s, w, "…")
	}
	return s
}

// cutWords shortens plain text to at most w columns at a word boundary,
// with an ellipsis: "blocked: join…", not "blocked: join wor…". Text
// without a space early enough (Chinese) is cut where it must.
func cutWords(s string, w int) string {
	if w <= 0 || lipgloss.Width(s) <= w {
		return cut(s, w)
	}
	short := ansi.Truncate(s, w-1, "")
	if i := strings.LastIndex(short, " "); i > 0 && lipgloss.Width(short[:i]) >= w/2 {
		short = strings.TrimRight(short[:i], " ")
	}
	return short + "…"
}

// wrapHanging wraps plain text to w columns, at spaces where it can, the
// rows after the first indented by hang: a choice's "› " stays alone in
// its column.
func wrapHanging(s string, w, hang int) []string {
	if w <= hang+1 {
		return []string{cut(s, w)}
	}
	rows := wrapRows(s, w, w-hang)
	for i := 1; i < len(rows); i++ {
		rows[i] = strings.Repeat(" ", hang) + rows[i]
	}
	return rows
}

// wrapRows wraps plain text at spaces where it can, and inside a word
// (or Chinese, which has no spaces) where it must: its first row first
// columns wide, the others rest wide.
func wrapRows(s string, first, rest int) []string {
	var out []string
	for width := max(first, 1); ; width = max(rest, 1) {
		if lipgloss.Width(s) <= width {
			return append(out, s)
		}
		row, _, _ := strings.Cut(ansi.Wrap(s, width, ""), "\n")
		row = strings.TrimRight(row, " ")
		if row == "" || !strings.HasPrefix(s, row) || lipgloss.Width(row) > width {
			row = ansi.Truncate(s, width, "")
		}
		if row == "" { // a character wider than the room
			_, n := utf8.DecodeRuneInString(s)
			row = s[:n]
		}
		out = append(out, row)
		if s = strings.TrimLeft(s[len(row):], " "); s == "" {
			return out
		}
	}
}

// block makes lines a w×h rectangle: each line fitted, missing lines blank,
// extra lines dropped.
func block(lines []string, w, h int) []string {
	out := make([]string, h)
	for i := range out {
		if i < len(lines) {
			out[i] = fit(lines[i], w)
		} else {
			out[i] = strings.Repeat(" ", max(w, 0))
		}
	}
	return out
}

// beside puts two rectangles of the same height side by side with a
// separator between them.
func beside(left, right []string, sep string) []string {
	n := max(len(left), len(right))
	out := make([]string, n)
	for i := range out {
		var l, r string
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) {
			r = right[i]
		}
		out[i] = l + sep + r
	}
	return out
}

// rule is a horizontal line w columns wide with a title in it.
func rule(s styles, title string, w int) string {
	if title == "" {
		return s.Rule.Render(strings.Repeat("─", max(w, 0)))
	}
	head := "── " + title + " "
	rest := w - lipgloss.Width(head)
	if rest < 0 {
		return s.Rule.Render(cut(head, w))
	}
	return s.Rule.Render(head + strings.Repeat("─", rest))
}

// splitLines splits rendered text into lines.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// joinLines joins lines into one string.
func joinLines(lines []string) string { return strings.Join(lines, "\n") }

// plural is one or many, by n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
