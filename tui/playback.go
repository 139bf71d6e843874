package tui

// Playback is the demo view's cursor over a timeline: how many events are
// drawn (Cursor, from 0 to Len), whether the cursor follows new events to
// the end (Following), and whether the drawing is frozen (Paused) while
// collection goes on. It is a pure value: Navigate gives the next one.
type Playback struct {
	Cursor    int
	Len       int
	Following bool
	Paused    bool
}

// ActionKind is what the user or the session did to the cursor.
type ActionKind int

// The actions Navigate understands.
const (
	Forward     ActionKind = iota // one event forward
	Back                          // one event back
	ToStart                       // before the first event
	ToEnd                         // after the last event, following again
	Arrived                       // N more events were collected
	TogglePause                   // freeze or unfreeze the drawing
	Seek                          // to event N (replay playing in time)
	Restart                       // a new run: an empty timeline, following
)

// Action is one input to Navigate; N is used by Arrived and Seek.
type Action struct {
	Kind ActionKind
	N    int
}

// Navigate is the cursor after action a.
func Navigate(p Playback, a Action) Playback {
	switch a.Kind {
	case Forward:
		p.Cursor = min(p.Cursor+1, p.Len)
		p.Following = p.Cursor == p.Len
	case Back:
		p.Cursor = max(p.Cursor-1, 0)
		p.Following = false
	case ToStart:
		p.Cursor, p.Following = 0, false
	case ToEnd:
		p.Cursor, p.Following = p.Len, true
	case Arrived:
		p.Len += max(a.N, 0)
		if p.Following && !p.Paused {
			p.Cursor = p.Len
		}
	case TogglePause:
		p.Paused = !p.Paused
		if !p.Paused && p.Following {
			p.Cursor = p.Len
		}
	case Seek:
		p.Cursor = min(max(a.N, 0), p.Len)
		p.Following = p.Cursor == p.Len
	case Restart:
		p = Playback{Following: true}
	}
	return p
}

// AtEnd reports whether every collected event is drawn.
func (p Playback) AtEnd() bool { return p.Cursor == p.Len }

// PlayTo is where one tick of playing in time takes the cursor: to the
// last of n events (at(i) is event i's time) recorded by clock, but at
// most most events past from, so that a burst of events is seen one at a
// time rather than all in one frame. When the burst is cut, the clock is
// set back to the last event shown, so that the pause after the burst
// still shows.
func PlayTo(n int, at func(i int) int64, from int, clock int64, most int) (int, int64) {
	to := from
	for to < n && at(to) <= clock && to-from < max(most, 1) {
		to++
	}
	if to < n && at(to) <= clock && to > 0 {
		clock = at(to - 1)
	}
	return to, clock
}
