package tui

import (
	"time"

	tea "charm.land/bubbletea/v2"
)

// play plays a replay, or a run that has ended, in time from event from.
func (d demo) play(from int) (demo, tea.Cmd) {
	if from >= len(d.timeline) {
		from = 0
	}
	d = d.navigate(Seek, from)
	d.playNs = 0
	if from > 0 {
		d.playNs = d.timeline[from-1].TNs
	}
	d.playing = true
	d.run = nextRun()
	return d, playTick(d.run)
}

// playStep advances a replay's clock by one tick, at the chosen speed.
func (d demo) playStep(msg playTickMsg) (demo, tea.Cmd) {
	if !d.playing || !d.owns(msg.run) {
		return d, nil
	}
	rate := d.playRate()
	d.playNs += int64(float64(30*time.Millisecond) * rate)
	var n int
	n, d.playNs = PlayTo(len(d.timeline), func(i int) int64 { return d.timeline[i].TNs }, d.pb.Cursor, d.playNs, int(rate))
	d = d.navigate(Seek, n)
	if n == len(d.timeline) {
		d.playing = false
		return d, nil
	}
	return d, playTick(d.run)
}
