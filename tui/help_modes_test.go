package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// helpFoot is the help at the foot of the app's screen, short or full.
func helpFoot(t *testing.T, a app) string {
	t.Helper()
	lines := strings.Split(screenText(a), "\n")
	return strings.Join(lines[len(lines)-lipgloss.Height(a.helpView()):], "\n")
}

// pressAll presses keys on the app, as the program would.
func pressAll(a app, msgs ...tea.Msg) app {
	var m tea.Model = a
	for _, msg := range msgs {
		m, _ = m.Update(msg)
	}
	return m.(app)
}

// While the variant editor, the demo's question or the CPU model has the
// keys, the help line says them in the words the mode draws itself, in
// both languages; the full help (?) has the rest, and the screen keeps
// its size as the help changes with the mode.
func TestHelpShowsTheModesKeys(t *testing.T) {
	tab := tea.KeyPressMsg{Code: tea.KeyTab}
	cases := []struct {
		name      string
		lesson    int
		keys      []tea.Msg
		short, zh []string
		full      []string // in the full help only
	}{
		{"variant editor", 5, []tea.Msg{tab, press("v")},
			[]string{"↑/↓ choose", "←/→ change", "enter apply", "r apply and run", "esc cancel", "? help"},
			[]string{"↑/↓ 选择", "←/→ 修改", "enter 应用", "r 应用并运行", "esc 取消", "? 帮助"},
			[]string{"pgup", "pgdn", "by 10", "0-9", "type a number", "tab"}},
		{"demo question", 5, []tea.Msg{tab, press("r")},
			[]string{"↑/↓ choose", "enter run", "s run without guessing", "? help", "q quit"},
			[]string{"↑/↓ 选择", "enter 运行", "s 不猜直接运行", "? 帮助", "q 退出"},
			[]string{"↑/k", "↓/j", "esc", "back"}},
		{"CPU model question", 1, []tea.Msg{press("M")},
			[]string{"↑/↓ choose", "enter answer", "s step without guessing", "? help"},
			[]string{"↑/↓ 选择", "enter 作答", "s 不猜直接看", "? 帮助"},
			[]string{"t", "one or two CPUs", "M", "back to the text"}},
		{"CPU model", 1, []tea.Msg{press("M"), press("s")},
			[]string{"space/→ next tick", "← back", "t one or two CPUs", "? help", "q quit"},
			[]string{"space/→ 下一拍", "← 后退", "t 切换 1 或 2 个 CPU", "? 帮助", "q 退出"},
			[]string{"M", "back to the text", "esc"}},
	}
	for _, c := range cases {
		for _, lang := range []string{"en", "zh"} {
			want := c.short
			if lang == "zh" {
				want = c.zh
			}
			a := pressAll(lessonAt(t, lang, c.lesson, 80, 24), c.keys...)
			if foot := helpFoot(t, a); !containsAll(foot, want) {
				t.Errorf("%s (%s): the help line is %q, want %q", c.name, lang, foot, want)
			}
			if lang == "en" { // ? first: the help grows or shrinks with the mode
				full := pressAll(lessonAt(t, lang, c.lesson, 80, 24), append([]tea.Msg{press("?")}, c.keys...)...)
				checkSize(t, screenText(full), 80, 24)
				if foot := helpFoot(t, full); !containsAll(foot, c.full) {
					t.Errorf("%s: the full help lacks some of %q:\n%s", c.name, c.full, foot)
				}
				checkSize(t, screenText(pressAll(full, press("esc"))), 80, 24)
			}

		}
	}
}

func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
