package tui

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/tui/markdown"
)

// cpuModel is lesson 1's model of process states: the workload scheduled
// round-robin on one or two CPUs, drawn as a timeline that the student
// steps through tick by tick. It is labelled as a model wherever it shows.
// Like a demo, it first asks the lesson's prediction for the number of
// CPUs, and reveals the answer once the timeline is drawn to its end.
type cpuModel struct {
	cpus  int
	ticks []sim.ModelTick
	at    int // ticks shown
	keys  modelKeys
	w, h  int

	preds   []lessons.Prediction
	asking  *lessons.Prediction // the question on screen, before stepping
	sel     int                 // the choice under the cursor
	guesses map[string]int      // prediction id → the student's choice
	told    map[string]bool     // predictions already revealed
	notes   []tea.Msg           // for the progress, as the demo's
}

func newCPUModel(preds []lessons.Prediction) cpuModel {
	m := cpuModel{cpus: 1, preds: preds, guesses: map[string]int{}, told: map[string]bool{}, keys: newModelKeys()}
	return m.run()
}

// run schedules the workload on m.cpus CPUs from its first tick, and asks
// the prediction about that many CPUs, if the student has not answered it.
func (m cpuModel) run() cpuModel {
	m.ticks, m.at, m.asking, m.sel = lessons.RunModel(m.cpus), 0, nil, 0
	if p := m.prediction(); p != nil {
		if _, done := m.guesses[p.ID]; !done {
			m.asking = p
		}
	}
	return m
}

// prediction is the lesson's prediction about the model on m.cpus CPUs.
func (m cpuModel) prediction() *lessons.Prediction {
	v := lessons.Vars{"cpus": strconv.Itoa(m.cpus)}
	for i := range m.preds {
		if m.preds[i].Applies(lessons.ModelDemo, v) {
			return &m.preds[i]
		}
	}
	return nil
}

func (m cpuModel) setSize(w, h int) cpuModel {
	m.w, m.h = w, h
	return m
}

// takes reports whether the key is the model's: its stepping keys, and
// while it asks, the keys that choose an answer.
func (m cpuModel) takes(msg tea.KeyPressMsg) bool {
	ask := m.keys.Ask
	if m.asking != nil && key.Matches(msg, ask.Up, ask.Down, ask.Answer, ask.Skip) {
		return true
	}
	return key.Matches(msg, m.keys.Next, m.keys.Back, m.keys.CPUs)
}

// helpKeys are the model's keys as help shows them: the question's while
// it asks.
func (m cpuModel) helpKeys() modelKeys {
	k := m.keys
	k.asking = m.asking != nil
	return k
}

func (m cpuModel) update(msg tea.KeyPressMsg) (cpuModel, tea.Cmd) {
	if p := m.asking; p != nil {
		ask := m.keys.Ask
		switch {
		case key.Matches(msg, ask.Up):
			m.sel = max(m.sel-1, 0)
			return m, nil
		case key.Matches(msg, ask.Down):
			m.sel = min(m.sel+1, len(p.Choices)-1)
			return m, nil
		case key.Matches(msg, ask.Answer):
			m.guesses = maps.Clone(m.guesses)
			m.guesses[p.ID], m.asking = m.sel, nil
			return m, nil
		case key.Matches(msg, ask.Skip):
			m.asking = nil // step without guessing
			return m, nil
		}
		if !key.Matches(msg, m.keys.CPUs) {
			return m, nil // the question first
		}
	}
	switch {
	case key.Matches(msg, m.keys.Next):
		m.at = min(m.at+1, len(m.ticks))
	case key.Matches(msg, m.keys.Back):
		m.at = max(m.at-1, 0)
	case key.Matches(msg, m.keys.CPUs):
		m.cpus = 3 - m.cpus
		return m.run(), nil
	}
	// drawn to the end: the guess is checked against the timeline, once
	if p := m.prediction(); p != nil && m.at == len(m.ticks) && !m.told[p.ID] {
		if guess, ok := m.guesses[p.ID]; ok {
			m.told = maps.Clone(m.told)
			m.told[p.ID] = true
			got, _ := p.RevealWith(lessons.ModelMeasure(m.ticks))
			m.notes = append(slices.Clip(m.notes), predictedMsg{lesson: 1, id: p.ID, right: got == guess})
		}
	}
	return m, nil
}

func (m cpuModel) view(s styles, lang string) string {
	say := func(en string) string { return tr(lang, en) }
	cpuWord := say("1 CPU")
	other := say("t switches to two CPUs.")
	if m.cpus == 2 {
		cpuWord, other = say("2 CPUs"), say("t switches back to one CPU.")
	}
	lines := []string{
		"",
		"  " + s.Warn.Render(say("THE CPU MODEL — a model, not real processes")),
		"  " + s.Dim.Render(m.header(cpuWord, say)),
		"",
	}
	if p := m.asking; p != nil {
		lines = append(lines, "  "+s.Title.Render(say("Predict before you step")), "")
		for _, l := range strings.Split(markdown.Render(p.Ask, max(m.w-4, 20), markdown.NewTheme(s.dark, true)), "\n") {
			lines = append(lines, "  "+s.Text.Render(l))
		}
		lines = append(lines, "")
		for i, c := range p.Choices {
			if i == m.sel {
				lines = append(lines, "  "+s.Selected.Render("› "+plainChoice(c.Text)))
			} else {
				lines = append(lines, "    "+plainChoice(c.Text))
			}
		}
		lines = append(lines, "", "  "+s.Dim.Render(say("↑/↓ choose · enter answer · s step without guessing · t one or two CPUs · M back to the text")))
		return joinLines(block(lines, m.w, m.h))
	}
	header := "  " + fit(say("tick"), 7)
	for i := range m.at {
		header += fmt.Sprintf("%-2d", i%100)
	}
	lines = append(lines, s.Dim.Render(header))
	for p, proc := range lessons.ModelWorkload {
		row := "  " + fit(proc.Name, 7)
		for i := range m.at {
			switch m.ticks[i].States[p] {
			case sim.ModelRunning:
				row += s.Running.Render("█ ")
			case sim.ModelReady:
				row += s.Dim.Render("· ")
			case sim.ModelBlocked:
				row += s.Blocked.Render("░ ")
			default:
				row += "  "
			}
		}
		lines = append(lines, cut(row, m.w))
	}
	for c := range m.cpus {
		row := "  " + fit(fmt.Sprintf("CPU %d", c), 7)
		for i := range m.at {
			if p := m.ticks[i].CPUs[c]; p >= 0 {
				row += lessons.ModelWorkload[p].Name + " "
			} else {
				row += "- "
			}
		}
		lines = append(lines, s.Dim.Render(cut(row, m.w)))
	}
	lines = append(lines, "", "  "+s.Running.Render("█")+say(" running   ")+s.Dim.Render("·")+say(" ready   ")+
		s.Blocked.Render("░")+say(" blocked (waiting for I/O)   blank: done   CPU -: idle"), "")
	if m.at > 0 {
		t := m.ticks[m.at-1]
		var parts []string
		for p, proc := range lessons.ModelWorkload {
			st := t.States[p].String()
			if lang != "en" { // a state in the model's narrow columns
				st = tr(lang, "model state: "+st)
			}
			parts = append(parts, proc.Name+" "+st)
		}
		lines = append(lines, "  "+fmt.Sprintf(say("At tick %d: "), m.at-1)+strings.Join(parts, say(", ")))
	}
	if m.at == len(m.ticks) {
		done := fmt.Sprintf(say("All done after %d ticks on %s. %s"), len(m.ticks), cpuWord, other)
		lines = append(lines, "  "+s.OK.Render(done))
	}
	lines = append(lines, m.revealView(s, lang)...)
	lines = append(lines, "", "  "+s.Dim.Render(say("space/→ next tick · ← back · t one or two CPUs · M back to the text")))
	return joinLines(block(lines, m.w, m.h))
}

// revealView checks the student's guess against the timeline drawn to
// its end, and explains.
func (m cpuModel) revealView(s styles, lang string) []string {
	p := m.prediction()
	if p == nil || m.at < len(m.ticks) {
		return nil
	}
	guess, ok := m.guesses[p.ID]
	if !ok {
		return nil
	}
	say := func(en string) string { return tr(lang, en) }
	got, _ := p.RevealWith(lessons.ModelMeasure(m.ticks))
	lines := []string{"", "  " + say("Your prediction: ") + plainChoice(p.Choices[guess].Text)}
	if got >= 0 {
		lines = append(lines, "  "+fmt.Sprintf(say("The model: %s."), plainChoice(p.Choices[got].Text)))
	}
	if got == guess {
		lines = append(lines, "  "+s.OK.Render(say("✓ Right.")))
	} else {
		lines = append(lines, "  "+s.Warn.Render(say("✗ No.")))
	}
	for _, l := range strings.Split(markdown.Render(p.Why, max(m.w-4, 20), markdown.NewTheme(s.dark, true)), "\n") {
		lines = append(lines, "  "+s.Text.Render(l))
	}
	return lines
}

// header says the model's CPUs, slice and tick; while the student is
// asked how many ticks the run takes, not how many it has.
func (m cpuModel) header(cpuWord string, say func(string) string) string {
	if m.asking != nil {
		return fmt.Sprintf(say("%s · time slice %d ticks"), cpuWord, lessons.ModelSlice)
	}
	return fmt.Sprintf(say("%s · time slice %d ticks · tick %d of %d"), cpuWord, lessons.ModelSlice, m.at, len(m.ticks))
}
