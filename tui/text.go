package tui

import (
	"strings"

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
