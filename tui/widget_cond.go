package tui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/proctour/proctour/sim"
)

var _ = registerWidget(35, condWidget)

// condWidget draws each Condition: who holds its lock, who waits for a
// notify, in order, and how many of them a notify has woken that have not
// yet taken the lock back.
//
//	cond       lock ■ consumer-1 · waiting 2: consumer-2, producer · notified 1
func condWidget(st *sim.State, s styles, width int) []string {
	var out []string
	for _, c := range st.Conds {
		line := resourceName(s, c.Name)
		holder := 0
		for _, l := range st.Locks {
			if l.Name == c.Lock {
				holder = l.Holder
			}
		}
		if holder == 0 {
			line += s.Free.Render(s.tr("lock □ free"))
		} else {
			line += s.Held.Render(fmt.Sprintf(s.tr("lock ■ %s"), st.Name(holder)))
		}
		if c.Lock != "" && c.Lock != c.Name {
			line += s.Dim.Render(" (" + c.Lock + ")")
		}
		if c.Notified > 0 {
			line += s.Warn.Render(fmt.Sprintf(s.tr(" · notified %d"), c.Notified))
		}
		if n := len(c.Waiters); n > 0 {
			head := fmt.Sprintf(s.tr(" · waiting %d: "), n)
			line += s.Dim.Render(head) + pidList(st, c.Waiters, s.Waiting, width-lipgloss.Width(line+head))
		} else {
			line += s.Dim.Render(s.tr(" · nobody waits"))
		}
		out = append(out, cut(line, width))
	}
	return out
}

var _ = registerWidget(36, barrierWidget)

// barrierWidget draws each Barrier: a box per party, filled by those that
// have arrived and wait, or that it is broken.
//
//	line_up    ■■□□ 2 of 4 arrived: runner-0, runner-2
func barrierWidget(st *sim.State, s styles, width int) []string {
	var out []string
	for _, b := range st.Barriers {
		line := resourceName(s, b.Name)
		if b.Broken {
			line += s.Error.Render(s.tr("✗ broken: every wait() raises BrokenBarrierError"))
			out = append(out, cut(line, width))
			continue
		}
		arrived := len(b.Waiters) - b.Passing // this round's; the last round's are leaving
		if b.Parties > 0 && b.Parties <= 12 {
			line += s.Held.Render(strings.Repeat("■", min(arrived, b.Parties))) +
				s.Free.Render(strings.Repeat("□", max(b.Parties-arrived, 0))) + " "
		}
		line += s.Dim.Render(fmt.Sprintf(s.tr("%d of %d arrived"), arrived, b.Parties))
		if b.Passing > 0 {
			line += s.Free.Render(fmt.Sprintf(s.tr(" · %d passing"), b.Passing))
		}
		if arrived > 0 {
			waiting := b.Waiters[b.Passing:]
			line += s.Dim.Render(": ") + pidList(st, waiting, s.Waiting, width-lipgloss.Width(line)-2)
		}
		out = append(out, cut(line, width))
	}
	return out
}
