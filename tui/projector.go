package tui

import (
	"fmt"
	"strings"

	"github.com/proctour/proctour/trace"
)

// The projector layout (X, or proctour --projector): a demo read from the
// back of a room at about 100×30. The lanes beside the listing and the
// resource widgets take the screen; the event log shrinks to the event
// under the cursor, the status bar to where the run is, the help line
// goes (? still shows it), and nothing is drawn grey on black.

// forProjector is the styles in high contrast: what was dim or faint is
// drawn in the text's colour.
func (s styles) forProjector() styles {
	if s.noColor {
		return s
	}
	s.Dim, s.Subtitle, s.Rule, s.Tab = s.Text, s.Text, s.Text, s.Text
	s.Exited, s.Future = s.Text, s.Text
	s.Title = s.Title.Bold(true).Underline(true)
	s.Help.ShortDesc, s.Help.FullDesc = s.Text, s.Text
	s.Help.ShortSeparator, s.Help.FullSeparator, s.Help.Ellipsis = s.Text, s.Text, s.Text
	return s
}

// projectorView draws the demo for a projector: title, lanes beside the
// listing, resources, the current event, and one line of status.
func (d demo) projectorView(s styles) string {
	w, h := d.width, d.height
	out := make([]string, 0, h)
	title := " " + strings.ToUpper(d.id())
	if d.class.badge != "" {
		title += "   " + d.class.badge
	}
	out = append(out, fit(s.Title.Render(title), w))
	lo := d.layout(s)
	// the event log's rows go to the lanes and the listing
	top := max(h-1-1-1-1-lo.res, 3) // title, rule, current event, status
	listW := min(lo.listW, w*2/5)
	lanesW := w - listW - 1
	var left []string
	switch {
	case d.editing != nil:
		left = block(d.editorView(s, lanesW), lanesW, top)
	case d.predicting != nil:
		left = block(d.predictView(s, lanesW, top), lanesW, top)
	case d.pb.Len == 0 && !d.running:
		left = block(d.intro(s, lanesW), lanesW, top)
	default:
		lanes, hidden := pickLanes(d.st, d.visiblePending(), top-1)
		describe := func(e trace.Record) string { return d.draw.describeEvent(d.timeline, e, s.lang) }
		left = drawLanesWith(d.st, lanes, hidden, s, lanesW, top, describe)
	}
	var code []string
	if d.sc != nil {
		code = d.sc.ProgramLines(s.lang, d.listingVars())
	}
	right := drawListing(code, lo.marks, d.listingFocus(lo.currentLineNum), s, listW, top)
	out = append(out, rule(s, "", w))
	out = append(out, beside(left, right, s.Rule.Render("│"))...)
	if lo.res > 0 {
		out = append(out, block(lo.resLines, w, lo.res)...)
	}
	now := ""
	if c := d.pb.Cursor; c > 0 && c <= len(d.timeline) {
		e := d.timeline[c-1]
		now = fmt.Sprintf("▸ %s  %s", e.Proc, d.draw.describe(d.timeline, c-1, s.lang))
	}
	out = append(out, fit(s.CurrentLine.Render(now), w))
	in := d.statusInfo()
	status := fmt.Sprintf(" %s │ %s │ %s", in.Scenario, fmt.Sprintf(s.tr("event %d of %d"), in.Cursor, in.Len), s.tr(in.Phase))
	if in.Note != "" {
		status = fmt.Sprintf(" %s │ %s", in.Scenario, in.Note)
	}
	out = append(out, s.StatusKey.Render(fit(status, w)))
	return strings.Join(block(out, w, h), "\n")
}
