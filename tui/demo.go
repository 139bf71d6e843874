package tui

import (
	"fmt"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
	"github.com/proctour/proctour/tui/markdown"
)

// demo is the demo view: a scenario's timeline drawn as lanes, resources,
// the Python listing and an event log, at the playback cursor. It runs the
// scenario's Go demo, or a Python program under the tracer (python), through
// a sim.Source, or replays a recorded trace.
type demo struct {
	sc      *lessons.Scenario // nil: a replay of a scenario not in this build
	vars    lessons.Vars
	title   string // the replayed file's name, or the scenario id
	replay  bool
	nothing bool     // no demo to run: the lesson's demos are not built yet
	missing []string // those demos

	begin *trace.RunBegin // a replay's run.begin: what was run, and how (nil: a trace from before it)
	early bool            // a replay of a trace that ends early (cut short)

	mode     sim.Mode
	seed     uint64
	seedText *string // the seed being typed (S), until enter or esc
	speed    float64

	timeline []trace.Record
	pending  []sim.Intent // the operations waiting at the gate, now
	pb       Playback
	st       *sim.State // the fold of timeline[:stAt]; stAt == pb.Cursor
	stAt     int
	draw     *drawCache // the text made from timeline and st, kept across frames
	elided   int        // a replay's values drawn only in part (too deep or long)

	run     int64      // the current run's id; 0 before the first
	sess    sim.Source // the current run, once started
	running bool       // the current run has not ended
	playing bool       // a replay playing in time
	playNs  int64      // a replay's clock
	python  *pyTarget  // not nil: runs are real CPython's (python.go)
	interp  string     // --python: the interpreter for them
	// schedule is an interleaving the next run re-executes (x), nil for
	// a run of its own
	schedule []int

	// preds are the lesson's predictions about this demo; predicting is
	// the one being asked before a run, guess the choice made for the
	// current run (-1: none), and revealed what the run showed.
	preds      []lessons.Prediction
	predicting *lessons.Prediction
	predSel    int
	guess      int
	guessed    *lessons.Prediction
	revealed   []string
	lang       string
	// editing is the variant editor (v) on screen: the values the next run
	// will have, and the variant under the cursor.
	editing lessons.Vars
	editSel int
	typed   string   // digits typed for the variant under the cursor, not yet taken
	ranMode sim.Mode // the mode of the current (or last) run
	// ranSpeed is the speed of the current (or last) run: played back
	// (p, once it has ended), ×1 is the pace it ran at
	ranSpeed float64
	// repeating is a k repeat under way; outcomes the results of the
	// repeats, the latest last, one per set of values.
	repeating bool
	repeatRun int64
	outcomes  []repeatedMsg

	// notes are what the student did that their progress records (a run
	// ended, a prediction checked), for the app to take in this update
	notes []tea.Msg

	// zoom gives the listing the lanes' room (z); reading is the event
	// log's filter and search, verdictPage the page of a long verdict
	// shown beside its evidence (w)
	zoom        bool
	reading     logReading
	verdictPage int

	class classView // what it draws of the classroom (class.go)

	chall challengeState // a "break it" challenge (challenge.go)

	note    string // one line for the status bar: saved, errors, hints
	noteBad bool
	keys    demoKeys
	runs    *runner
	width   int
	height  int
}

// demoSettings are the run settings a demo starts with.
type demoSettings struct {
	mode   sim.Mode
	seed   uint64
	speed  float64
	python string // --python
}

func newDemo(sc *lessons.Scenario, set demoSettings, runs *runner) demo {
	vars, _ := sc.Resolve(nil)
	d := demo{sc: sc, vars: vars, title: sc.ID, mode: set.mode, seed: set.seed, speed: set.speed, interp: set.python,
		keys: newDemoKeys(), runs: runs, pb: Playback{Following: true}, draw: &drawCache{listing: listingLines(sc)}}
	d.keys.Repeat.SetEnabled(sc.Outcome != nil) // only an outcome can be charted
	d.keys.Kill.SetEnabled(sc.Killable != "")   // K: only where the lesson kills a process (broker)
	if d.speed <= 0 {
		d.speed = watchSpeed
	}
	d.refold()
	return d
}

// newMissingDemo is the demo panel of a lesson whose scenarios are not
// built yet.
func newMissingDemo(l lessons.Lesson) demo {
	d := demo{title: "demo", speed: 1, keys: newDemoKeys().forNothing(), nothing: true, missing: l.Scenarios, draw: &drawCache{}}
	d.refold()
	return d
}

// newReplay is the demo view of a recorded trace.
func newReplay(title string, timeline []trace.Record, speed float64) demo {
	d := demo{title: title, replay: true, timeline: timeline, speed: speed, keys: newDemoKeys().forReplay(),
		pb: Playback{Len: len(timeline)}, draw: &drawCache{}}
	if d.speed <= 0 {
		d.speed = 1
	}
	for _, e := range timeline { // once, so that the header can say so
		if sim.ValueElided(e.Val) {
			d.elided++
		}
	}
	d.begin, d.early = replayHeader(timeline), trace.EndsEarly(timeline)
	if sc, err := lessons.Lookup(replayScenario(timeline, d.begin)); err == nil {
		d.sc = sc
		d.draw.listing = listingLines(sc)
	}
	if b := d.begin; b != nil {
		d.vars = replayVars(d.sc, b.Vars)
		if m, err := sim.ParseMode(b.Mode); err == nil {
			d.mode = m
		}
		d.seed = b.Seed
	}
	d.refold()
	return d
}

func (d demo) setSize(w, h int) demo {
	d.width, d.height = w, h
	return d
}

// refold brings the State to the cursor: forward by applying the new
// events, backward by folding again from the start.
func (d *demo) refold() {
	c := min(d.pb.Cursor, len(d.timeline))
	if d.st == nil || c < d.stAt {
		d.st, d.stAt = sim.Fold(d.timeline[:c]), c
		return
	}
	for _, e := range d.timeline[d.stAt:c] {
		d.st.Apply(e)
	}
	d.stAt = c
}

// navigate moves the cursor and refolds.
func (d demo) navigate(kind ActionKind, n int) demo {
	d.pb = Navigate(d.pb, Action{Kind: kind, N: n})
	d.refold()
	return d
}

// id is the scenario id, for the status bar and a saved trace's name.
func (d demo) id() string {
	if d.sc != nil {
		return d.sc.ID
	}
	return d.title
}

// owns reports whether a run id is this demo's current run.
func (d demo) owns(run int64) bool { return run != 0 && run == d.run }

// visiblePending is the gate's pending operations when the cursor shows
// the present; scrubbed back, the lanes show the past only.
func (d demo) visiblePending() []sim.Intent {
	if !d.pb.AtEnd() {
		return nil
	}
	return d.pending
}

// demoLayout is how the demo view's rows and columns are shared out.
type demoLayout struct {
	top, res, log  int // rows: lanes and listing, resources, event log
	lanesW, listW  int
	resLines       []string
	verdictPages   int // a verdict too long to show whole beside its evidence: its pages (w)
	verdictPage    int
	lanes          []lane
	hidden         []*sim.Proc
	marks          map[int][]string
	currentLineNum int
}

func (d demo) layout(s styles) demoLayout {
	w, body := d.width, d.height-2
	var lo demoLayout
	lo.listW, lo.lanesW = d.listingSplit(s, w)
	verdict, evidence := d.resources(s, w)
	if n := len(verdict) + len(evidence); n > 0 {
		// a reveal, a chart of many runs or the watchdog's report (and its
		// wait-for graph) is what the student reads when a run ends: it
		// may take the log's room
		most := body / 4
		if (len(d.revealed) > 0 || len(d.outcomes) > 0 || d.st.Watchdog != "") && !d.zoomed() {
			most = body / 2
		}
		room := min(n, max(2, most))
		lo.res = room + 1
		lo.resLines, lo.verdictPage, lo.verdictPages = verdictBeside(verdict, evidence, room, d.verdictPage)
	}
	rest := body - lo.res
	lo.log = max(3, rest*2/5)
	switch {
	case len(d.timeline) == 0: // nothing to log yet
		lo.log = 3
	case d.zoomed() || d.predicting != nil || d.editing != nil:
		// the listing or the question is what is read: the log shrinks
		lo.log = min(lo.log, max(3, rest/5))
	}
	lo.top = rest - lo.log
	pending := d.visiblePending()
	n := lo.top - 1
	if len(d.st.Procs) > n {
		n--
	}
	lo.lanes, lo.hidden = pickLanes(d.st, pending, n)
	var src []string
	if d.draw != nil {
		src = d.draw.listing
	}
	for i, l := range lo.lanes { // a step at the gate named as the listing names it
		if in := l.Intent; in != nil && in.Line > 0 && in.Line <= len(src) {
			lo.lanes[i].Call = sim.InListing(in.DescribeIn(s.lang), in.Obj, src[in.Line-1])
		}
	}
	lo.marks = listingMarks(d.st, lo.lanes, pending)
	if c := d.pb.Cursor; c > 0 && c <= len(d.timeline) {
		lo.currentLineNum = d.timeline[c-1].Line
	}
	for _, in := range pending { // step mode: where space would move
		if in.CanProceed && in.Line > 0 {
			lo.currentLineNum = in.Line
			break
		}
	}
	return lo
}

// lanesRoom is the columns the panel beside the listing asks for: the
// lanes' names, pids and states with room for what each did last, or the
// width of the text drawn there before a run.
func (d demo) lanesRoom(s styles) int {
	switch {
	case d.predicting != nil || d.editing != nil:
		return 46
	case d.st == nil || len(d.st.Procs) == 0: // the intro
		return 42
	}
	head, step := 0, 0
	for _, p := range d.st.Procs {
		_, state, _ := laneState(lane{Proc: p}, s)
		head = max(head, min(lipgloss.Width(p.Name), laneNameMax)+lipgloss.Width(p.PidText())+min(lipgloss.Width(state), laneStateMax))
		if p.Status != sim.Exited {
			step = 30 // room for what it did last; an exited lane says only "exited 0"
		}
	}
	return head + 8 + step // key, symbol, spaces, arrows
}

// listingSplit shares w columns between the lanes and the listing: the
// listing has the room its longest line needs when the lanes leave it,
// else what the lanes do not need, and at least two fifths (its long
// lines wrap); zoomed (z), it has the whole width.
func (d demo) listingSplit(s styles, w int) (listW, lanesW int) {
	if d.zoomed() {
		return w, 0
	}
	need := w / 2
	if code := d.listingLines(s.lang); code != nil {
		need = listingWidth(code)
	}
	lanes := d.lanesRoom(s)
	switch {
	case need+1+lanes <= w:
		listW = need
	default:
		listW = max(w-1-lanes, min(need, max(w*2/5, 36)))
	}
	return listW, w - listW - 1
}

// zoomed reports whether the listing has the lanes' room too: z, unless a
// question or the editor is drawn there.
func (d demo) zoomed() bool { return d.zoom && d.predicting == nil && d.editing == nil }

// verdictBeside fits a verdict and its evidence in room rows: both whole
// when they fit, else the evidence whole (if it leaves the verdict two
// rows) and the verdict in pages of the rows left; page is taken round
// the pages. It returns the rows, the page shown and the pages.
func verdictBeside(verdict, evidence []string, room, page int) (rows []string, shown, pages int) {
	if len(verdict)+len(evidence) <= room || len(verdict) == 0 {
		return slices.Concat(verdict, evidence), 0, 1
	}
	per := max(room-len(evidence), min(2, len(verdict), room))
	pages = (len(verdict) + per - 1) / per
	shown = (page%pages + pages) % pages
	v := verdict[shown*per : min((shown+1)*per, len(verdict))]
	return slices.Concat(v, evidence), shown, pages
}

// resources are the verdict on a prediction, then the evidence: the charts
// of repeated runs, the widgets' lines, the watchdog's report and any
// broken invariant.
func (d demo) resources(s styles, w int) (verdict, lines []string) {
	verdict = d.classResultLines(s, w)
	for i, r := range d.revealed {
		style := s.Text
		if i < 3 {
			style = s.Warn
		}
		for _, l := range strings.Split(markdown.Render(r, max(w-2, 20), markdown.NewTheme(s.dark, true)), "\n") {
			verdict = append(verdict, style.Render(cut(l, w)))
		}
	}
	lines = append(lines, d.outcomeCharts(s, w)...)
	lines = append(lines, d.pythonProblem(s, w)...)
	lines = append(lines, d.draw.resources(d.st, d.stAt, s, w)...)
	if len(d.st.Timings) > 0 && d.ranMode != sim.Live && !d.replay {
		lines = append(lines, s.Dim.Render(cut(s.tr("  (not live: these times measure the stepping, not the program; m for a live run)"), w)))
	}
	if d.st.Watchdog != "" { // wrapped: it says why the run hung, the point of the lesson; the wait-for graph beside it
		lines = append(lines, d.watchdogLines(s, w)...)
	}
	lines = append(lines, d.endLines(s, w)...)
	if n := len(d.st.Violations); n > 0 {
		lines = append(lines, s.Error.Render(cut(fmt.Sprintf(s.tr("⚠ %d broken invariant(s): %s"), n, d.st.Violations[0]), w)))
	}
	return verdict, lines
}

// view draws the demo in its width×height: header, lanes beside the
// listing, resources, event log, status bar.
func (d demo) view(s styles) string {
	w, h := d.width, d.height
	if w <= 0 || h <= 0 {
		return ""
	}
	out := make([]string, 0, h)
	out = append(out, d.header(s, w))
	if d.nothing {
		missing := fmt.Sprintf(s.tr("This lesson's demos are not built yet: %s."), strings.Join(d.missing, ", "))
		body := []string{"", "  " + s.Dim.Render(missing)}
		out = append(out, block(body, w, h-1)...)
		return strings.Join(out, "\n")
	}
	if d.class.projector {
		return d.projectorView(s)
	}
	lo := d.layout(s)
	listTitle := d.listingTitle(s)
	right := drawListing(d.listingLines(s.lang), lo.marks, d.listingFocus(lo.currentLineNum), s, lo.listW, lo.top-1)
	if lo.lanesW <= 0 { // zoomed: the listing alone
		out = append(out, rule(s, listTitle+" · "+s.tr("z: the processes again"), w))
		out = append(out, right...)
	} else {
		out = append(out, rule(s, s.tr("processes"), lo.lanesW)+s.Rule.Render("┬")+rule(s, listTitle, lo.listW))
		out = append(out, beside(d.leftPanel(s, lo), right, s.Rule.Render("│"))...)
	}
	if lo.res > 0 {
		title := s.tr("resources")
		if lo.verdictPages > 1 {
			title += " · " + fmt.Sprintf(s.tr("verdict %d/%d (w: more)"), lo.verdictPage+1, lo.verdictPages)
		}
		out = append(out, rule(s, title, w))
		out = append(out, block(lo.resLines, w, lo.res-1)...)
	}
	out = append(out, rule(s, d.reading.title(s), w))
	out = append(out, drawLog(d.timeline, d.pb.Cursor, s, w, lo.log-1, d.draw, d.reading)...)
	out = append(out, drawStatus(d.statusInfo(), s, w))
	return strings.Join(out, "\n")
}

// leftPanel is what is drawn beside the listing: the variant editor, the
// lesson's question, the intro before a first run, or the lanes.
func (d demo) leftPanel(s styles, lo demoLayout) []string {
	var left []string
	if d.editing != nil {
		left = block(d.editorView(s, lo.lanesW), lo.lanesW, lo.top-1)
	} else if d.predicting != nil {
		left = block(d.predictView(s, lo.lanesW, lo.top-1), lo.lanesW, lo.top-1)
	} else if d.chall.choosing {
		left = block(d.challengeView(s, lo.lanesW, lo.top-1), lo.lanesW, lo.top-1)
	} else if d.pb.Len == 0 && !d.running {
		left = block(d.intro(s, lo.lanesW), lo.lanesW, lo.top-1)
	} else {
		describe := func(e trace.Record) string { return d.draw.describeEvent(d.timeline, e, s.lang) }
		left = drawLanesWith(d.st, lo.lanes, lo.hidden, s, lo.lanesW, lo.top-1, describe)
	}
	return left
}

// header is the demo's title line.
func (d demo) header(s styles, w int) string {
	title := s.Title.Render(d.title)
	switch {
	case d.nothing:
		title = s.Title.Render(s.tr("demo"))
	case d.replay:
		title = s.Title.Render(fmt.Sprintf(s.tr("replay %s"), d.title))
		if d.elided > 0 {
			title += s.Warn.Render(" · " + fmt.Sprintf(s.tr("%d value(s) too deep or too long to show whole: drawn cut short"), d.elided))
		}
		if d.early {
			title += s.Warn.Render(" · " + s.tr("the trace ends early: it was cut short"))
		}
		if d.begin != nil { // what the run was: lock=off told from lock=on at once
			title += s.Subtitle.Render(" — " + d.statusIn(s.lang).Vars)
		}
	case d.sc != nil:
		title += s.Subtitle.Render(" — " + d.sc.SummaryIn(s.lang))
	case d.python != nil:
		title += s.Subtitle.Render(" — " + s.tr("your program under real CPython, traced"))
	}
	return fit(title, w)
}

// intro is what the lanes say before the first run.
func (d demo) intro(s styles, w int) []string {
	if d.python != nil {
		return d.pythonIntro(s)
	}
	lines := []string{
		"",
		s.Title.Render(s.tr("Press r to run this demo.")),
		"",
		s.Dim.Render(s.tr("mode ")) + s.tr(d.mode.String()) + s.Dim.Render(s.tr("  (m: live → step → seeded)")),
		s.Dim.Render(s.tr("speed ")) + speedText(d.speed) + s.Dim.Render(s.tr("  (+/-)")),
		s.Dim.Render(fmt.Sprintf(s.tr("  time.sleep(1) lasts %.2g s here"), sim.Unit.Seconds()/d.speed)),
	}
	if d.vars != nil && len(d.vars) > 0 {
		lines = append(lines, s.Dim.Render(s.tr("variants "))+d.vars.String())
		lines = append(lines, s.Dim.Render(s.tr("  v changes them")))
	}
	if d.sc != nil && d.sc.Outcome != nil {
		lines = append(lines, s.Dim.Render(s.tr("k runs it 20 times and charts the outcome")))
	}
	if d.sc != nil {
		lines = append(lines, s.Dim.Render(s.tr("P runs the listing itself under real CPython")))
	}
	if d.mode == sim.Step {
		lines = append(lines, "", s.Dim.Render(s.tr("step mode: space releases the next operation,")), s.Dim.Render(s.tr("1–9 release the process of that lane")))
	}
	return lines
}

// statusInfo gathers what the status bar says (in English: drawStatus
// translates the mode and the phase).
func (d demo) statusInfo() statusInfo {
	in := statusInfo{
		Scenario: d.id(), Runtime: d.runtime(), Mode: d.mode.String(), Seed: d.seed, Speed: d.speed,
		Cursor: d.pb.Cursor, Len: d.pb.Len, Note: d.note, NoteBad: d.noteBad, Class: d.class.badge,
		Challenge: d.challengeStatus(),
	}
	if d.vars != nil {
		in.Vars = d.vars.String()
	}
	if d.python != nil {
		in.Speed = 0 // CPython's own
	}
	if c := d.pb.Cursor; c > 0 && c <= len(d.timeline) {
		in.Elapsed = d.timeline[c-1].TNs
	}
	switch {
	case d.replay:
		in.Mode = "replay"
		in.Phase = "r to play"
		switch {
		case d.playing:
			in.Phase = "playing"
		case d.early && d.pb.AtEnd():
			in.Phase = "the trace ends early"
		}
	case d.nothing:
		in.Phase = "nothing to run"
	case d.run == 0 && d.class.follower:
		in.Phase = "the instructor runs it"
	case d.run == 0:
		in.Phase = "r to run"
	case d.playing:
		in.Phase = "playing"
	case d.pb.Paused && d.running:
		in.Phase = "paused, still collecting"
	case !d.running:
		in.Phase = "ended"
	case d.mode == sim.Step && len(d.pending) > 0 && d.pb.AtEnd():
		in.Phase = "your move"
	case !d.pb.Following:
		in.Phase = "running, scrubbing"
	default:
		in.Phase = "running"
	}
	return in
}

// listingVars are the values the listing's constants show: those being
// chosen while the variants are edited, else the run's.
func (d demo) listingVars() lessons.Vars {
	if d.editing != nil {
		return d.editing
	}
	return d.vars
}

// listingFocus is the listing line to show and highlight: in the variants
// editor the constant of the variant under the cursor, else current.
func (d demo) listingFocus(current int) int {
	if d.editing == nil || d.sc == nil || d.editSel < 0 || d.editSel >= len(d.sc.Variants) {
		return current
	}
	key := d.sc.Variants[d.editSel].Key
	for _, c := range d.sc.Listing.Constants() {
		if c.Key == key {
			return c.Line
		}
	}
	return current
}
