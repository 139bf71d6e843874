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
