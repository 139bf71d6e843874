package tui

import (
	"strconv"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/proctour/proctour/sim"
)

// openSeed starts typing a seed for seeded mode (S), in the status bar.
func (d demo) openSeed() (demo, tea.Cmd) {
	if d.replay || d.sc == nil {
		return d.say(true, "a replay has no mode: it is a recording"), nil
	}
	typed := ""
	d.seedText = &typed
	return d.seedPrompt(), nil
}

// seedPrompt says in the status bar what is typed and what enter does.
func (d demo) seedPrompt() demo {
	return d.say(false, "seed %s▏ · enter: seeded runs with it · esc: keep %d", *d.seedText, d.seed)
}

// seedKey types the seed; enter sets it, and the next runs are seeded
// with it.
func (d demo) seedKey(msg tea.KeyPressMsg) (demo, tea.Cmd) {
	k := d.keys.SeedText
	typed := *d.seedText
	switch {
	case key.Matches(msg, k.Digit):
		if len(typed) < 19 {
			typed += msg.String()
		}
	case key.Matches(msg, k.Erase):
		typed = typed[:max(len(typed)-1, 0)]
	case key.Matches(msg, k.Cancel):
		d.seedText = nil
		return d, nil
	case key.Matches(msg, k.Set):
		d.seedText = nil
		n, err := strconv.ParseUint(typed, 10, 64)
		if err != nil {
			return d.say(true, "no seed typed: the seed stays %d", d.seed), nil
		}
		d.seed, d.mode = n, sim.Seeded
		return d.say(false, "seed %d, seeded from the next run (r): same seed, same run", d.seed), nil
	}
	d.seedText = &typed
	return d.seedPrompt(), nil
}
