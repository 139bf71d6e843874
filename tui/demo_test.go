package tui

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/charmbracelet/x/ansi"

	"github.com/proctour/proctour/i18n"
	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// press is a key press as bubbletea reports it.
func press(k string) tea.KeyPressMsg {
	switch k {
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

func testDemo(t *testing.T, id string) demo {
	t.Helper()
	sc, err := lessons.Lookup(id)
	if err != nil {
		t.Fatal(err)
	}
	return newDemo(sc, demoSettings{speed: 1}, newRunner()).setSize(120, 39)
}

func TestDemoSettingsKeys(t *testing.T) {
	d := testDemo(t, "tickets")
	d, _ = d.update(press("m"))
	if d.mode != sim.Step {
		t.Errorf("m: mode %v, want step", d.mode)
	}
	d, _ = d.update(press("m"))
	d, _ = d.update(press("m"))
	if d.mode != sim.Live {
		t.Errorf("m three times: mode %v, want live again", d.mode)
	}
	d, _ = d.update(press("+"))
	if d.speed != 2 {
		t.Errorf("+: speed %v, want 2", d.speed)
	}
	for range 10 {
		d, _ = d.update(press("-"))
	}
	if d.speed != speeds[0] {
		t.Errorf("- many times: speed %v, want %v", d.speed, speeds[0])
	}
	d, _ = d.update(press("3"))
	if !d.noteBad || !strings.Contains(d.note, "step mode") {
		t.Errorf("a digit in live mode: note %q", d.note)
	}
}

// TestVariantRestarts sets tickets' variants in the editor (v): the
// cursor starts on lock, → switches it, ↓ and ← change the next; esc
// leaves the values alone, r applies them and runs, to the end.
func TestVariantRestarts(t *testing.T) {
	d := testDemo(t, "tickets")
	d, _ = d.update(press("v"))
	if d.editing == nil || d.sc.Variants[d.editSel].Key != "lock" {
		t.Fatalf("v: editor %v, cursor on %d", d.editing, d.editSel)
	}
	screen := ansi.Strip(d.view(newStyles(true, true)))
	for _, want := range []string{"Variants: the next run's values", "› lock     ‹ off ›", "  buyers   ‹ 100 ›"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the editor lacks %q:\n%s", want, screen)
		}
	}
	d, _ = d.update(press("esc"))
	d, _ = d.update(press("v"))
	if d.editing == nil || d.editing["lock"] != "off" {
		t.Fatalf("esc then v: editor %v", d.editing)
	}
	d, _ = d.update(press("right"))
	d, _ = d.update(press("down"))
	for range 97 {
		d, _ = d.update(press("left"))
	}
	if d.vars["lock"] != "off" || d.editing["lock"] != "on" || d.editing["buyers"] != "3" || d.running {
		t.Fatalf("editing: vars %v, editor %v, running %v", d.vars, d.editing, d.running)
	}
	if screen := ansi.Strip(d.view(newStyles(true, true))); !strings.Contains(screen, "› buyers   ‹ 3 (default 100) ›") {
		t.Errorf("the editor after changes:\n%s", screen)
	}
	d, cmd := d.update(press("r"))
	if d.editing != nil || d.vars["lock"] != "on" || d.vars["buyers"] != "3" || !d.running || d.run == 0 {
		t.Fatalf("r: vars %v, running=%v run=%d", d.vars, d.running, d.run)
	}
	started := findMsg[runStartedMsg](t, cmd)
	if started.err != nil {
		t.Fatal(started.err)
	}
	d, cmd = d.update(started)
	for d.running {
		d, cmd = d.update(cmd())
	}
	if err := d.runs.shutdown(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	st := sim.Fold(d.timeline)
	if len(st.Locks) != 1 || !st.Ended || len(st.Procs) != 4 {
		t.Errorf("want a run with a lock and 3 buyers to its end; got %d locks, %d processes, ended %v", len(st.Locks), len(st.Procs), st.Ended)
	}
	if d.pb.Cursor != len(d.timeline) || d.st.Seq != st.Seq {
		t.Errorf("following: cursor %d of %d", d.pb.Cursor, len(d.timeline))
	}
}

// Digits type a number into the editor (the first replaces the value,
// backspace erases one), kept to the variant's range; enter applies the
// values without a run, and k then charts those values; esc discards.
func TestVariantEditorTypesAndApplies(t *testing.T) {
	d := testDemo(t, "tickets")
	keys := func(ks ...string) {
		for _, k := range ks {
			d, _ = d.update(press(k))
		}
	}
	keys("v", "down")
	keys("1", "0", "0", "0")
	if screen := ansi.Strip(d.view(newStyles(true, true))); !strings.Contains(screen, "› buyers   ‹ 1000▏ ›") {
		t.Errorf("typing 1000: the editor shows\n%s", screen)
	}
	d, _ = d.update(tea.KeyPressMsg{Code: tea.KeyBackspace})
	d, _ = d.update(tea.KeyPressMsg{Code: tea.KeyBackspace})
	keys("7", "down") // 107, then on to tickets
	if d.editing["buyers"] != "107" {
		t.Fatalf("1000 ⌫ ⌫ 7: buyers=%s, want 107", d.editing["buyers"])
	}
	keys("3", "5", "0", "up") // tickets take 0 to 100
	if d.editing["tickets"] != "100" || !d.noteBad || !strings.Contains(d.note, "tickets takes 0 to 100") {
		t.Errorf("350 tickets: tickets=%s, note %q", d.editing["tickets"], d.note)
	}
	keys("up", "4", "right") // onto lock, which takes no digits
	if d.editing["lock"] != "on" {
		t.Errorf("4 then → on lock: lock=%s", d.editing["lock"])
	}
	d, cmd := d.update(press("enter"))
	if cmd != nil || d.running || d.run != 0 || d.editing != nil {
		t.Fatalf("enter applies without a run: running %v, run %d, editor %v", d.running, d.run, d.editing)
	}
	if got := d.vars.String(); got != "buyers=107 lock=on tickets=100" {
		t.Errorf("enter: values %q", got)
	}
	if !strings.Contains(d.note, "r runs them, k runs them 20 times") {
		t.Errorf("enter: the note %q does not say what runs them", d.note)
	}
	d, cmd = d.update(press("k"))
	if !d.repeating || cmd == nil {
		t.Fatalf("k after enter: repeating %v", d.repeating)
	}
	keys("v", "down", "5", "esc")
	if d.editing != nil || d.typed != "" || d.vars["buyers"] != "107" {
		t.Errorf("esc: editor %v, typed %q, buyers=%s", d.editing, d.typed, d.vars["buyers"])
	}
}

// findMsg runs cmd (a batch or a single command) and returns the first
// message of type M.
func findMsg[M any](t *testing.T, cmd tea.Cmd) M {
	t.Helper()
	var zero M
	if cmd == nil {
		t.Fatalf("no command, want a %T", zero)
	}
	if m, ok := searchMsg[M](cmd()); ok {
		return m
	}
	t.Fatalf("no %T from the command", zero)
	return zero
}

// searchMsg looks for an M in msg, and in batches within batches.
func searchMsg[M any](msg tea.Msg) (M, bool) {
	switch msg := msg.(type) {
	case M:
		return msg, true
	case tea.BatchMsg:
		for _, c := range msg {
			if c == nil {
				continue
			}
			if m, ok := searchMsg[M](c()); ok {
				return m, true
			}
		}
	}
	var zero M
	return zero, false
}

func TestBatchesWhilePaused(t *testing.T) {
	d := testDemo(t, "tickets")
	d.run, d.running, d.sess = 42, true, &sim.Session{}
	ev := func(seq int64, kind string) trace.Record {
		return trace.Record{Seq: seq, Pid: 7, Proc: "MainProcess", Kind: kind, Val: []byte(`"tickets"`)}
	}
	d, _ = d.update(batchMsg{run: 42, events: []trace.Record{ev(1, trace.KindProcStart)}})
	d, _ = d.update(press("p"))
	d, _ = d.update(batchMsg{run: 42, events: []trace.Record{ev(2, trace.KindStdout), ev(3, trace.KindStdout)}})
	if d.pb.Cursor != 1 || d.pb.Len != 3 {
		t.Errorf("paused: cursor %d of %d, want 1 of 3", d.pb.Cursor, d.pb.Len)
	}
	d, _ = d.update(batchMsg{run: 41, events: []trace.Record{ev(9, trace.KindStdout)}})
	if d.pb.Len != 3 {
		t.Errorf("a batch of an old run was taken: %d events", d.pb.Len)
	}
	d, _ = d.update(press("p"))
	if d.pb.Cursor != 3 || d.st.Seq != 3 {
		t.Errorf("resumed: cursor %d, state at %d, want 3", d.pb.Cursor, d.st.Seq)
	}
	d, _ = d.update(press("left"))
	d, _ = d.update(press("g"))
	if d.pb.Cursor != 0 || len(d.st.Procs) != 0 {
		t.Errorf("g: cursor %d with %d processes drawn", d.pb.Cursor, len(d.st.Procs))
	}
	d, _ = d.update(press("G"))
	if d.pb.Cursor != 3 || !d.pb.Following {
		t.Errorf("G: cursor %d following %v", d.pb.Cursor, d.pb.Following)
	}
}

// s saves the run into the traces directory beside the progress (not the
// directory proctour was started in), the status bar says the whole path,
// and the saved trace replays with what the run was: its scenario, values,
// mode and seed in the status bar, and how it ended once played to the end.
func TestSaveAndReplay(t *testing.T) {
	cwd, state := t.TempDir(), t.TempDir()
	t.Chdir(cwd)
	t.Setenv("PROCTOUR_STATE_DIR", state)
	timeline := normalise(record(t, "tickets", sim.Seeded, 7, "lock=on", "buyers=4"))
	d := testDemo(t, "tickets")
	d.timeline, d.pb = timeline, Playback{Cursor: len(timeline), Len: len(timeline), Following: true}
	d.refold()
	d, cmd := d.update(press("s"))
	saved := cmd().(savedMsg)
	if saved.err != nil {
		t.Fatal(saved.err)
	}
	if dir := filepath.Join(state, "traces"); filepath.Dir(saved.path) != dir || !strings.HasPrefix(filepath.Base(saved.path), "tickets-") {
		t.Errorf("saved as %s, want tickets-… in %s", saved.path, dir)
	}
	if left, _ := os.ReadDir(cwd); len(left) > 0 {
		t.Errorf("the save left %v in the current directory", left)
	}
	d, _ = d.update(saved)
	if note := d.statusInfo().Note; note != "saved "+saved.path {
		t.Errorf("the status bar says %q, want the whole path %s", note, saved.path)
	}
	// At 80 columns, where a trace is saved by default (~/.local/state/…)
	// is said whole: the note takes the bar.
	d.note = "saved ~/.local/state/proctour/traces/tickets-20261205-004534.jsonl"
	if bar := ansi.Strip(drawStatus(d.statusIn("en"), newStyles(false, true), 80)); !strings.Contains(bar, d.note) {
		t.Errorf("the status bar at 80 columns cuts the path: %q", bar)
	}
	second := cmd().(savedMsg) // a second save in the same second
	if second.err != nil || second.path == saved.path {
		t.Errorf("second save: %v, %s", second.err, second.path)
	}
	f, err := os.Open(saved.path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	back, err := trace.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, timeline) {
		t.Errorf("the saved trace reads back as another timeline")
	}
	r := newReplay("saved.jsonl", back, 1).setSize(120, 40)
	if r.sc == nil || r.sc.ID != "tickets" || r.pb.Cursor != 0 || r.pb.Len != len(timeline) || r.early {
		t.Fatalf("replay: scenario %v, cursor %d of %d, ends early %v", r.sc, r.pb.Cursor, r.pb.Len, r.early)
	}
	if r.vars["lock"] != "on" || r.vars["buyers"] != "4" || r.mode != sim.Seeded || r.seed != 7 {
		t.Errorf("replay of lock=on buyers=4 seeded 7: values %v, mode %v, seed %d", r.vars, r.mode, r.seed)
	}
	if head, _, _ := strings.Cut(screenOf(r.setSize(80, 24)), "\n"); !strings.HasPrefix(head, "replay saved.jsonl — buyers=4 lock=on tickets=1 · seeded, seed 7") {
		t.Errorf("at 80×24 the replay's header does not say the run's values, mode and seed: %q", head)
	}
	if screen := screenOf(r); !strings.Contains(screen, "buyers=4 lock=on tickets=1 · seeded, seed 7") {
		t.Errorf("the replay's status bar or listing does not show the run's values, mode and seed:\n%s", screen)
	}
	r, cmd = r.update(press("r"))
	for r.playing {
		r, _ = r.update(playTickMsg{run: r.run})
	}
	if r.pb.Cursor != len(timeline) {
		t.Errorf("played to event %d of %d", r.pb.Cursor, len(timeline))
	}
	if cmd == nil {
		t.Error("r in a replay gave no tick")
	}
	if screen := screenOf(r); !strings.Contains(screen, "■ the run ended: the main script ended with exit code 0; tickets sold: 1") {
		t.Errorf("the replay played to its end does not say how the run ended:\n%s", screen)
	}
	r.lang = "zh"
	if screen := screenOfIn(r, "zh"); !strings.Contains(screen, "■ 运行结束：主脚本结束，退出码 0；售出的票数：1") || !strings.Contains(screen, "buyers=4 lock=on tickets=1 · 种子模式，种子 7") {
		t.Errorf("in Chinese, the replay's end or settings:\n%s", screen)
	}
}

// A trace cut short by lines (head -400) reads well, and its replay says
// it ends early, in the header and where it stops: not as a run that ended.
func TestReplayOfATraceCutShort(t *testing.T) {
	timeline := normalise(record(t, "tickets", sim.Seeded, 7, "buyers=4"))
	cut := timeline[:len(timeline)/2]
	r := newReplay("cut.jsonl", cut, 1).setSize(120, 40)
	if !r.early {
		t.Fatal("a trace cut in half does not end early")
	}
	if screen := screenOf(r); !strings.Contains(screen, "replay cut.jsonl · the trace ends early: it was cut short") {
		t.Errorf("the header does not say the trace ends early:\n%s", screen)
	}
	r = r.navigate(ToEnd, 0)
	screen := screenOf(r)
	for _, want := range []string{"⚠ the trace ends here, early: it has no run.end", "the trace ends early"} {
		if !strings.Contains(screen, want) {
			t.Errorf("at its last event, the replay does not say %q:\n%s", want, screen)
		}
	}
	if strings.Contains(screen, "the run ended") {
		t.Errorf("a trace cut short is shown as a run that ended:\n%s", screen)
	}
}

// p after a run has ended plays its timeline forward from the cursor, an
// event at a time through a burst, and says so in the status bar; p again
// stops it. Before any run, p says there is nothing to play.
func TestPlayAfterTheEnd(t *testing.T) {
	d := testDemo(t, "hello")
	if d, _ = d.update(press("p")); !d.noteBad || !strings.Contains(d.note, "nothing to play yet") {
		t.Errorf("p before a run: note %q", d.note)
	}
	timeline := normalise(record(t, "hello", sim.Live, 0))
	d.timeline, d.run, d.ranSpeed = timeline, nextRun(), 1
	d.pb = Playback{Cursor: 2, Len: len(timeline)}
	d.refold()
	d, cmd := d.update(press("p"))
	if !d.playing || cmd == nil || d.pb.Cursor != 2 {
		t.Fatalf("p after the end: playing %v, cursor %d", d.playing, d.pb.Cursor)
	}
	if in := d.statusInfo(); in.Phase != "playing" || strings.Contains(in.Note, "still collected") {
		t.Errorf("p after the end: status %q, note %q", in.Phase, in.Note)
	}
	seen := []int{d.pb.Cursor}
	for ticks := 0; d.playing && ticks < 100000; ticks++ {
		d, _ = d.update(playTickMsg{run: d.run})
		if c := d.pb.Cursor; c != seen[len(seen)-1] {
			seen = append(seen, c)
		}
	}
	for i := 1; i < len(seen); i++ {
		if seen[i] != seen[i-1]+1 {
			t.Fatalf("played through cursors %v: want one event at a time", seen)
		}
	}
	if d.playing || d.pb.Cursor != len(timeline) || d.statusInfo().Phase != "ended" {
		t.Errorf("played to event %d of %d, playing %v, phase %q", d.pb.Cursor, len(timeline), d.playing, d.statusInfo().Phase)
	}
	d, _ = d.update(press("p")) // at the end: from the start
	d, _ = d.update(playTickMsg{run: d.run})
	d, _ = d.update(press("p"))
	if d.playing || d.pb.Cursor > 1 || !strings.Contains(d.note, "stopped at event") {
		t.Errorf("p at the end then p: playing %v, cursor %d, note %q", d.playing, d.pb.Cursor, d.note)
	}
}

// S types a seed in the status bar; enter sets it and makes the next runs
// seeded with it, shown in the status bar where it can be copied; esc
// leaves the seed as it was.
func TestSeedIsTypedInTheDemo(t *testing.T) {
	a, err := newApp(Options{Lang: "en", Scenario: "tickets", Speed: 1, Seed: 5}, newRunner(), true)
	if err != nil {
		t.Fatal(err)
	}
	a = pressAll(a, tea.WindowSizeMsg{Width: 100, Height: 30}, press("S"), press("4"), press("2"))
	if screen := screenText(a); !strings.Contains(screen, "seed 42▏ · enter: seeded runs with it · esc: keep 5") || !strings.Contains(helpFoot(t, a), "enter set the seed") {
		t.Errorf("typing a seed:\n%s", screen)
	}
	a = pressAll(a, tea.KeyPressMsg{Code: tea.KeyBackspace}, press("7"), press("enter"))
	if d := a.demo; d.seed != 47 || d.mode != sim.Seeded || d.seedText != nil {
		t.Fatalf("S 4 2 ⌫ 7 enter: seed %d, mode %v", d.seed, d.mode)
	}
	if screen := screenText(a); !strings.Contains(screen, "seeded seed 47") {
		t.Errorf("the status bar does not show the seed:\n%s", screen)
	}
	a = pressAll(a, press("S"), press("9"), press("esc"))
	if d := a.demo; d.seed != 47 || d.seedText != nil || a.screen != screenDemo {
		t.Errorf("S 9 esc: seed %d, typing %v, screen %d", d.seed, d.seedText != nil, a.screen)
	}
	if o := a.demo.runOptions(); o.Seed != 47 || o.Mode != sim.Seeded {
		t.Errorf("the next run's options: %+v", o)
	}
}

func TestTooSmall(t *testing.T) {
	a, err := newApp(Options{}, newRunner(), true)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := a.Update(tea.WindowSizeMsg{Width: 70, Height: 20})
	got := screenText(m.(app))
	if !strings.Contains(got, "proctour needs at least 80×24; this terminal is 70×20") {
		t.Errorf("too small:\n%s", got)
	}
	checkSize(t, got, 70, 20)
}

func TestEveryLessonOpens(t *testing.T) {
	for i := range lessons.Course() {
		a, _ := newApp(Options{}, newRunner(), true)
		m, _ := a.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
		for range i {
			m, _ = m.Update(press("j"))
		}
		m, cmd := m.Update(press("enter"))
		if cmd != nil {
			m, _ = m.Update(cmd())
		}
		m, _ = m.Update(tea.KeyPressMsg{Code: tea.KeyTab})
		got := screenText(m.(app))
		checkSize(t, got, 80, 24)
		if !strings.Contains(got, lessons.Course()[i].Title) {
			t.Errorf("lesson %d: no title on screen:\n%s", i+1, got)
		}
		m, _ = m.Update(press("esc"))
		if m.(app).screen != screenHome {
			t.Errorf("esc from lesson %d: not home", i+1)
		}
	}
}

// TestStepMode plays the scheduler: a tickets run in step mode moves only
// when space or a lane's digit releases an operation, and the lanes show
// what each process waits to do.
func TestStepMode(t *testing.T) {
	d := testDemo(t, "tickets")
	d.mode = sim.Step
	d.vars["buyers"], d.vars["lock"] = "2", "on"
	d, cmd := d.update(press("r"))
	started := findMsg[runStartedMsg](t, cmd)
	d, wait := d.update(started)
	defer d.runs.shutdown(5 * time.Second)
	next := func() { // the next batch
		t.Helper()
		d, wait = d.update(wait())
	}
	for len(d.pending) == 0 {
		next()
	}
	if d.pending[0].Proc != "MainProcess" || d.statusInfo().Phase != "your move" {
		t.Fatalf("want MainProcess waiting for a move, got %+v (%s)", d.pending, d.statusInfo().Phase)
	}
	lanes := d.layout(styles{}).lanes
	if len(lanes) != 1 || lanes[0].Intent == nil || !strings.Contains(screenOf(d), "→ ") {
		t.Fatalf("the lane does not show the pending operation:\n%s", screenOf(d))
	}
	released := map[string]bool{}
	for step := 0; d.running; step++ {
		if step > 500 {
			t.Fatal("the run does not end")
		}
		key := "space"
		for _, l := range d.layout(styles{}).lanes { // let buyer-1 move by its digit when it can
			if l.Proc.Name == "buyer-1" && l.Intent != nil && l.Intent.CanProceed {
				key = l.Key
			}
		}
		var rel tea.Cmd
		d, rel = d.update(press(key))
		if rel != nil {
			msg := rel()
			if r, ok := msg.(releasedMsg); ok && r.err == nil {
				released[key] = true
			}
			d, _ = d.update(msg)
		}
		next()
	}
	st := sim.Fold(d.timeline)
	if !st.Ended || len(st.Procs) != 3 || len(st.Violations) > 0 {
		t.Errorf("ended %v with %d processes, violations %v", st.Ended, len(st.Procs), st.Violations)
	}
	if !released["space"] || len(released) < 2 {
		t.Errorf("releases by key: %v, want space and a digit", released)
	}
}

func screenOf(d demo) string {
	return ansi.Strip(d.view(newStyles(true, true)))
}

// screenOfIn is screenOf in lang.
func screenOfIn(d demo, lang string) string {
	s := newStyles(true, true)
	s.lang = lang
	return ansi.Strip(d.view(s))
}

// A step the gate refuses says why, in the lesson's language: in Chinese
// the reason too ("lock，被 buyer-3 持有"), not only the frame around it.
func TestRefusedStepSaysWhyInTheLessonsLanguage(t *testing.T) {
	cases := []struct {
		lang string
		err  error
		want string
	}{
		{"en", &sim.WouldBlockError{Proc: "buyer-7", Why: i18n.Tf("%s, held by %s", "lock", "buyer-3")}, "buyer-7 would block: lock, held by buyer-3"},
		{"zh", &sim.WouldBlockError{Proc: "buyer-7", Why: i18n.Tf("%s, held by %s", "lock", "buyer-3")}, "buyer-7 会阻塞：lock，被 buyer-3 持有"},
		{"zh", sim.ErrAllWouldBlock, "等待放行的每个操作现在都会阻塞"},
		{"zh", sim.ErrNothingWaiting, "没有进程在等待放行"},
		{"en", sim.ErrHalted, "the demo has stopped"},
	}
	for _, c := range cases {
		d := demo{lang: c.lang}.refused(c.err)
		if d.note != c.want || !d.noteBad {
			t.Errorf("%s, %v: the note says %q (bad %v), want %q", c.lang, c.err, d.note, d.noteBad, c.want)
		}
	}
}

// The listing pane shows the program with the values: the run's, or those
// being chosen in the variants editor.
func TestListingShowsTheValues(t *testing.T) {
	d := testDemo(t, "tickets")
	shows := func(want string) bool {
		return strings.Contains(ansi.Strip(d.view(newStyles(true, true))), want)
	}
	d, _ = d.update(press("v"))
	// the editor shows the constants, at the values
	if !shows("BUYERS = 100") || !shows("USE_LOCK = False") {
		t.Errorf("the listing does not show its constants at the defaults:\n%s", ansi.Strip(d.view(newStyles(true, true))))
	}
	d, _ = d.update(press("right"))
	if !shows("USE_LOCK = True") {
		t.Errorf("lock switched on in the editor: the listing does not say USE_LOCK = True:\n%s", ansi.Strip(d.view(newStyles(true, true))))
	}
	d, _ = d.update(press("esc"))
	d, _ = d.update(press("v"))
	if !shows("USE_LOCK = False") {
		t.Errorf("esc, v: the listing does not say USE_LOCK = False again")
	}
}
