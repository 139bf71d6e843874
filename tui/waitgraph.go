package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// waitGraph draws the wait-for graph of st (sim.State.WaitsFor) in at
// most width columns: a cycle as a ring of arrows closed by a line back
// to its start,
//
//	╭▶ a_to_b ─lock_b▶ b_to_a ─lock_a╮
//	╰────────────────────────────────╯
//
// and every other waiter as a chain to what it waits for, those that wait
// for the same process on the same thing on one line; a chain that ends
// at a process that has exited says so:
//
//	MainProcess ─join▶ worker-0 ─lock▶ holder ✝ exited -15
//	worker-1, worker-2 ─lock▶ holder
//
// Nothing when nobody waits for anybody.
func waitGraph(st *sim.State, s styles, width int) []string {
	edges := st.WaitsFor()
	if len(edges) == 0 || width < 20 {
		return nil
	}
	next := map[int]sim.WaitEdge{}
	waited := map[int]bool{}
	for _, e := range edges {
		next[e.From] = e
		waited[e.To] = true
	}
	name := func(pid int) string {
		n := st.Name(pid)
		if p := st.Proc(pid); p != nil && p.Status == sim.Exited {
			return s.Warn.Render(n + " ✝")
		}
		return s.Title.Render(n)
	}
	arrow := func(on string) string { return s.Dim.Render(" ─" + on + "▶ ") }
	var out []string
	drawn := map[int]bool{}
	// a cycle, from the first process in it (in order of appearance)
	if cycle := findCycle(st, next); len(cycle) > 0 {
		items := make([]string, len(cycle))
		for i, pid := range cycle {
			items[i] = name(pid) + arrow(next[pid].On)
			drawn[pid] = true
		}
		last := next[cycle[len(cycle)-1]].On
		items[len(items)-1] = name(cycle[len(cycle)-1]) + s.Dim.Render(" ─"+last)
		rows := flow(items, width-3)
		w := 0
		for i, r := range rows {
			lead := "│  "
			if i == 0 {
				lead = "╭▶ "
			}
			rows[i] = s.Blocked.Render(lead) + r
			w = max(w, lipgloss.Width(rows[i]))
		}
		rows[len(rows)-1] += s.Blocked.Render("╮")
		w = max(w, lipgloss.Width(rows[len(rows)-1]))
		rows = append(rows, s.Blocked.Render("╰"+strings.Repeat("─", max(w-2, 1))+"╯"))
		out = append(out, s.Warn.Render(s.tr("↻ a cycle: deadlock")))
		out = append(out, rows...)
	}
	// chains, from those nobody waits for, grouped by where they lead
	type group struct {
		to   int
		on   string
		from []int
	}
	var groups []*group
	for _, p := range st.Procs {
		e, ok := next[p.Pid]
		if !ok || waited[p.Pid] || drawn[p.Pid] {
			continue
		}
		i := slices.IndexFunc(groups, func(g *group) bool { return g.to == e.To && g.on == e.On })
		if i < 0 {
			groups = append(groups, &group{to: e.To, on: e.On})
			i = len(groups) - 1
		}
		groups[i].from = append(groups[i].from, p.Pid)
	}
	for _, g := range groups {
		names := make([]string, len(g.from))
		for i, pid := range g.from {
			names[i] = name(pid)
			drawn[pid] = true
		}
		items := []string{strings.Join(names, s.Dim.Render(", ")) + arrow(g.on)}
		for pid := g.to; ; {
			e, ok := next[pid]
			if !ok || drawn[pid] {
				item := name(pid)
				if p := st.Proc(pid); p != nil && p.Status == sim.Exited && !drawn[pid] {
					item += s.Warn.Render(fmt.Sprintf(s.tr(" exited %d: never releases it"), p.ExitCode))
				}
				drawn[pid] = true // said once
				items = append(items, item)
				break
			}
			drawn[pid] = true
			items = append(items, name(pid)+arrow(e.On))
			pid = e.To
		}
		rows := flow(items, width-2)
		for i := 1; i < len(rows); i++ {
			rows[i] = "  " + rows[i]
		}
		out = append(out, rows...)
	}
	for i, l := range out {
		out[i] = cut(l, width)
	}
	return out
}

// findCycle is a cycle of next, starting at the first of its processes in
// st's order, or nil.
func findCycle(st *sim.State, next map[int]sim.WaitEdge) []int {
	for _, p := range st.Procs {
		seen := map[int]int{}
		var path []int
		for pid := p.Pid; ; {
			if i, ok := seen[pid]; ok {
				cycle := path[i:]
				// start it at its first process in order of appearance
				first := 0
				for j, q := range cycle {
					if procIndex(st, q) < procIndex(st, cycle[first]) {
						first = j
					}
				}
				return append(slices.Clone(cycle[first:]), cycle[:first]...)
			}
			e, ok := next[pid]
			if !ok {
				break
			}
			seen[pid] = len(path)
			path = append(path, pid)
			pid = e.To
		}
	}
	return nil
}

func procIndex(st *sim.State, pid int) int {
	return slices.IndexFunc(st.Procs, func(p *sim.Proc) bool { return p.Pid == pid })
}

// flow lays items out in rows of at most width columns, in order.
func flow(items []string, width int) []string {
	var rows []string
	row := ""
	for _, it := range items {
		if row != "" && lipgloss.Width(row+it) > width {
			rows = append(rows, strings.TrimRight(row, " "))
			row = ""
		}
		row += it
	}
	return append(rows, strings.TrimRight(row, " "))
}

// watchdogLines are the watchdog's report wrapped in w columns, with the
// wait-for graph of the moment it found everyone waiting beside it when
// both fit side by side (the sentence at least 30 columns wide), else
// under it.
func (d demo) watchdogLines(s styles, w int) []string {
	text := fmt.Sprintf(s.tr("⚠ watchdog: %s"), d.st.WatchdogIn(s.lang))
	var graph []string
	if at := d.draw.watchdogState(d.timeline[:min(d.stAt, len(d.timeline))]); at != nil {
		graph = waitGraph(at, s, w)
	}
	gw := 0
	for _, l := range graph {
		gw = max(gw, lipgloss.Width(l))
	}
	sw := w
	if len(graph) > 0 && w-gw-3 >= 30 {
		sw = w - gw - 3
	}
	var out []string
	for _, l := range strings.Split(ansi.Wordwrap(text, sw, ""), "\n") {
		out = append(out, s.Warn.Render(l))
	}
	if sw == w {
		return append(out, graph...)
	}
	for i := range max(len(out), len(graph)) {
		left, right := "", ""
		if i < len(out) {
			left = out[i]
		}
		if i < len(graph) {
			right = graph[i]
		}
		pad := strings.Repeat(" ", max(sw-lipgloss.Width(left), 0))
		if i < len(out) {
			out[i] = left + pad + s.Rule.Render(" │ ") + right
		} else {
			out = append(out, pad+s.Rule.Render(" │ ")+right)
		}
	}
	return out
}

// watchdogState is the State at the watchdog's report in timeline, made
// once per report (nil: no report).
func (c *drawCache) watchdogState(timeline []trace.Record) *sim.State {
	i := len(timeline) - 1
	for i >= 0 && timeline[i].Kind != trace.KindWatchdog {
		i--
	}
	if i < 0 {
		return nil
	}
	if c != nil && c.wdogAt == &timeline[i] && c.wdog != nil {
		return c.wdog
	}
	st := sim.Fold(timeline[:i]) // (the report, MainProcess's event, would show it running)
	if c != nil {
		c.wdogAt, c.wdog = &timeline[i], st
	}
	return st
}
