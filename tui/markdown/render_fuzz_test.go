package markdown

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// FuzzRender: whatever the text and the width, Render returns nothing at a
// width below 1, else lines that keep every output invariant (checkOutput:
// at most width wide, valid UTF-8, no control character but closed SGR
// styling), the same text in every theme once the styling is stripped;
// and Lint returns problems at lines of the text. Seeds: every lesson file
// of the course, the inputs of TestHostileInput and a few of the
// constructs the renderer handles.
func FuzzRender(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("..", "..", "content", "*", "*.md"))
	if len(paths) == 0 {
		f.Fatal("no lesson files to seed from")
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b), 60)
	}
	f.Add(lesson(), 40)
	f.Add("- "+strings.Join(cjkSentences(), "\n- "), 20)
	f.Add("> a\n> - b\n>   - c\n\n1. x\n   ```py\n   y = 'z' # c\n   ```", 7)
	f.Add("**a *b* [c](d) `e`** \\* 中文，。（", 3)
	for _, s := range []string{
		"", "\x1b[31mred\x1b[0m \x07bell\r\nline\rcr", "\xff\xfe invalid utf8",
		strings.Repeat(">", 50) + " deep", strings.Repeat("  - ", 40) + "x", strings.Repeat("**", 30),
		strings.Repeat("[", 30) + strings.Repeat("](x)", 30), "- ```\n  code", "1.", "\t\tx\t\ty",
		"a\u0301\u0302 e\u200d\U0001F600 🇯🇵 互斥锁（Lock）。「引用」", "```python\nprint('x')  # c\n```\n",
	} {
		f.Add(s, 7)
	}
	f.Fuzz(func(t *testing.T, src string, width int) {
		width %= 200
		out := Render(src, width, dark())
		if width < 1 {
			if out != "" {
				t.Fatalf("width %d: want empty output", width)
			}
			return
		}
		checkOutput(t, out, width)
		for _, th := range []Theme{NewTheme(false, false), NewTheme(true, true)} {
			other := Render(src, width, th)
			checkOutput(t, other, width)
			if ansi.Strip(other) != ansi.Strip(out) {
				t.Fatalf("the text differs between themes:\n%q\n%q", ansi.Strip(out), ansi.Strip(other))
			}
		}
		lines := strings.Count(src, "\n") + strings.Count(src, "\r") + 1
		for _, p := range Lint(src) {
			if p.Line < 1 || p.Line > lines || p.Msg == "" {
				t.Fatalf("lint problem %+v is not at a line of the %d-line text", p, lines)
			}
		}
	})
}
