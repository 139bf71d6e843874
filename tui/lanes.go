package tui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// The widest a lane's name and state are drawn: "SpawnPoolWorker-10",
// "blocked: join worker-1"; a longer state is cut at a word.
const laneNameMax, laneStateMax = 18, 24

// lane is one process drawn as a row of the demo view; Key is the digit
// that releases it in step mode ("" beyond 9).
type lane struct {
	Proc   *sim.Proc
	Key    string
	Intent *sim.Intent // its operation waiting at the gate, if any
	// Call is Intent's call named as the listing's line names it (conn,
	// not child_conn); "" draws Intent as sim says it.
	Call string
}

// pickLanes chooses which processes get a lane when there are more than n:
// MainProcess, then those waiting at the gate, then the live ones that
// moved last, then the exited ones that moved last. Lanes are listed in
// order of appearance and numbered 1–9; hidden are the others.
func pickLanes(st *sim.State, pending []sim.Intent, n int) (lanes []lane, hidden []*sim.Proc) {
	if st == nil || n <= 0 {
		return nil, nil
	}
	intents := map[int]*sim.Intent{}
	for i := range pending {
		intents[pending[i].Pid] = &pending[i]
	}
	chosen := st.Procs
	if len(st.Procs) > n {
		rank := func(p *sim.Proc) int {
			switch {
			case p == st.Procs[0], p.Server && p.Status != sim.Exited:
				return 0 // the main process, and a manager's server while it serves
			case intents[p.Pid] != nil:
				return 1
			case p.Status != sim.Exited:
				return 2
			}
			return 3
		}
		byPriority := slices.Clone(st.Procs)
		slices.SortStableFunc(byPriority, func(a, b *sim.Proc) int {
			if ra, rb := rank(a), rank(b); ra != rb {
				return ra - rb
			}
			return int(b.Last.Seq - a.Last.Seq)
		})
		keep := map[*sim.Proc]bool{}
		for _, p := range byPriority[:n] {
			keep[p] = true
		}
		chosen = nil
		for _, p := range st.Procs {
			if keep[p] {
				chosen = append(chosen, p)
			} else {
				hidden = append(hidden, p)
			}
		}
	}
	for i, p := range chosen {
		l := lane{Proc: p, Intent: intents[p.Pid]}
		if i < 9 {
			l.Key = strconv.Itoa(i + 1)
		}
		lanes = append(lanes, l)
	}
	return lanes, hidden
}

// laneState is a process's state as a symbol, a word and a style: the
// symbol alone tells the states apart when there is no colour.
func laneState(l lane, s styles) (sym, text string, style lipgloss.Style) {
	p := l.Proc
	switch {
	case p.Status == sim.Exited && p.StoppedBy != "":
		// (In a Go demo the main script runs in proctour itself, which
		// goes on: it was stopped, not a process that exited -15.)
		return "✗", s.tr("stopped"), s.Failed
	case p.Status == sim.Exited && p.ExitCode == 0:
		return "✓", fmt.Sprintf(s.tr("exited %d"), 0), s.Exited
	case p.Status == sim.Exited:
		return "✗", fmt.Sprintf(s.tr("exited %d"), p.ExitCode), s.Failed
	case p.Zombie:
		return "Z", s.tr("zombie"), s.Failed
	case l.Intent != nil && !l.Intent.CanProceed:
		return "■", s.tr("would block"), s.Blocked
	case l.Intent != nil:
		return "⏵", s.tr("ready"), s.Pending
	case p.Status == sim.Blocked:
		return "■", fmt.Sprintf(s.tr("blocked: %s"), p.On), s.Blocked
	case p.Server:
		return "◆", s.tr("serving"), s.Sleeping
	case p.Status == sim.Sleeping:
		return "◌", s.tr("sleeping"), s.Sleeping
	}
	return "▶", s.tr("running"), s.Running
}

// laneStep is what a lane says the process did last, or, at the gate,
// what it is about to do. A message received says from whom.
func laneStep(st *sim.State, l lane, s styles, describe func(trace.Record) string) string {
	if in := l.Intent; in != nil {
		call := l.Call
		if call == "" {
			call = in.DescribeIn(s.lang)
		}
		if !in.CanProceed {
			return s.PendingBlocked.Render("→ " + call + " · " + fmt.Sprintf(s.tr("blocked: %s"), in.Blocked.In(s.lang)))
		}
		return s.Pending.Render("→ " + call)
	}
	if l.Proc.Status == sim.Exited && l.Proc.Last.Kind == trace.KindProcExit {
		switch l.Proc.StoppedBy {
		case trace.StoppedByWatchdog: // "stopped  by the watchdog"
			return s.Text.Render(s.tr("by the watchdog"))
		case trace.StoppedByUser:
			return s.Text.Render(s.tr("before its end"))
		}
		return "" // the state says it: "exited 0"
	}
	desc := describe(l.Proc.Last)
	if l.Proc.Status != sim.Blocked {
		// a join that waited has returned: not the same line as the call
		call, _, _ := strings.Cut(desc, "  #")
		if t, ok := sim.Returned(l.Proc.Last, call); ok {
			desc = t.In(s.lang)
		}
	}
	out := s.Text.Render(desc)
	if from := l.Proc.From; from != 0 && from != l.Proc.Pid {
		out += s.Marker.Render(fmt.Sprintf(s.tr("  ← from %s"), st.Name(from)))
	}
	return out
}

// arrowGutter is the column left of the lanes that links the lane of the
// latest message's sender to its receiver's, while the receiver's last step
// is that message: ╭ at the sender, │ between, ▼ (or ▲) at the receiver.
// It is there only in a demo with queues or pipes, and blank otherwise.
func arrowGutter(st *sim.State, lanes []lane) []string {
	if len(st.Queues) == 0 && len(st.Pipes) == 0 {
		return nil
	}
	g := make([]string, len(lanes))
	for i := range g {
		g[i] = " "
	}
	d := st.Delivered
	if d == nil || d.From == d.To {
		return g
	}
	from, to := -1, -1
	for i, l := range lanes {
		switch l.Proc.Pid {
		case d.From:
			from = i
		case d.To:
			if l.Proc.Last.Seq == d.Seq {
				to = i
			}
		}
	}
	if from < 0 || to < 0 {
		return g
	}
	lo, hi := min(from, to), max(from, to)
	for i := lo + 1; i < hi; i++ {
		g[i] = "│"
	}
	if from < to {
		g[from], g[to] = "╭", "▼"
	} else {
		g[from], g[to] = "╰", "▲"
	}
	return g
}

// drawLanes draws the lanes in a w×h rectangle: a row per lane, then a row
// counting the hidden processes by state.
func drawLanes(st *sim.State, lanes []lane, hidden []*sim.Proc, s styles, w, h int) []string {
	return drawLanesWith(st, lanes, hidden, s, w, h, func(e trace.Record) string { return sim.DescribeIn(e, s.lang) })
}

// drawLanesWith is drawLanes with the processes' last steps described by
// describe (the demo view's, which keeps what it made).
func drawLanesWith(st *sim.State, lanes []lane, hidden []*sim.Proc, s styles, w, h int, describe func(trace.Record) string) []string {
	gutter := arrowGutter(st, lanes)
	nameW, pidW, stateW := 4, 3, 7
	for _, l := range lanes {
		_, state, _ := laneState(l, s)
		nameW = max(nameW, lipgloss.Width(l.Proc.Name))
		pidW = max(pidW, lipgloss.Width(l.Proc.PidText()))
		stateW = max(stateW, lipgloss.Width(state))
	}
	nameW, stateW = min(nameW, laneNameMax), min(stateW, laneStateMax)
	fixed := 2 + 2 + nameW + 1 + pidW + 1 // key, symbol, name, pid
	if gutter != nil {
		fixed += 2
	}
	stateW = max(min(stateW, w-fixed-1), min(stateW, 8)) // a state cut at a word, not by the row's edge
	lines := make([]string, 0, h)
	for i, l := range lanes {
		sym, state, style := laneState(l, s)
		pid := l.Proc.PidText()
		head := fmt.Sprintf("%1s %s %s %s%s %s ",
			l.Key, style.Render(sym), fit(l.Proc.Name, nameW), strings.Repeat(" ", pidW-lipgloss.Width(pid)), pid, style.Render(fit(cutWords(state, stateW), stateW)))
		if gutter != nil {
			head = s.Marker.Render(gutter[i]) + " " + head
		}
		step := ""
		if w-lipgloss.Width(head) >= 6 { // else a lone "…" would say nothing
			step = laneStep(st, l, s, describe)
		}
		lines = append(lines, cut(head+step, w))
	}
	if len(hidden) > 0 {
		lines = append(lines, s.Dim.Render(cut(hiddenSummary(hidden, s), w)))
	}
	return block(lines, w, h)
}

// hiddenSummary counts the processes without a lane by state:
// "+87 more: 12 running, 40 sleeping, 35 exited".
func hiddenSummary(hidden []*sim.Proc, s styles) string {
	var n [4]int
	for _, p := range hidden {
		n[p.Status]++
	}
	var parts []string
	for st, c := range n {
		if c > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c, s.tr(sim.Status(st).String())))
		}
	}
	return fmt.Sprintf(s.tr("  +%d more: %s"), len(hidden), strings.Join(parts, ", "))
}
