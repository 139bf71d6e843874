package markdown

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestZZLessonCheck(t *testing.T) {
	lone := regexp.MustCompile(`^\s*(•|-|\*|◦|▪|[0-9]+\.)\s*$`)
	for _, lang := range []string{"en", "zh"} {
		for n := 8; n <= 14; n++ {
			path := fmt.Sprintf("../../content/%s/%02d.md", lang, n)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Logf("%s: %v", path, err)
				continue
			}
			for _, p := range Lint(string(b)) {
				t.Errorf("%s:%d: %s", path, p.Line, p.Msg)
			}
			for _, w := range []int{80, 54, 40} {
				out := ansi.Strip(Render(string(b), w, NewTheme(true, false)))
				for i, l := range strings.Split(out, "\n") {
					if lone.MatchString(l) {
						t.Errorf("%s width %d line %d: lone bullet %q", path, w, i+1, l)
					}
					if w == 54 && strings.HasSuffix(l, "…") {
						t.Errorf("%s width %d line %d: cut: %q", path, w, i+1, l)
					}
					if ansi.StringWidth(l) > w {
						t.Errorf("%s width %d line %d: too wide", path, w, i+1)
					}
				}
				if os.Getenv("DUMP") != "" && w == 80 {
					os.WriteFile(fmt.Sprintf("/tmp/render_%s_%02d.txt", lang, n), []byte(out), 0o644)
				}
			}
		}
	}
}
