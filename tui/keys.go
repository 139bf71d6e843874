package tui

import (
	"slices"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
)

// globalKeys work on every screen.
type globalKeys struct {
	Quit key.Binding
	Help key.Binding
	Back key.Binding
}

func newGlobalKeys() globalKeys {
	return globalKeys{
		Quit: key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		Help: key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Back: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
	}
}

// homeKeys are the lesson list's keys.
type homeKeys struct {
	Up, Down, Open, Lang key.Binding
	globalKeys
}

func newHomeKeys() homeKeys {
	return homeKeys{
		Up:         key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:       key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Open:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open lesson")),
		Lang:       key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "English/中文")),
		globalKeys: newGlobalKeys(),
	}
}

func (k homeKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Open, k.Lang, k.Quit}
}
func (k homeKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.Open, k.Lang}, {k.Help, k.Quit}}
}

// readerKeys scroll the lesson text. They are the viewport's only keys:
// its defaults (space, f, b, d, u…) are playback keys here. Top, Bottom
// and space (a page down) work where the text has the keys alone (its
// tab); beside a demo, g, G and space are the demo's.
type readerKeys struct {
	Up, Down, PageUp, PageDown key.Binding
	Top, Bottom, Space         key.Binding
}

func newReaderKeys() readerKeys {
	return readerKeys{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "scroll up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "scroll down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup/b", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "top")),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "bottom")),
		Space:    key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "page down")),
	}
}

// besideDemo are the reader's keys while a demo beside it has its own
// b, g, G and space.
func (k readerKeys) besideDemo() readerKeys {
	k.PageUp = key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up"))
	for _, b := range []*key.Binding{&k.Top, &k.Bottom, &k.Space} {
		b.SetEnabled(false)
	}
	return k
}

// viewportKeys is the viewport's keymap made of the reader's keys.
func (k readerKeys) viewportKeys() viewport.KeyMap {
	off := key.NewBinding(key.WithDisabled())
	return viewport.KeyMap{
		Up: k.Up, Down: k.Down, PageUp: k.PageUp, PageDown: k.PageDown,
		HalfPageUp: off, HalfPageDown: off, Left: off, Right: off,
	}
}

// lessonKeys are the lesson screen's own keys.
type lessonKeys struct {
	Tab, NextDemo, Check, Model, Lang key.Binding
	readerKeys
	globalKeys
}

func newLessonKeys() lessonKeys {
	return lessonKeys{
		Tab:        key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "text/demo")),
		NextDemo:   key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "next demo")),
		Check:      key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "check yourself")),
		Model:      key.NewBinding(key.WithKeys("M"), key.WithHelp("M", "CPU model")),
		Lang:       key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "English/中文")),
		readerKeys: newReaderKeys(),
		globalKeys: newGlobalKeys(),
	}
}

func (k lessonKeys) ShortHelp() []key.Binding {
	// Short enough for 80 columns: bubbles' help adds an item that does not
	// fit when its ellipsis would not fit either. ↑/↓ are in the full help.
	return []key.Binding{k.Tab, k.Check, k.Model, k.Back, k.Help, k.Quit}
}
func (k lessonKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Space, k.Top, k.Bottom}, {k.Tab, k.Check, k.Model, k.NextDemo, k.Lang, k.Back, k.Help, k.Quit}}
}

// demoKeys are the demo view's playback keys.
type demoKeys struct {
	Run, Pause, Step, Back1, Forward, Start, End key.Binding
	Faster, Slower, Mode, Variant, Release, Save key.Binding
	NextDemo, Repeat, Python                     key.Binding
	Again                                        key.Binding // x: the last run's interleaving again
	Export                                       key.Binding // e: the run as a Perfetto file
	Seed                                         key.Binding // S: type the seeded mode's seed
	Challenge, Undo                              key.Binding // C: the demo's challenges; u: undo a move in one
	Kill                                         key.Binding // K: SIGKILL a running process of the demo's (Scenario.Killable)
	Read                                         readKeys    // the listing's zoom, the verdict's pages, the log's filter and search
	globalKeys
	Editor   editorKeys   // while the variant editor is open
	SeedText seedKeys     // while a seed is typed
	Question questionKeys // while the lesson's question is asked
	lesson   bool         // inside a lesson: d switches demos, tab the text
	tab      key.Binding
	extra    []key.Binding // the lesson's own keys (c, M, L), for the full help
	scroll   []key.Binding // the text's keys, when it is on screen too
}

func newDemoKeys() demoKeys {
	return demoKeys{
		Run:        key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "run")),
		Pause:      key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "pause")),
		Step:       key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "step")), // n is the next match
		Back1:      key.NewBinding(key.WithKeys("b", "left"), key.WithHelp("b/←", "back")),
		Forward:    key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "forward")),
		Start:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "start")),
		End:        key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "end")),
		Faster:     key.NewBinding(key.WithKeys("+", "="), key.WithHelp("+", "faster")),
		Slower:     key.NewBinding(key.WithKeys("-", "_"), key.WithHelp("-", "slower")),
		Mode:       key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "mode")),
		Variant:    key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "variants")),
		Release:    key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("1-9", "release lane")),
		Save:       key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save trace")),
		Export:     key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "export for Perfetto")),
		NextDemo:   key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "next demo")),
		Repeat:     key.NewBinding(key.WithKeys("k"), key.WithHelp("k", "run 20 times")),
		Seed:       key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "seed")),
		Again:      key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "same interleaving")),
		Python:     key.NewBinding(key.WithKeys("P"), key.WithHelp("P", "real Python")),
		Challenge:  key.NewBinding(key.WithKeys("C"), key.WithHelp("C", "challenges")),
		Undo:       key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "undo a move")),
		Kill:       key.NewBinding(key.WithKeys("K"), key.WithHelp("K", "kill a consumer"), key.WithDisabled()),
		tab:        key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "text")),
		globalKeys: newGlobalKeys(),
		Editor:     newEditorKeys(),
		SeedText:   newSeedKeys(),
		Question:   newQuestionKeys(),
		Read:       newReadKeys(),
	}
}

// forReplay adapts the keys to a recorded timeline: r plays it, and there
// is no mode, variant or process to release.
func (k demoKeys) forReplay() demoKeys {
	k.Run.SetHelp("r", "play")
	k.Pause.SetHelp("p", "play/pause")
	for _, b := range []*key.Binding{&k.Mode, &k.Variant, &k.Release, &k.Repeat, &k.Seed, &k.Python, &k.Again, &k.Challenge, &k.Undo, &k.Kill} {
		b.SetEnabled(false)
	}
	return k
}

// forNothing leaves only the screen's keys: there is no demo to run.
func (k demoKeys) forNothing() demoKeys {
	for _, b := range []*key.Binding{&k.Run, &k.Pause, &k.Step, &k.Back1, &k.Forward, &k.Start, &k.End,
		&k.Faster, &k.Slower, &k.Mode, &k.Variant, &k.Release, &k.Save, &k.Export, &k.Seed, &k.Python, &k.Again, &k.Challenge, &k.Undo, &k.Kill,
		&k.Read.Zoom, &k.Read.Verdict, &k.Read.Filter, &k.Read.Search, &k.Read.Next, &k.Read.Prev} {
		b.SetEnabled(false)
	}
	return k
}

func (k demoKeys) ShortHelp() []key.Binding {
	b := []key.Binding{k.Run, k.Step, k.Back1, k.Pause, k.Mode, k.Variant}
	if k.lesson { // 80 columns: tab to the text instead of pause (in ?)
		b = append(slices.Delete(b, 3, 4), k.tab)
	}
	return append(b, k.Help, k.Quit)
}

func (k demoKeys) FullHelp() [][]key.Binding {
	nav := []key.Binding{k.Run, k.Pause, k.Step, k.Back1, k.Forward, k.Start, k.End}
	run := []key.Binding{k.Faster, k.Slower, k.Mode, k.Seed, k.Again, k.Variant, k.Release, k.Save, k.Export, k.Repeat, k.Python, k.Challenge, k.Undo, k.Kill}
	screen := []key.Binding{k.Help, k.Back, k.Quit}
	if k.lesson {
		screen = append(append([]key.Binding{k.tab, k.NextDemo}, k.extra...), screen...)
	}
	read := k.Read.FullHelp()[0]
	if len(k.scroll) > 0 {
		return [][]key.Binding{nav, run, read, k.scroll, screen}
	}
	return [][]key.Binding{nav, run, read, screen}
}

// modal is the help of the editor or the question over the demo: its
// keys, then the screen's keys that still work (in a lesson tab and d);
// esc with its global meaning unless the mode gives it its own.
func (k demoKeys) modal(mode help.KeyMap, esc bool) modeKeys {
	screen := []key.Binding{k.Help, k.Quit}
	if esc {
		screen = []key.Binding{k.Help, k.Back, k.Quit}
	}
	if k.lesson {
		screen = append([]key.Binding{k.tab, k.NextDemo}, screen...)
	}
	return modeKeys{mode: mode, short: []key.Binding{k.Help, k.Quit}, screen: screen}
}

// modeKeys are the help of a mode that has the keys while it is on
// screen (the variant editor, a question, the CPU model): its own keys
// first, then the screen's.
type modeKeys struct {
	mode   help.KeyMap
	short  []key.Binding // the screen's keys on the help line
	screen []key.Binding // the screen's keys in the full help, a column
}

func (k modeKeys) ShortHelp() []key.Binding {
	return append(slices.Clip(k.mode.ShortHelp()), k.short...)
}

func (k modeKeys) FullHelp() [][]key.Binding {
	return append(slices.Clip(k.mode.FullHelp()), k.screen)
}

// both is one item of help for two bindings that go either way: ↑/↓
// choose. It matches what they match, and says what the first does.
func both(a, b key.Binding, keys string) key.Binding {
	return key.NewBinding(key.WithKeys(append(slices.Clone(a.Keys()), b.Keys()...)...), key.WithHelp(keys, a.Help().Desc))
}

// editorKeys are the variant editor's keys (v): up and down choose a
// variant, left and right change its value, digits type a number; enter
// applies the values to the next run, r applies them and runs.
type editorKeys struct {
	Up, Down, Less, More, More10, Less10 key.Binding
	Digit, Erase, Apply, Run, Cancel     key.Binding
}

func newEditorKeys() editorKeys {
	return editorKeys{
		Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "choose")),
		Down:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "choose")),
		Less:   key.NewBinding(key.WithKeys("left", "h", "-"), key.WithHelp("←/h/-", "change")),
		More:   key.NewBinding(key.WithKeys("right", "l", "+", "space"), key.WithHelp("→/l/+", "change")),
		More10: key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "by 10")),
		Less10: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "by 10")),
		Digit:  key.NewBinding(key.WithKeys("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("0-9", "type a number")),
		Erase:  key.NewBinding(key.WithKeys("backspace"), key.WithHelp("⌫", "erase a digit")),
		Apply:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply")),
		Run:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "apply and run")),
		Cancel: key.NewBinding(key.WithKeys("esc", "v"), key.WithHelp("esc", "cancel")),
	}
}

// ShortHelp is the line the editor draws itself: ↑/↓ choose · ←/→
// change · enter apply · r apply and run · esc cancel.
func (k editorKeys) ShortHelp() []key.Binding {
	return []key.Binding{both(k.Up, k.Down, "↑/↓"), both(k.Less, k.More, "←/→"), k.Apply, k.Run, k.Cancel}
}

func (k editorKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.Less, k.More, k.More10, k.Less10, k.Digit, k.Erase}, {k.Apply, k.Run, k.Cancel}}
}

// seedKeys type a seed for seeded mode (S), shown in the status bar.
type seedKeys struct {
	Digit, Erase, Set, Cancel key.Binding
}

func newSeedKeys() seedKeys {
	return seedKeys{
		Digit:  key.NewBinding(key.WithKeys("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("0-9", "type a seed")),
		Erase:  key.NewBinding(key.WithKeys("backspace"), key.WithHelp("⌫", "erase a digit")),
		Set:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "set the seed")),
		Cancel: key.NewBinding(key.WithKeys("esc", "S"), key.WithHelp("esc", "cancel")),
	}
}

func (k seedKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Digit, k.Erase, k.Set, k.Cancel}
}

func (k seedKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// questionKeys answer a lesson's prediction: the demo's, asked before a
// run, or the CPU model's, asked before it steps.
type questionKeys struct {
	Up, Down, Answer, Skip key.Binding
}

// newQuestionKeys are the keys of the demo's question: enter (or r)
// runs with the choice as the guess, s runs without one.
func newQuestionKeys() questionKeys {
	return questionKeys{
		Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "choose")),
		Down:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "choose")),
		Answer: key.NewBinding(key.WithKeys("enter", "r"), key.WithHelp("enter", "run")),
		Skip:   key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "run without guessing")),
	}
}

// forFollower are the question's keys for a follower asked the class's
// poll: the run is the driver's, so enter sends the answer and s skips.
func (k questionKeys) forFollower() questionKeys {
	k.Answer.SetHelp("enter", "answer")
	k.Skip.SetHelp("s", "skip")
	return k
}

// ShortHelp is the line the question draws itself: ↑/↓ choose · enter
// run · s run without guessing.
func (k questionKeys) ShortHelp() []key.Binding {
	return []key.Binding{both(k.Up, k.Down, "↑/↓"), k.Answer, k.Skip}
}

func (k questionKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.Answer, k.Skip}}
}

// modelKeys step lesson 1's CPU model; Ask answers its question first.
type modelKeys struct {
	Next, Back, CPUs key.Binding
	Ask              questionKeys
	asking           bool // the question is on screen: its keys, and t
}

func newModelKeys() modelKeys {
	ask := newQuestionKeys()
	ask.Answer = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "answer"))
	ask.Skip.SetHelp("s", "step without guessing")
	return modelKeys{
		Next: key.NewBinding(key.WithKeys("space", "right", "n"), key.WithHelp("space/→", "next tick")),
		Back: key.NewBinding(key.WithKeys("left", "b"), key.WithHelp("←", "back")),
		CPUs: key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "one or two CPUs")),
		Ask:  ask,
	}
}

// ShortHelp is the start of the line the model draws itself; t is in
// the full help while the question leaves no room for it.
func (k modelKeys) ShortHelp() []key.Binding {
	if k.asking {
		return k.Ask.ShortHelp()
	}
	return []key.Binding{k.Next, k.Back, k.CPUs}
}

func (k modelKeys) FullHelp() [][]key.Binding {
	if k.asking {
		return append(k.Ask.FullHelp(), []key.Binding{k.CPUs})
	}
	return [][]key.Binding{{k.Next, k.Back, k.CPUs}}
}

// readKeys read what the demo view would cut off: the listing zoomed to
// the whole width, a long verdict page by page beside its evidence, and
// the event log filtered to one process and searched.
type readKeys struct {
	Zoom, Verdict, Filter, Search, Next, Prev key.Binding
	Find, Cancel                              key.Binding // while the search is typed
}

func newReadKeys() readKeys {
	return readKeys{
		Zoom:    key.NewBinding(key.WithKeys("z"), key.WithHelp("z", "zoom code")),
		Verdict: key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "why: more")),
		Filter:  key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "one proc")),
		Search:  key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
		Next:    key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next match")),
		Prev:    key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "previous match")),
		Find:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "search")),
		Cancel:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

func (k readKeys) ShortHelp() []key.Binding { return []key.Binding{k.Find, k.Cancel} }

// FullHelp is the demo's reading keys, or while the search is typed the
// typing's.
// n and N are one item, and the words are short, so that four columns
// fit in 80.
func (k readKeys) FullHelp() [][]key.Binding {
	match := key.NewBinding(key.WithKeys(slices.Concat(k.Next.Keys(), k.Prev.Keys())...), key.WithHelp("n/N", "next/prev"))
	match.SetEnabled(k.Next.Enabled())
	return [][]key.Binding{{k.Zoom, k.Verdict, k.Filter, k.Search, match}}
}

// typing is the help while the search is typed: enter and esc.
type typingKeys struct{ readKeys }

func (k typingKeys) FullHelp() [][]key.Binding { return [][]key.Binding{{k.Find, k.Cancel}} }
