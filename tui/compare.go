package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/proctour/proctour/report"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// compareView is two recorded runs side by side (proctour compare A B in
// a terminal): each run's lanes and event log at the same event, stepping
// together, and where they part said and one key away. Runs are lined up
// event by event, as report.Compare lines them up: pids and times aside,
// names, objects and values compared.
type compareView struct {
	runs   [2]report.Run // as recorded, for their titles
	events [2][]trace.Record
	same   int // events the runs have in common, from the start
	cursor int // events shown, 0..max(len)
	st     [2]*sim.State
	draw   [2]*drawCache
	keys   compareKeys
	width  int
	height int
}

func newCompareView(a, b report.Run) compareView {
	c := report.Compare(a.Events, b.Events)
	v := compareView{runs: [2]report.Run{a, b}, events: [2][]trace.Record{c.A, c.B}, same: c.Same,
		keys: newCompareKeys(), draw: [2]*drawCache{{}, {}}}
	// open where they part: that is what a comparison is for
	v.cursor = min(c.Same+1, v.longest())
	return v.refold()
}

func (v compareView) longest() int { return max(len(v.events[0]), len(v.events[1])) }

func (v compareView) refold() compareView {
	for i := range v.events {
		v.st[i] = sim.Fold(v.events[i][:min(v.cursor, len(v.events[i]))])
	}
	return v
}

func (v compareView) setSize(w, h int) compareView {
	v.width, v.height = w, h
	return v
}

// compareKeys step both runs together.
type compareKeys struct {
	Forward, Back, Start, End, Part key.Binding
	globalKeys
}

func newCompareKeys() compareKeys {
	return compareKeys{
		Forward:    key.NewBinding(key.WithKeys("space", "right", "n"), key.WithHelp("space/→", "both forward")),
		Back:       key.NewBinding(key.WithKeys("left", "b"), key.WithHelp("←", "both back")),
		Start:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "start")),
		End:        key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "end")),
		Part:       key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "where they part")),
		globalKeys: newGlobalKeys(),
	}
}

func (k compareKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Forward, k.Back, k.Part, k.Help, k.Quit}
}

func (k compareKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Forward, k.Back, k.Start, k.End, k.Part}, {k.Help, k.Quit}}
}

func (v compareView) update(msg tea.Msg) (compareView, tea.Cmd) {
	m, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return v, nil
	}
	switch {
	case key.Matches(m, v.keys.Forward):
		v.cursor = min(v.cursor+1, v.longest())
	case key.Matches(m, v.keys.Back):
		v.cursor = max(v.cursor-1, 0)
	case key.Matches(m, v.keys.Start):
		v.cursor = 0
	case key.Matches(m, v.keys.End):
		v.cursor = v.longest()
	case key.Matches(m, v.keys.Part):
		v.cursor = min(v.same+1, v.longest())
	default:
		return v, nil
	}
	return v.refold(), nil
}

// view draws both runs, each in half the width: its title, its lanes,
// its log at the shared cursor; then a line saying where the runs part.
func (v compareView) view(s styles) string {
	w, h := v.width, v.height
	colW := (w - 1) / 2
	rightW := w - 1 - colW
	body := h - 2 // the line about where they part, and the status
	lanesH := max(3, body*2/5)
	logH := body - lanesH - 3
	var cols [2][]string
	for i := range v.events {
		cw := colW
		if i == 1 {
			cw = rightW
		}
		label := string(rune('A' + i))
		col := []string{fit(s.Title.Render(label)+" "+report.RunTitle(v.runs[i], s.lang), cw)}
		col = append(col, rule(s, s.tr("processes"), cw))
		lanes, hidden := pickLanes(v.st[i], nil, lanesH)
		describe := func(e trace.Record) string { return sim.DescribeIn(e, s.lang) }
		col = append(col, drawLanesWith(v.st[i], lanes, hidden, s, cw, lanesH, describe)...)
		col = append(col, rule(s, s.tr("events"), cw))
		col = append(col, drawLog(v.events[i], min(v.cursor, len(v.events[i])), s, cw, logH, v.draw[i], logReading{})...)
		cols[i] = block(col, cw, body)
	}
	out := beside(cols[0], cols[1], s.Rule.Render("│"))
	out = append(out, fit(v.partLine(s), w))
	status := fmt.Sprintf(s.tr("compare │ event %d │ A %d events · B %d events"), v.cursor, len(v.events[0]), len(v.events[1]))
	out = append(out, fit(s.StatusBar.Render(status), w))
	return strings.Join(out, "\n")
}

// partLine says where the runs part, and whether the cursor is there.
func (v compareView) partLine(s styles) string {
	switch {
	case v.same == len(v.events[0]) && v.same == len(v.events[1]):
		return s.OK.Render(fmt.Sprintf(s.tr("The two runs did the same: %d events, in the same order."), v.same))
	case v.cursor == v.same+1:
		return s.Warn.Render(fmt.Sprintf(s.tr("▶ here they part: event %d is not the same in A and B"), v.same+1))
	case v.cursor <= v.same:
		return fmt.Sprintf(s.tr("the same so far; they part at event %d (x)"), v.same+1)
	}
	return fmt.Sprintf(s.tr("they parted at event %d (x)"), v.same+1)
}
