package tui

import (
	tea "charm.land/bubbletea/v2"
)

// shelf keeps the demos the student has left, by scenario id, while the
// program is open: their values, mode, seed and speed, their last run and
// its charts. A run under way goes on in the background (a step-mode run
// waits at its gate) and is there, ended or not, when the student comes
// back. Like renderCache, only Update touches it.
type shelf struct{ m map[string]demo }

func newShelf() *shelf { return &shelf{m: map[string]demo{}} }

// put keeps a demo that leaves the screen, with what was open over it
// closed. A replay, or a lesson's panel with nothing to run, is not kept.
func (s *shelf) put(d demo) {
	if s == nil || d.sc == nil || d.replay || d.nothing {
		return
	}
	d.editing, d.typed, d.predicting, d.playing, d.seedText = nil, "", nil, false, nil
	d.note, d.noteBad = "", false
	s.m[d.sc.ID] = d
}

// take hands back the demo of scenario id, if it was kept.
func (s *shelf) take(id string) (demo, bool) {
	if s == nil {
		return demo{}, false
	}
	d, ok := s.m[id]
	delete(s.m, id)
	return d, ok
}

// update gives a message of a run to the kept demo whose run it is, and
// reports whether there was one; with it come the commands that keep the
// run going and the notes for the progress.
func (s *shelf) update(msg tea.Msg) (tea.Cmd, []tea.Msg, bool) {
	if s == nil {
		return nil, nil, false
	}
	for id, d := range s.m {
		if !d.ownsMsg(msg) {
			continue
		}
		running := d.running
		d, cmd := d.update(msg)
		if running && !d.running {
			d = d.say(false, "this run ended while you were away")
		}
		d, notes := d.takeNotes()
		s.m[id] = d
		return cmd, notes, true
	}
	return nil, nil, false
}

// ownsMsg reports whether a message belongs to the demo's run or repeat.
func (d demo) ownsMsg(msg tea.Msg) bool {
	switch msg := msg.(type) {
	case runStartedMsg:
		return d.owns(msg.run)
	case batchMsg:
		return d.owns(msg.run)
	case releasedMsg:
		return d.owns(msg.run)
	case repeatedMsg:
		return msg.run != 0 && msg.run == d.repeatRun
	}
	return false
}
