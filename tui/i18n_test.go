package tui

import (
	"github.com/proctour/proctour/i18n"
	"strings"
	"testing"
	"unicode"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/proctour/proctour/sim"
)

func hasHan(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) })
}

// keyMaps are every keymap a help line draws: the home screen's, the
// lesson's, and the demo's, as a lesson shows it (narrow and wide), opened
// alone, for a replay, and with nothing to run; the variant editor's, the
// demo's question's and the CPU model's, asking and stepping.
func keyMaps() map[string]help.KeyMap {
	inLesson := newDemoKeys()
	inLesson.lesson = true
	wide := inLesson
	r := newReaderKeys()
	wide.scroll = []key.Binding{r.Up, r.Down, r.PageUp, r.PageDown}
	asking := newModelKeys()
	asking.asking = true
	return map[string]help.KeyMap{
		"home": newHomeKeys(), "lesson": newLessonKeys(),
		"demo": newDemoKeys(), "demo in a lesson": inLesson, "demo beside the text": wide,
		"replay": newDemoKeys().forReplay(), "nothing to run": newDemoKeys().forNothing(),
		"variant editor": inLesson.modal(inLesson.Editor, false), "question": newDemoKeys().modal(newQuestionKeys(), true),
		"CPU model": newModelKeys(), "CPU model asking": asking,
	}
}

// Every key's help, on every screen, has its Chinese.
func TestEveryKeyHelpIsTranslated(t *testing.T) {
	for name, km := range keyMaps() {
		groups := append(km.FullHelp(), km.ShortHelp())
		for _, g := range groups {
			for _, b := range g {
				h := b.Help()
				if !i18n.Has("zh", h.Desc) && !i18n.Has("zh", h.Key+" "+h.Desc) {
					t.Errorf("%s: no Chinese for %q (%s)", name, h.Desc, h.Key)
				}
				if got := trHelp("zh", h); !hasHan(got) {
					t.Errorf("%s: %s %q in Chinese is %q", name, h.Key, h.Desc, got)
				}
				if got := trHelp("en", h); got != h.Desc {
					t.Errorf("%s: %s %q in English is %q", name, h.Key, h.Desc, got)
				}
			}
		}
	}
}

// zhScreens are the screens at w×h in Chinese, by name: the home screen, a
// lesson's text, its checkpoint questions and its demo, and a demo opened
// alone.
func zhScreens(t *testing.T, w, h int) map[string]app {
	t.Helper()
	size := tea.WindowSizeMsg{Width: w, Height: h}
	update := func(a app, msgs ...tea.Msg) app {
		var m tea.Model = a
		for _, msg := range msgs {
			m, _ = m.Update(msg)
		}
		return m.(app)
	}
	home, err := newApp(Options{Lang: "zh"}, newRunner(), true)
	if err != nil {
		t.Fatal(err)
	}
	home = update(home, size)
	text := lessonAt(t, "zh", 5, w, h)
	demo, err := newApp(Options{Lang: "zh", Scenario: "tickets", Mode: sim.Live, Speed: 1}, newRunner(), true)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]app{
		"home":         home,
		"lesson text":  text,
		"lesson check": update(text, press("c")),
		"lesson demo":  update(text, tea.KeyPressMsg{Code: tea.KeyTab}),
		"demo":         update(demo, size),
	}
}

// In Chinese, the help line at the foot of every screen is in Chinese and
// fits 80 columns, its keys in order until an ellipsis says the rest did
// not fit; the full help (?) has every key.
func TestChineseHelpLineFits(t *testing.T) {
	for name, a := range zhScreens(t, 80, 24) {
		for _, full := range []bool{false, true} {
			if full {
				m, _ := a.Update(press("?"))
				a = m.(app)
				name += " (?)"
			}
			screen := screenText(a)
			checkSize(t, screen, 80, 24)
			lines := strings.Split(screen, "\n")
			helpLines := lines[len(lines)-lipgloss.Height(a.helpView()):]
			foot := strings.Join(helpLines, "\n")
			if !hasHan(foot) {
				t.Errorf("%s: the help is not in Chinese:\n%s", name, foot)
			}
			cut := strings.HasSuffix(strings.TrimSpace(foot), " …")
			var bindings []key.Binding
			if full {
				for _, g := range a.screenKeys().FullHelp() {
					bindings = append(bindings, g...)
				}
			} else {
				bindings = a.screenKeys().ShortHelp()
			}
			for _, b := range bindings {
				if !b.Enabled() {
					continue
				}
				if desc := trHelp("zh", b.Help()); !strings.Contains(foot, desc) {
					if !cut || full {
						t.Errorf("%s: no %q (%s) in the help:\n%s", name, desc, b.Help().Key, foot)
					}
					break
				}
				if desc := b.Help().Desc; desc != "English/中文" && strings.Contains(foot, desc) {
					t.Errorf("%s: %q is still in English:\n%s", name, desc, foot)
				}
			}
		}
	}
}

// A demo in Chinese says its summary, its headers and its status in
// Chinese, and leaves the Python and the process names as they are.
func TestChineseDemoChrome(t *testing.T) {
	timeline := normalise(record(t, "tickets", sim.Seeded, goldenSeed, "buyers=5", "lock=on"))
	a := demoAt(t, "tickets", []string{"buyers=5", "lock=on"}, timeline, len(timeline), 80, 24)
	a.lang, a.styles.lang, a.demo.lang = "zh", "zh", "zh"
	got := screenText(a)
	checkSize(t, got, 80, 24)
	for _, want := range []string{
		"tickets — 买家抢 db.json 里的票", "── 进程 ", "── 资源 ", "── 事件 ", "tickets.py", "MainProcess", "buyer-",
		"种子 7", "事件 ",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in the demo:\n%s", want, got)
		}
	}
	for _, english := range []string{"processes", "resources", "events", "seeded", "event "} {
		if strings.Contains(got, english) {
			t.Errorf("%q is still in English:\n%s", english, got)
		}
	}
}
