package tui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/proctour/proctour/trace"
)

// logReading is how the student reads the event log: filtered to one
// process (f), and searched (/, then n and N for the next and previous
// match).
type logReading struct {
	pid    int    // only this process's events; 0: every process's
	name   string // its name, for the log's title
	typing bool   // the search is being typed
	query  string // the search, typed or made
	// nth is the match under the cursor after the latest n or N, of count
	nth, count int
}

// title is the event log's title: the events, whose if filtered, and the
// search made.
func (rd logReading) title(s styles) string {
	t := s.tr("events")
	if rd.pid != 0 {
		t = fmt.Sprintf(s.tr("events of %s (f: next process)"), rd.name)
	}
	if rd.query != "" && !rd.typing && rd.count > 0 {
		t += " · /" + rd.query + " " + fmt.Sprintf(s.tr("%d of %d (n/N)"), rd.nth, rd.count)
	}
	return t
}

// keeps reports whether the log shows e under the filter.
func (rd logReading) keeps(e trace.Record) bool { return rd.pid == 0 || e.Pid == rd.pid }

// matches reports whether event i is one the search finds: its process's
// name or its description holds the query, whatever the case.
func (rd logReading) matches(timeline []trace.Record, i int, lang string, c *drawCache) bool {
	if !rd.keeps(timeline[i]) {
		return false
	}
	if rd.query == "" {
		return true // n and N step through the filtered process's events
	}
	q := strings.ToLower(rd.query)
	return strings.Contains(strings.ToLower(timeline[i].Proc), q) ||
		strings.Contains(strings.ToLower(c.describe(timeline, i, lang)), q)
}

// find is the index of the event the search finds next after from
// (forward) or before it, going round the timeline's end, and how many
// events it finds in all; -1 when none.
func (rd logReading) find(timeline []trace.Record, from int, forward bool, lang string, c *drawCache) (at, count int) {
	at = -1
	n := len(timeline)
	for k := 1; k <= n; k++ {
		i := ((from+k)%n + n) % n
		if !forward {
			i = ((from-k)%n + n) % n
		}
		if rd.matches(timeline, i, lang, c) {
			if at < 0 {
				at = i
			}
			count++
		}
	}
	return at, count
}

// drawLog draws the event log in a w×h rectangle, the events described
// through c: the events up to the cursor, newest at the bottom, the one
// under the cursor marked; when the cursor is behind the end, a few of
// the events after it follow, dimmed. Under them, the event under the
// cursor whole (or the search being typed). Only the events rd keeps are
// listed; filtered, the one marked is the process's latest by the cursor. The process column is as wide as the run's longest name (up to
// a lane's), the same wherever the log is scrolled.
func drawLog(timeline []trace.Record, cursor int, s styles, w, h int, c *drawCache, rd logReading) []string {
	if h <= 0 {
		return nil
	}
	// the event under the cursor, or filtered, the process's latest by then
	at := cursor - 1
	for at >= 0 && !rd.keeps(timeline[at]) {
		at--
	}
	detail := logDetail(timeline, at, s, w, c, rd)
	if h < 3 && !rd.typing { // the search being typed is always shown
		detail = nil
	}
	detail = detail[:min(len(detail), max(1, h/3))]
	rows := h - len(detail)
	// below the cursor the last rows, and after it at least a third of
	// them, dimmed, and more when there are few before it
	var before, after []int
	for i := cursor - 1; i >= 0 && len(before) < rows; i-- {
		if rd.keeps(timeline[i]) {
			before = append(before, i)
		}
	}
	room := rows - min(len(before), rows-rows/3)
	for i := cursor; i < len(timeline) && len(after) < room; i++ {
		if rd.keeps(timeline[i]) {
			after = append(after, i)
		}
	}
	before = before[:min(len(before), rows-len(after))]
	nameW := c.nameWidth(timeline)
	seqW := len(fmt.Sprint(len(timeline)))
	lines := make([]string, 0, h)
	line := func(i int) string {
		e := timeline[i]
		return fmt.Sprintf("%*d %8s %s %s", seqW, e.Seq, seconds(e.TNs), fit(e.Proc, nameW), c.describe(timeline, i, s.lang))
	}
	for k := len(before) - 1; k >= 0; k-- {
		i := before[k]
		if i == at {
			lines = append(lines, s.Cursor.Render(fit("▸ "+line(i), w)))
		} else {
			lines = append(lines, s.Text.Render(cut("  "+line(i), w)))
		}
	}
	for _, i := range after {
		lines = append(lines, s.Future.Render(cut("  "+line(i), w)))
	}
	switch {
	case len(timeline) == 0:
		lines = append(lines, s.Dim.Render("  "+s.tr("no events yet")))
	case len(before)+len(after) == 0:
		lines = append(lines, s.Dim.Render("  "+fmt.Sprintf(s.tr("no events of %s here"), rd.name)))
	}
	return append(block(lines, w, rows), block(detail, w, len(detail))...)
}

// logDetail is event i (the one marked) whole, wrapped to w: its
// number, time, process and pid, line and description, which the log's
// row may cut. While a search is typed, it is the search instead.
func logDetail(timeline []trace.Record, i int, s styles, w int, c *drawCache, rd logReading) []string {
	if rd.typing {
		return []string{s.Marker.Render("/") + s.Text.Render(rd.query) + s.Cursor.Render(" ")}
	}
	if i < 0 || i >= len(timeline) {
		return nil
	}
	e := timeline[i]
	head := fmt.Sprintf("#%d %s %s pid %d", e.Seq, seconds(e.TNs), e.Proc, e.Pid)
	if e.Host != "" {
		head += " @" + e.Host
	}
	if e.Line > 0 {
		head += fmt.Sprintf(" L%d", e.Line)
	}
	text := head + " · " + c.describe(timeline, i, s.lang)
	rows := wrapHanging(text, w-2, 2)
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = s.Subtitle.Render("  " + r)
	}
	return out
}

// seconds formats nanoseconds since the start as seconds: "1.234s".
func seconds(ns int64) string {
	return fmt.Sprintf("%.3fs", float64(ns)/1e9)
}

// nameWidth is the event log's process column: the longest name in the
// timeline, from 4 to a lane's widest, worked out once per event added.
func (c *drawCache) nameWidth(timeline []trace.Record) int {
	w := 4
	if c == nil {
		for _, e := range timeline {
			w = max(w, lipgloss.Width(e.Proc))
		}
		return min(w, laneNameMax)
	}
	c.sync(timeline, c.lang)
	if c.names > len(timeline) { // the same start, a shorter timeline: a new run
		c.names, c.nameW = 0, 0
	}
	for _, e := range timeline[c.names:] {
		c.nameW = max(c.nameW, lipgloss.Width(e.Proc))
	}
	c.names = len(timeline)
	return min(max(c.nameW, w), laneNameMax)
}
