package tui

import "testing"

func TestNavigate(t *testing.T) {
	fwd, back := Action{Kind: Forward}, Action{Kind: Back}
	arrive := func(n int) Action { return Action{Kind: Arrived, N: n} }
	pause := Action{Kind: TogglePause}
	tests := []struct {
		name    string
		from    Playback
		actions []Action
		want    Playback
	}{
		{"a new run follows", Playback{}, []Action{{Kind: Restart}, arrive(5)},
			Playback{Cursor: 5, Len: 5, Following: true}},
		{"not following: events arrive, the cursor stays", Playback{Cursor: 2, Len: 5}, []Action{arrive(3)},
			Playback{Cursor: 2, Len: 8}},
		{"forward one", Playback{Cursor: 2, Len: 5}, []Action{fwd},
			Playback{Cursor: 3, Len: 5}},
		{"forward stops at the end and follows again", Playback{Cursor: 4, Len: 5}, []Action{fwd, fwd, arrive(2)},
			Playback{Cursor: 7, Len: 7, Following: true}},
		{"back one stops following", Playback{Cursor: 5, Len: 5, Following: true}, []Action{back, arrive(1)},
			Playback{Cursor: 4, Len: 6}},
		{"back stops at the start", Playback{Cursor: 1, Len: 5}, []Action{back, back},
			Playback{Cursor: 0, Len: 5}},
		{"forward then back is where it was", Playback{Cursor: 2, Len: 5}, []Action{fwd, back},
			Playback{Cursor: 2, Len: 5}},
		{"to start", Playback{Cursor: 4, Len: 5, Following: true}, []Action{{Kind: ToStart}},
			Playback{Cursor: 0, Len: 5}},
		{"to end follows", Playback{Cursor: 1, Len: 5}, []Action{{Kind: ToEnd}, arrive(3)},
			Playback{Cursor: 8, Len: 8, Following: true}},
		{"paused: collection goes on, the drawing stays", Playback{Cursor: 5, Len: 5, Following: true}, []Action{pause, arrive(4)},
			Playback{Cursor: 5, Len: 9, Following: true, Paused: true}},
		{"resumed: the cursor catches up", Playback{Cursor: 5, Len: 9, Following: true, Paused: true}, []Action{pause},
			Playback{Cursor: 9, Len: 9, Following: true}},
		{"paused, then scrubbed back: resuming stays put", Playback{Cursor: 5, Len: 5, Following: true}, []Action{pause, arrive(2), back, pause},
			Playback{Cursor: 4, Len: 7}},
		{"paused: stepping still works", Playback{Cursor: 3, Len: 5, Paused: true}, []Action{fwd},
			Playback{Cursor: 4, Len: 5, Paused: true}},
		{"seek clamps", Playback{Cursor: 3, Len: 5}, []Action{{Kind: Seek, N: 9}},
			Playback{Cursor: 5, Len: 5, Following: true}},
		{"seek inside", Playback{Cursor: 5, Len: 5, Following: true}, []Action{{Kind: Seek, N: 2}},
			Playback{Cursor: 2, Len: 5}},
		{"restart empties and unpauses", Playback{Cursor: 3, Len: 9, Paused: true}, []Action{{Kind: Restart}},
			Playback{Following: true}},
		{"an empty timeline", Playback{}, []Action{fwd, back, {Kind: ToEnd}},
			Playback{Following: true}},
		{"no events in a batch", Playback{Cursor: 2, Len: 2, Following: true}, []Action{arrive(0)},
			Playback{Cursor: 2, Len: 2, Following: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.from
			for _, a := range tt.actions {
				p = Navigate(p, a)
				if p.Cursor < 0 || p.Cursor > p.Len {
					t.Fatalf("after %+v: cursor %d outside 0..%d", a, p.Cursor, p.Len)
				}
			}
			if p != tt.want {
				t.Errorf("got %+v, want %+v", p, tt.want)
			}
		})
	}
}

// PlayTo moves the cursor to the events the clock has reached, a burst an
// event at a time (the clock held back at the last one shown), and stops
// at the end.
func TestPlayTo(t *testing.T) {
	times := []int64{0, 10, 10, 10, 10, 50, 90}
	at := func(i int) int64 { return times[i] }
	for _, tc := range []struct {
		name      string
		from      int
		clock     int64
		most      int
		wantTo    int
		wantClock int64
	}{
		{"nothing due yet", 1, 5, 1, 1, 5},
		{"a burst, one at a time", 1, 30, 1, 2, 10},
		{"a burst, two at a time", 1, 30, 2, 3, 10},
		{"all due, within most", 1, 60, 10, 6, 60},
		{"the end", 6, 1000, 1, 7, 1000},
		{"at the end already", 7, 2000, 1, 7, 2000},
	} {
		to, clock := PlayTo(len(times), at, tc.from, tc.clock, tc.most)
		if to != tc.wantTo || clock != tc.wantClock {
			t.Errorf("%s: to %d clock %d, want %d and %d", tc.name, to, clock, tc.wantTo, tc.wantClock)
		}
	}
}
