package tui

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// The sizes the reading goldens are drawn at: the smallest, a common
// one, and one wide enough for the lesson's text beside its demo.
var readingSizes = [][2]int{{80, 24}, {120, 40}, {160, 48}}

// lessonDemo is lesson n open in lang at w×h, on demo id's panel (its tab
// on a narrow screen).
func lessonDemo(tb testing.TB, lang string, n int, id string, w, h int) app {
	tb.Helper()
	a := lessonAt(tb, lang, n, w, h)
	for range a.lesson.scenarios {
		if a.lesson.demo.sc != nil && a.lesson.demo.sc.ID == id {
			break
		}
		a = press1(tb, a, "d")
	}
	if a.lesson.demo.sc == nil || a.lesson.demo.sc.ID != id {
		tb.Fatalf("lesson %d has no demo %s", n, id)
	}
	if !a.lesson.wide() {
		a = press1(tb, a, "tab")
	}
	return a
}

// press1 is the app after one key: a letter, or a named key.
func press1(tb testing.TB, a app, k string) app {
	tb.Helper()
	msg := tea.KeyPressMsg{Code: []rune(k)[0], Text: k}
	switch k {
	case "tab":
		msg = tea.KeyPressMsg{Code: tea.KeyTab}
	case "enter":
		msg = tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		msg = tea.KeyPressMsg{Code: tea.KeyEscape}
	case "backspace":
		msg = tea.KeyPressMsg{Code: tea.KeyBackspace}
	}
	m, _ := a.Update(msg)
	return m.(app)
}

// typed is the app after each key of keys.
func typed(tb testing.TB, a app, keys ...string) app {
	for _, k := range keys {
		a = press1(tb, a, k)
	}
	return a
}

// ended is the app with its demo's run over: timeline recorded, the
// cursor at its end, and the lesson's prediction prediction (its choice
// guess) revealed against it.
func ended(tb testing.TB, a app, timeline []trace.Record, prediction string, guess int) app {
	tb.Helper()
	d := a.lesson.demo
	d.timeline, d.run, d.running, d.ranMode = timeline, 1, false, sim.Live
	d.pb = Playback{Cursor: len(timeline), Len: len(timeline), Following: true}
	d.refold()
	i := slices.IndexFunc(d.preds, func(p lessons.Prediction) bool { return strings.Contains(p.Ask, prediction) })
	if i < 0 {
		tb.Fatalf("no prediction asking %q", prediction)
	}
	d.guessed, d.guess = &d.preds[i], guess
	d, _ = d.reveal()
	a.lesson.demo = d
	m, _ := a.Update(tea.WindowSizeMsg{Width: a.width, Height: a.height})
	return m.(app)
}

// readTimeline reads a recorded trace in testdata, normalised.
func readTimeline(tb testing.TB, name string) []trace.Record {
	tb.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	tl, err := trace.Read(f)
	if err != nil {
		tb.Fatal(err)
	}
	return normalise(tl)
}

// eachSize runs check on a golden screen of each size and language.
func eachSize(t *testing.T, name string, screen func(t *testing.T, lang string, w, h int) string, check func(t *testing.T, lang, got string)) {
	for _, lang := range []string{"en", "zh"} {
		for _, size := range readingSizes {
			golden1 := fmt.Sprintf("%s-%s-%dx%d", name, lang, size[0], size[1])
			t.Run(golden1, func(t *testing.T) {
				got := screen(t, lang, size[0], size[1])
				checkSize(t, got, size[0], size[1])
				check(t, lang, got)
				golden(t, golden1, got)
			})
		}
	}
}

// The listing's long comments are wrapped, never cut, and every line
// keeps its number, at every size and in both languages; z gives it the
// whole width.
func TestListingGolden(t *testing.T) {
	sc, _ := lessons.Lookup("pipe-eof")
	for _, zoom := range []bool{false, true} {
		name := "listing-pipe-eof"
		if zoom {
			name += "-zoomed"
		}
		eachSize(t, name, func(t *testing.T, lang string, w, h int) string {
			a := lessonDemo(t, lang, 9, "pipe-eof", w, h)
			if zoom {
				a = press1(t, a, "z")
			}
			return screenText(a)
		}, func(t *testing.T, lang, got string) {
			checkListing(t, sc.ProgramLines(lang, nil), got, "# main still holds", "# 主进程")
		})
	}
}

// lanesPanel is the rows of the panel left of the listing (the lanes, or
// the question asked in their place), from a screen's text.
func lanesPanel(got string) []string {
	var rows []string
	col0, col1 := -1, -1
	for _, l := range strings.Split(got, "\n") {
		if j := strings.Index(l, "┬"); j >= 0 && col0 < 0 {
			i := strings.Index(l, "── ") // the panel's rule starts the demo's second row
			col0, col1 = ansi.StringWidth(l[:i]), ansi.StringWidth(l[:j])
			if k := strings.LastIndex(l[:j], "│"); k >= 0 { // the lesson's text is left of it
				col0 = ansi.StringWidth(l[:k]) + 1
			}
			continue
		}
		if col0 < 0 {
			continue
		}
		row := ansi.Cut(l, col0, col1)
		if strings.HasPrefix(row, "──") {
			break
		}
		rows = append(rows, row)
	}
	return rows
}

// checkListing fails unless the listing on screen numbers every line it
// shows, in order, cuts none, and (on a screen of 40 rows or more) shows
// the line holding one of marks with its number.
func checkListing(t *testing.T, code []string, got string, marks ...string) {
	t.Helper()
	lines := strings.Split(got, "\n")
	var nums []int
	col := -1 // the listing's first column, from its rule on
	for _, l := range lines {
		if i := strings.Index(l, ".py "); i >= 0 && col < 0 {
			if j := strings.Index(l, "┬"); j >= 0 {
				col = ansi.StringWidth(l[:j]) + 1
			} else { // zoomed: the rule is the listing's alone
				col = ansi.StringWidth(l[:strings.LastIndex(l[:i], "── ")])
			}
			continue
		}
		if col < 0 {
			continue
		}
		right := ansi.Cut(l, col, ansi.StringWidth(l))
		if strings.HasPrefix(right, "──") {
			break
		}
		if len(right) < 8 {
			continue
		}
		var n int
		if _, err := fmt.Sscanf(strings.TrimSpace(right[3:8]), "%d", &n); err == nil {
			nums = append(nums, n)
		}
		if strings.HasSuffix(strings.TrimSpace(right), "…") {
			t.Errorf("a listing row is cut: %q", right)
		}
	}
	if len(nums) < 5 {
		t.Errorf("%d numbered listing lines on screen:\n%s", len(nums), got)
	}
	for i := 1; i < len(nums); i++ {
		if nums[i] != nums[i-1]+1 {
			t.Errorf("listing line %d follows line %d: a line lost its number:\n%s", nums[i], nums[i-1], got)
		}
	}
	if len(lines) < 40 {
		return
	}
	for n, l := range code {
		for _, m := range marks {
			if strings.Contains(l, m) && !slices.Contains(nums, n+1) {
				t.Errorf("line %d (%q) is not on screen with its number:\n%s", n+1, l, got)
			}
		}
	}
}

// The joinable question's long choices are wrapped whole, and the keys'
// hint stays in the panel.
func TestPredictionGolden(t *testing.T) {
	eachSize(t, "predict-joinable", func(t *testing.T, lang string, w, h int) string {
		a := press1(t, lessonDemo(t, lang, 8, "joinable", w, h), "r")
		if a.lesson.demo.predicting == nil {
			t.Fatal("r asked no question")
		}
		return screenText(a)
	}, func(t *testing.T, lang, got string) {
		if !strings.Contains(got, tr(lang, "↑/↓ choose · enter run · s run without guessing")[:10]) {
			t.Errorf("no hint on screen:\n%s", got)
		}
		flat := strings.Join(strings.Fields(strings.Join(lanesPanel(got), " ")), "")
		for _, p := range lessonPredictions(lang, 8) {
			if p.Demo != "joinable" {
				continue
			}
			for _, c := range p.Choices {
				if want := strings.Join(strings.Fields(plainChoice(c.Text)), ""); !strings.Contains(flat, want) {
					t.Errorf("choice %q is not on screen whole:\n%s", c.Text, got)
				}
			}
			break
		}
	})
}

// After a run, the verdict on the prediction and the evidence it talks
// about are on screen together: tickets' lock and db.json, cpu's timing
// chart.
func TestVerdictGolden(t *testing.T) {
	tickets := normalise(record(t, "tickets", sim.Seeded, goldenSeed, "buyers=20", "lock=on"))
	cpu := readTimeline(t, "cpu-run.jsonl")
	cases := []struct {
		name, id, ask string
		lesson, guess int
		sets          []string
		timeline      []trace.Record
		evidence      []string
	}{
		{"verdict-tickets", "tickets", "with the lock", 5, 0, []string{"buyers=20", "lock=on"}, tickets, []string{"lock ", "□", "db.json ", `{"count": 0}`}},
		{"verdict-cpu", "cpu", "Pinned together", 1, 0, nil, cpu, []string{"█", "0.462 s", "0.241 s"}},
	}
	for _, c := range cases {
		eachSize(t, c.name, func(t *testing.T, lang string, w, h int) string {
			ask := c.ask
			if lang == "zh" {
				ask = ""
			}
			a := lessonDemo(t, lang, c.lesson, c.id, w, h)
			if ask == "" { // the same prediction: the languages' lists are in the same order
				a.lesson.demo.preds = slices.DeleteFunc(slices.Clone(a.lesson.demo.preds), func(p lessons.Prediction) bool { return p.Demo != c.id })
				en := slices.DeleteFunc(slices.Clone(lessonPredictions("en", c.lesson)), func(p lessons.Prediction) bool { return p.Demo != c.id })
				i := slices.IndexFunc(en, func(p lessons.Prediction) bool { return strings.Contains(p.Ask, c.ask) })
				a.lesson.demo.preds = a.lesson.demo.preds[i : i+1]
			}
			var err error
			if a.lesson.demo.vars, err = a.lesson.demo.sc.Resolve(c.sets); err != nil {
				t.Fatal(err)
			}
			return screenText(ended(t, a, c.timeline, ask, c.guess))
		}, func(t *testing.T, lang, got string) {
			if !strings.Contains(got, tr(lang, "Your prediction: ")) {
				t.Errorf("no verdict on screen:\n%s", got)
			}
			for _, e := range c.evidence {
				if !strings.Contains(got, e) {
					t.Errorf("no %q beside the verdict:\n%s", e, got)
				}
			}
		})
	}
}

func TestWrapCode(t *testing.T) {
	cases := []struct {
		code string
		room int
		want []string
	}{
		{"x = 1", 10, []string{"x = 1"}},
		{"    one = run_all(pin=True)  # time-slicing: they take turns", 34,
			[]string{"    one = run_all(pin=True)  #", "        time-slicing: they take", "        turns"}},
		{"    # recv() raises EOFError only once every copy", 30,
			[]string{"    # recv() raises EOFError", "      only once every copy"}},
		{"    x = 1  # 时间片：它们轮流在 CPU 0 上运行", 24,
			[]string{"    x = 1  #", "        时间片：它们轮流", "        在 CPU 0 上运行"}},
	}
	for _, c := range cases {
		got := wrapCode(c.code, c.room)
		if !slices.Equal(got, c.want) {
			t.Errorf("wrapCode(%q, %d) =\n%q\nwant\n%q", c.code, c.room, got, c.want)
		}
		for _, r := range got {
			if w := ansi.StringWidth(r); w > c.room {
				t.Errorf("wrapCode(%q, %d): row %q is %d wide", c.code, c.room, r, w)
			}
		}
		if strings.Join(strings.Fields(strings.Join(got, " ")), "") != strings.Join(strings.Fields(c.code), "") {
			t.Errorf("wrapCode(%q): words lost or added: %q", c.code, got)
		}
	}
}

// Line numbers stay however narrow the listing is, and a wrapped line's
// rows after the first have none.
func TestListingKeepsNumbersWhenNarrow(t *testing.T) {
	sc, _ := lessons.Lookup("cpu")
	code := sc.ProgramLines("en", nil)
	s := newStyles(true, true)
	rows := drawListing(code, nil, 35, s, 30, 400)
	seen := map[int]bool{}
	for _, r := range rows {
		r = ansi.Strip(r)
		if num := strings.TrimSpace(r[4:6]); num != "" {
			var n int
			fmt.Sscanf(num, "%d", &n)
			seen[n] = true
		}
		if ansi.StringWidth(r) > 30 || strings.Contains(r, "…") {
			t.Errorf("row %q is cut or too wide", r)
		}
	}
	for n := 1; n <= len(code); n++ {
		if !seen[n] {
			t.Errorf("line %d has no number", n)
		}
	}
}

func TestWrapHangingAndCutWords(t *testing.T) {
	got := wrapHanging("› as soon as the consumers have taken every job off the queue", 30, 2)
	want := []string{"› as soon as the consumers", "  have taken every job off the", "  queue"}
	if !slices.Equal(got, want) {
		t.Errorf("wrapHanging = %q, want %q", got, want)
	}
	for _, c := range []struct{ in, want string }{
		{"blocked: join worker-1", "blocked: join…"},
		{"running", "running"},
		{"阻塞：等待 worker-1 结束", "阻塞：等待…"},
	} {
		if got := cutWords(c.in, 18); got != c.want {
			t.Errorf("cutWords(%q, 18) = %q, want %q", c.in, got, c.want)
		}
		if w := ansi.StringWidth(cutWords(c.in, 14)); w > 14 {
			t.Errorf("cutWords(%q, 14) is %d wide", c.in, w)
		}
	}
}

// A verdict too long beside its evidence is shown a page at a time, the
// evidence whole on every page.
func TestVerdictBeside(t *testing.T) {
	verdict := []string{"v1", "v2", "v3", "v4", "v5"}
	evidence := []string{"lock", "db.json"}
	rows, page, pages := verdictBeside(verdict, evidence, 10, 0)
	if len(rows) != 7 || pages != 1 || page != 0 {
		t.Errorf("room for all: %q, page %d of %d", rows, page, pages)
	}
	var seen []string
	for p := range 3 {
		rows, page, pages = verdictBeside(verdict, evidence, 4, p)
		if pages != 3 || page != p || len(rows) > 4 || !slices.Equal(rows[len(rows)-2:], evidence) {
			t.Errorf("page %d: %q, page %d of %d", p, rows, page, pages)
		}
		seen = append(seen, rows[:len(rows)-2]...)
	}
	if !slices.Equal(seen, verdict) {
		t.Errorf("the pages show %q, want the whole verdict %q", seen, verdict)
	}
	if _, page, _ = verdictBeside(verdict, evidence, 4, 3); page != 0 {
		t.Errorf("e after the last page shows page %d, want the first", page)
	}
}

// /got a ticket finds the buyers' lines, n and N go through them, and f
// keeps the log to one process; the event under the cursor is drawn whole.
func TestLogSearchAndFilter(t *testing.T) {
	timeline := normalise(record(t, "tickets", sim.Seeded, goldenSeed, "buyers=20", "lock=on"))
	a := demoAt(t, "tickets", []string{"buyers=20", "lock=on"}, timeline, 1, 80, 24)
	a = typed(t, a, "/", "g", "o", "t", "x", "backspace", " ", "a", " ", "t", "i", "c", "k", "e", "t")
	if got := screenText(a); !strings.Contains(got, "/got a ticket") {
		t.Fatalf("the search being typed is not on screen:\n%s", got)
	}
	a = press1(t, a, "enter")
	c := a.demo.pb.Cursor
	want := slices.IndexFunc(timeline, func(e trace.Record) bool { return strings.Contains(sim.Describe(e), "got a ticket") })
	if c != want+1 {
		t.Fatalf("enter: cursor at %d, want %d (the first event with 'got a ticket')", c, want+1)
	}
	got := screenText(a)
	if !strings.Contains(got, "── events · /got a ticket 1 of 1 (n/N) ─") {
		t.Errorf("no match count in the log's title:\n%s", got)
	}
	// the detail line: the whole event, with its process's pid
	e := timeline[c-1]
	if !strings.Contains(got, fmt.Sprintf("#%d", e.Seq)) || !strings.Contains(got, fmt.Sprintf("pid %d", e.Pid)) {
		t.Errorf("no detail line for event %d:\n%s", e.Seq, got)
	}
	// n and N: every print of the buyers, round the timeline's end
	a = typed(t, a, "/", "b", "u", "y", "e", "r", "-", "1", "enter")
	first := a.demo.pb.Cursor
	a = press1(t, a, "n")
	next := a.demo.pb.Cursor
	if next <= first || !strings.Contains(strings.ToLower(timeline[next-1].Proc+sim.Describe(timeline[next-1])), "buyer-1") {
		t.Errorf("n went from %d to %d (%s)", first, next, sim.Describe(timeline[next-1]))
	}
	if a = press1(t, a, "N"); a.demo.pb.Cursor != first {
		t.Errorf("N went back to %d, want %d", a.demo.pb.Cursor, first)
	}
	// q while typing is a letter, esc gives up the search
	a = typed(t, a, "/", "q")
	if a.demo.reading.query != "q" {
		t.Errorf("q while typing: query %q", a.demo.reading.query)
	}
	a = press1(t, a, "esc")
	if a.demo.reading.typing || a.screen != screenDemo {
		t.Errorf("esc while typing left the search open or the screen")
	}
	// f: the log keeps only the process of the event under the cursor
	pid := timeline[a.demo.pb.Cursor-1].Pid
	name := timeline[a.demo.pb.Cursor-1].Proc
	a = press1(t, a, "f")
	got = screenText(a)
	if !strings.Contains(got, "events of "+name) {
		t.Errorf("f: no filter in the log's title:\n%s", got)
	}
	rows := strings.Split(got[strings.Index(got, "events of "):], "\n")
	listed := 0
	for _, r := range rows[1 : len(rows)-2] { // the log, without the status and help lines
		f := strings.Fields(strings.TrimPrefix(r, "▸"))
		var seq int
		if len(f) < 3 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if _, err := fmt.Sscanf(f[0], "%d", &seq); err != nil {
			continue
		}
		listed++
		if timeline[seq-1].Pid != pid {
			t.Errorf("f: event %d of %s is in %s's log:\n%s", seq, timeline[seq-1].Proc, name, got)
		}
	}
	if listed < 2 {
		t.Errorf("f: %d events of %s listed:\n%s", listed, name, got)
	}
	// f again: the next process; the event drawn whole is its latest by
	// the cursor, not the cursor's of another process
	a = press1(t, a, "f")
	rd := a.demo.reading
	if rd.pid == pid || rd.pid == 0 {
		t.Fatalf("f again: filter on pid %d, want the next process", rd.pid)
	}
	got = screenText(a)
	if !strings.Contains(got, fmt.Sprintf(" %s pid %d", rd.name, rd.pid)) {
		t.Errorf("f again: the detail line is not %s's:\n%s", rd.name, got)
	}
}

// The process column is as wide at the start of the log as at its end.
func TestLogNameColumnIsFixed(t *testing.T) {
	timeline := normalise(record(t, "tickets", sim.Seeded, goldenSeed, "buyers=20", "lock=on"))
	s := newStyles(true, true)
	c := &drawCache{}
	cols := map[int]bool{}
	for cursor := 1; cursor <= len(timeline); cursor++ {
		for _, r := range drawLog(timeline, cursor, s, 120, 8, c, logReading{}) {
			r = ansi.Strip(r)
			f := strings.Fields(strings.TrimPrefix(r, "▸"))
			var seq int
			if len(f) < 3 || strings.HasPrefix(r, "  #") {
				continue
			}
			if _, err := fmt.Sscanf(f[0], "%d", &seq); err != nil {
				continue
			}
			cols[ansi.StringWidth(r[:strings.Index(r, sim.Describe(timeline[seq-1]))])] = true
		}
	}
	if len(cols) != 1 {
		t.Errorf("the descriptions start at columns %v as the log scrolls, want one", cols)
	}
}

// A lane's state is cut at a word when the lanes are narrow: "blocked:
// join…", never "blocked: join wor…".
func TestLaneStateCutAtAWord(t *testing.T) {
	st := sim.Fold(timeline(
		[5]string{"1", "MainProcess", "proc.start", "", `"join"`},
		[5]string{"2", "worker-5", "proc.start", "", `"join.work"`},
		[5]string{"1", "MainProcess", "proc.join", "worker-5", `null`},
	))
	lanes, hidden := pickLanes(st, nil, 5)
	s := newStyles(true, true)
	for _, w := range []int{38, 40, 43, 60} {
		rows := ansi.Strip(strings.Join(drawLanes(st, lanes, hidden, s, w, 3), "\n"))
		if !strings.Contains(rows, "blocked: join") {
			t.Errorf("at %d columns no blocked lane:\n%s", w, rows)
		}
		if w == 60 && !strings.Contains(rows, "blocked: join worker-5") {
			t.Errorf("at 60 columns the state is cut:\n%s", rows)
		}
		for _, r := range drawLanes(st, lanes, hidden, s, w, 3) {
			r = ansi.Strip(r)
			if strings.Contains(r, "blocked") && (strings.Contains(r, "wor…") || strings.Contains(r, "worker…") && !strings.Contains(r, "worker-5")) {
				t.Errorf("at %d columns the state is cut inside a word: %q", w, r)
			}
			if ansi.StringWidth(r) > w {
				t.Errorf("at %d columns: %q is wider", w, r)
			}
		}
	}
}

// The full help of a lesson's demo at 80 columns has every column: the
// reading keys and the screen's (? and q) too, in both languages.
func TestFullHelpFitsWithReadingKeys(t *testing.T) {
	for _, lang := range []string{"en", "zh"} {
		a := press1(t, lessonDemo(t, lang, 5, "tickets", 80, 24), "?")
		foot := strings.Join(strings.Split(screenText(a), "\n")[24-lipgloss.Height(a.helpView()):], "\n")
		for _, want := range []string{"z ", "/ ", "n/N ", "? ", "q ", "esc "} {
			item := regexp.MustCompile(regexp.QuoteMeta(want) + ` *` + regexp.QuoteMeta(trHelp(lang, helpOf(a, want))))
			if !item.MatchString(foot) {
				t.Errorf("%s: no %q in the full help:\n%s", lang, want, foot)
			}
		}
	}
}

// helpOf is the help of the binding shown as k in the app's full help.
func helpOf(a app, k string) key.Help {
	for _, g := range a.screenKeys().FullHelp() {
		for _, b := range g {
			if b.Help().Key+" " == k {
				return b.Help()
			}
		}
	}
	return key.Help{Key: k, Desc: "(not in the keymap)"}
}

// The match count in the log's title counts only the filtered process's
// matches once f keeps one process.
func TestSearchCountFollowsTheFilter(t *testing.T) {
	timeline := normalise(record(t, "tickets", sim.Seeded, goldenSeed, "buyers=20", "lock=on"))
	a := demoAt(t, "tickets", []string{"buyers=20", "lock=on"}, timeline, 1, 120, 40)
	a = typed(t, a, "/", "d", "b", ".", "j", "s", "o", "n", "enter")
	all := a.demo.reading.count
	a = press1(t, a, "f")
	pid := a.demo.reading.pid
	want := 0
	for _, e := range timeline {
		if e.Pid == pid && strings.Contains(strings.ToLower(sim.Describe(e)), "db.json") {
			want++
		}
	}
	if got := a.demo.reading.count; got != want || want >= all {
		t.Errorf("f: %d matches counted, want %d of that process (of %d in all)", got, want, all)
	}
	if title := fmt.Sprintf("/db.json %d of %d (n/N)", a.demo.reading.nth, want); !strings.Contains(screenText(a), title) {
		t.Errorf("no %q in the log's title:\n%s", title, screenText(a))
	}
}
