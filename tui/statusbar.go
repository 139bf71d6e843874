package tui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
)

// statusInfo is what the status bar tells.
type statusInfo struct {
	Scenario  string
	Runtime   string  // what runs it: "Go demo", "CPython 3.11.7"; "" for a replay
	Vars      string  // variant values, "lock=off buyers=100"
	Mode      string  // live, step, seeded or replay
	Seed      uint64  // shown in seeded mode
	Speed     float64 // 0: not shown (a Python run goes at its own speed)
	Elapsed   int64   // t_ns of the event under the cursor
	Cursor    int
	Len       int
	Phase     string // "not started", "running", "paused", "ended"…
	Note      string // the latest message (in the UI's language): a saved trace, an error
	NoteBad   bool
	Class     string // the classroom: how many follow, or whether this student does
	Challenge string // a challenge's move counter, in the UI's language
}

// drawStatus draws the status bar, one line w columns wide. A note takes
// the place of the phase; when space is short the variant values go first,
// then the phase, then the note is cut. The mode and the phase are drawn
// in the styles' language.
func drawStatus(in statusInfo, s styles, w int) string {
	mode := s.tr(in.Mode)
	if in.Mode == "seeded" {
		mode = fmt.Sprintf(s.tr("seeded seed %d"), in.Seed)
	}
	in.Phase = s.tr(in.Phase)
	if in.Speed > 0 {
		mode += " " + speedText(in.Speed)
	}
	parts := []string{
		mode,
		seconds(in.Elapsed),
		fmt.Sprintf(s.tr("event %d of %d"), in.Cursor, in.Len),
	}
	if in.Challenge != "" {
		parts = append(parts, in.Challenge)
	}
	name := in.Scenario
	if in.Runtime != "" {
		name += " · " + s.tr(in.Runtime)
	}
	key := s.StatusKey.Render(" " + name + " ")
	class := "" // the classroom's word stays when the rest goes
	if in.Class != "" {
		class = s.StatusKey.Render(" "+in.Class+" ") + s.StatusBar.Render(" ")
		key = class + key
	}
	note := ""
	if in.Note != "" {
		style := s.StatusBar.Inherit(s.OK)
		if in.NoteBad {
			style = s.StatusBar.Inherit(s.Error)
		}
		note = s.StatusBar.Render("│ ") + style.Render(in.Note+" ")
		in.Phase = ""
		if in.Vars != "" && strings.Contains(in.Note, in.Vars) {
			in.Vars = "" // said once: "tickets lock=on, live: r runs it"
		}
	}
	bar := func(extra ...string) string {
		all := append(append([]string{}, parts...), extra...)
		return key + s.StatusBar.Render(" "+strings.Join(all, " │ ")+" ") + note
	}
	var line string
	for _, extra := range [][]string{{in.Vars, in.Phase}, {in.Vars}, {in.Phase}, {}} {
		extra = slices.DeleteFunc(extra, func(s string) bool { return s == "" })
		if line = bar(extra...); lipgloss.Width(line) <= w {
			break
		}
	}
	// a note (where a trace was saved) is worth more than the count, the
	// time and the mode
	for len(parts) > 0 && in.Note != "" && lipgloss.Width(line) > w {
		parts = parts[:len(parts)-1]
		line = bar()
	}
	if in.Note != "" && lipgloss.Width(line) > w {
		line = class + note
	}
	if pad := w - lipgloss.Width(line); pad > 0 {
		line += s.StatusBar.Render(strings.Repeat(" ", pad))
	}
	return cut(line, w)
}

// speedText is a speed factor as the status bar shows it: "×0.25".
func speedText(speed float64) string {
	return "×" + strconv.FormatFloat(speed, 'g', -1, 64)
}
