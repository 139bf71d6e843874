package tui

import (
	"slices"
	"strings"

	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// drawCache keeps the text the demo view makes from events and states, so
// that a frame redraws what it already made instead of printing every
// value again: an event's description is made once (per language), the
// resource widgets' lines once per state drawn. What a trace holds then
// costs its printing once, however many frames show it. The demo view is
// a value copied at every update; it holds the cache by pointer, and a nil
// cache makes everything afresh.
type drawCache struct {
	tl    *trace.Record // &timeline[0] of the timeline described
	lang  string
	descs []string // sim.DescribeIn(timeline[i], lang); "" until made
	// listing is the Python listing the events' lines point into (nil:
	// none): a call is named as that line names it (sim.InListing).
	listing []string
	// nameW is the longest process name in the first names events
	names, nameW int

	res    []string // the widgets' lines for resKey
	resKey resKey

	// wdog is the State at the watchdog's report wdogAt, for the
	// wait-for graph beside it (waitgraph.go)
	wdogAt *trace.Record
	wdog   *sim.State
}

// resKey is what the widgets' lines depend on: the state, how far it is
// folded, the width and the styles.
type resKey struct {
	st                  *sim.State
	at, width           int
	lang                string
	dark, noColor, made bool
}

// describe is timeline[i] as the event log and the lanes say it.
func (c *drawCache) describe(timeline []trace.Record, i int, lang string) string {
	if c == nil {
		return sim.DescribeIn(timeline[i], lang)
	}
	c.sync(timeline, lang)
	if len(c.descs) < len(timeline) {
		c.descs = append(c.descs, make([]string, len(timeline)-len(c.descs))...)
	}
	if c.descs[i] == "" {
		d, settled := c.made(timeline[i], lang), true
		if e := timeline[i]; e.Kind == trace.KindPipeInherit && c.listing != nil {
			d, settled = c.inherited(timeline[i+1:], e, d)
		}
		if !settled { // (what names it has not happened yet)
			return d
		}
		c.descs[i] = d
	}
	return c.descs[i]
}

// made is e described, named as the listing names its call.
func (c *drawCache) made(e trace.Record, lang string) string {
	d := sim.DescribeIn(e, lang)
	if e.Line > 0 && e.Line <= len(c.listing) {
		d = sim.InListing(d, e.Obj, c.listing[e.Line-1])
	}
	return d
}

// inherited is desc, a pipe end's arrival in a child, with the name the
// child's code gives it where that is another, seen from the child's next
// call on it: "conn = child_conn  # a copy of this end, passed in the
// arguments". settled is false while there is no such call yet.
func (c *drawCache) inherited(after []trace.Record, e trace.Record, desc string) (string, bool) {
	for _, r := range after[:min(len(after), 500)] {
		if r.Pid == e.Pid && r.Kind == trace.KindProcExit {
			break // it never called on it
		}
		if r.Pid != e.Pid || r.Obj != e.Obj || r.Line <= 0 || r.Line > len(c.listing) {
			continue
		}
		call := sim.InListing(sim.DescribeIn(r, "en"), e.Obj, c.listing[r.Line-1])
		if name, _, ok := strings.Cut(call, "."); ok && name != e.Obj && name != "" && !strings.ContainsAny(name, " (") {
			return name + " = " + desc, true
		}
		return desc, true
	}
	return desc, len(after) >= 500 || slices.ContainsFunc(after, func(r trace.Record) bool { return r.Pid == e.Pid && r.Kind == trace.KindProcExit })
}

// sync starts the cache afresh for another timeline or language.
func (c *drawCache) sync(timeline []trace.Record, lang string) {
	if len(timeline) == 0 || c.tl != &timeline[0] || c.lang != lang {
		c.tl, c.lang, c.descs, c.names, c.nameW = nil, lang, nil, 0, 0
		if len(timeline) > 0 {
			c.tl = &timeline[0]
		}
	}
}

// describeEvent is e as describe says it, when e is one of the timeline's
// events (a process's last step is), else made afresh.
func (c *drawCache) describeEvent(timeline []trace.Record, e trace.Record, lang string) string {
	if i := int(e.Seq) - 1; i >= 0 && i < len(timeline) && sameEvent(timeline[i], e) {
		return c.describe(timeline, i, lang)
	}
	if c == nil {
		return sim.DescribeIn(e, lang)
	}
	return c.made(e, lang)
}

// sameEvent reports whether a and b are one event: its place, time,
// process and kind, and the very payload bytes.
func sameEvent(a, b trace.Record) bool {
	return a.Seq == b.Seq && a.TNs == b.TNs && a.Pid == b.Pid && a.Kind == b.Kind && a.Obj == b.Obj &&
		len(a.Val) == len(b.Val) && (len(a.Val) == 0 || &a.Val[0] == &b.Val[0])
}

// resources are resourceLines(st, s, width), made once for each state
// (at: how many events it folds) drawn.
func (c *drawCache) resources(st *sim.State, at int, s styles, width int) []string {
	if c == nil {
		return resourceLines(st, s, width)
	}
	k := resKey{st: st, at: at, width: width, lang: s.lang, dark: s.dark, noColor: s.noColor, made: true}
	if c.resKey != k {
		c.res, c.resKey = resourceLines(st, s, width), k
	}
	return c.res
}
