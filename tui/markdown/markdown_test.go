package markdown

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// The test files keep to the package's rule too: no package-level
// variables, so that TestNoInitWork sees the package as it ships.

func dark() Theme { return NewTheme(true, false) }

// plain renders src and returns its lines with the styling stripped,
// after checking the invariants every output must keep.
func plain(t *testing.T, src string, width int) []string {
	t.Helper()
	out := Render(src, width, dark())
	checkOutput(t, out, width)
	if out == "" {
		return nil
	}
	return strings.Split(ansi.Strip(out), "\n")
}

// checkOutput checks the invariants of Render's output at width: every
// line at most width wide, valid UTF-8, no control characters but SGR
// sequences, every line closing the styling it opens.
func checkOutput(t testing.TB, out string, width int) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("output is not valid UTF-8: %q", out)
	}
	for i, line := range strings.Split(out, "\n") {
		if w := ansi.StringWidth(line); w > width {
			t.Fatalf("line %d is %d wide, more than %d: %q", i, w, width, line)
		}
		if msg := sgrProblem(line); msg != "" {
			t.Fatalf("line %d: %s: %q", i, msg, line)
		}
		for _, r := range ansi.Strip(line) {
			if isControl(r) {
				t.Fatalf("line %d holds control character %U: %q", i, r, line)
			}
		}
	}
}

// sgrProblem returns what is wrong with the escape sequences of line: any
// that is not SGR, or styling still open at the end of the line.
func sgrProblem(line string) string {
	open := false
	for i := 0; i < len(line); i++ {
		if line[i] != 0x1b {
			continue
		}
		if i+1 >= len(line) || line[i+1] != '[' {
			return "escape that is not a CSI"
		}
		j := i + 2
		for j < len(line) && (line[j] >= '0' && line[j] <= '9' || line[j] == ';' || line[j] == ':') {
			j++
		}
		if j >= len(line) || line[j] != 'm' {
			return "CSI that is not SGR"
		}
		params := line[i+2 : j]
		open = params != "" && params != "0"
		i = j
	}
	if open {
		return "styling left open at the end of the line"
	}
	return ""
}

func equalLines(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", show(got), show(want))
	}
}

func show(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString("  |" + l + "|\n")
	}
	return b.String()
}

func TestHeadings(t *testing.T) {
	got := plain(t, "# Title\n## Second *part*\n### Third ###\n#### Fourth\n#no heading", 40)
	equalLines(t, got, []string{
		"Title", "", "Second part", "", "Third", "", "Fourth", "", "#no heading",
	})
	// Heading styles: H1, H2 and H3 differ even without colour.
	th := NewTheme(true, true)
	h1, h2 := Render("# A", 10, th), Render("## A", 10, th)
	if h1 == h2 || h1 == "A" || h2 == "A" {
		t.Errorf("headings not styled apart with noColor: %q %q", h1, h2)
	}
}

func TestParagraphReflow(t *testing.T) {
	src := "one\ntwo   three\n  four five\n\nnext paragraph"
	equalLines(t, plain(t, src, 80), []string{"one two three four five", "", "next paragraph"})
	equalLines(t, plain(t, src, 9), []string{"one two", "three", "four five", "", "next", "paragraph"})
}

func TestEnglishWrap(t *testing.T) {
	src := "The quick brown fox jumps over the lazy dog, and then the dog, " +
		"quite unbothered, goes back to sleep in the warm afternoon sun."
	for w := 11; w <= 80; w++ { // the longest word is 11 wide
		lines := plain(t, src, w)
		if got := strings.Join(lines, " "); got != src {
			t.Fatalf("width %d: words changed: %q", w, got)
		}
		// Greedy: the next line's first word would not have fitted.
		for i := 0; i+1 < len(lines); i++ {
			next := strings.Fields(lines[i+1])[0]
			if ansi.StringWidth(lines[i])+1+len(next) <= w {
				t.Fatalf("width %d: %q could have taken %q", w, lines[i], next)
			}
		}
	}
	// A word longer than the line is cut between letters.
	equalLines(t, plain(t, "abcdefghijkl xy", 5), []string{"abcde", "fghij", "kl xy"})
}

func TestLists(t *testing.T) {
	src := `- first item that is long enough to wrap
- second
  continued here
  - nested one
  - nested two wraps as well
    - third level
- third

1. one
2. two
   - mixed nested
3. three`
	equalLines(t, plain(t, src, 24), []string{
		"• first item that is",
		"  long enough to wrap",
		"• second continued here",
		"  ◦ nested one",
		"  ◦ nested two wraps as",
		"    well",
		"    ▪ third level",
		"• third",
		"",
		"1. one",
		"2. two",
		"   ◦ mixed nested",
		"3. three",
	})
}

func TestListLazyAndLoose(t *testing.T) {
	equalLines(t, plain(t, "* a\nlazy line\n* b\n\n* c", 20), []string{
		"• a lazy line", "", "• b", "", "• c",
	})
	// Item with two paragraphs and a code block.
	equalLines(t, plain(t, "- para\n\n  second\n\n  ```\n  code\n  ```", 20), []string{
		"• para", "", "  second", "", "    code",
	})
}

func TestOrderedNumbers(t *testing.T) {
	src := strings.Repeat("1. item\n", 10)
	got := plain(t, src, 20)
	if len(got) != 10 || got[0] != " 1. item" || got[8] != " 9. item" || got[9] != "10. item" {
		t.Errorf("numbers not counted and aligned:\n%s", show(got))
	}
	equalLines(t, plain(t, "3. c\n4. d", 20), []string{"3. c", "4. d"})
	// Only 1. interrupts a paragraph.
	equalLines(t, plain(t, "In\n2024. It rained.", 40), []string{"In 2024. It rained."})
}

func TestCodeBlock(t *testing.T) {
	src := "```\nshort\n\tindented by a tab\nthis line is much wider than the width allows\n```\nafter"
	got := plain(t, src, 20)
	equalLines(t, got, []string{
		"  short",
		"      indented by a…",
		"  this line is much…",
		"",
		"after",
	})
	// Markup inside code is literal; an unclosed fence runs to the end.
	equalLines(t, plain(t, "```go\n**x** `y`\n# z", 20), []string{"  **x** `y`", "  # z"})
	// Wide characters are cut on a cluster boundary.
	got = plain(t, "```\n中文中文中文中文中文\n```", 11)
	equalLines(t, got, []string{"  中文中文…"})
}

func TestPythonHighlight(t *testing.T) {
	th := Theme{Keyword: lipgloss.NewStyle().Bold(true), String: lipgloss.NewStyle().Faint(true),
		Comment: lipgloss.NewStyle().Italic(true)}
	out := Render("```python\ndef f(x): # note\n    return 'a#b' + \"\"\"doc\nstill doc\"\"\" if x else None\n```", 80, th)
	checkOutput(t, out, 80)
	kw := th.Keyword.Render("def")
	for _, want := range []string{
		kw, th.Comment.Render("# note"), th.Keyword.Render("return"), th.String.Render("'a#b'"),
		th.String.Render(`"""doc`), th.String.Render(`still doc"""`), th.Keyword.Render("None"),
		th.Keyword.Render("if"), th.Keyword.Render("else"),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%q", want, out)
		}
	}
	// Without a language, no highlighting.
	if out := Render("```\ndef f(): pass\n```", 80, th); strings.Contains(out, kw) {
		t.Errorf("plain code highlighted: %q", out)
	}
}

func TestQuote(t *testing.T) {
	src := "> quoted text that wraps around\n>\n> - a list\n> - in it\n\nafter"
	equalLines(t, plain(t, src, 20), []string{
		"│ quoted text that",
		"│ wraps around",
		"│",
		"│ • a list",
		"│ • in it",
		"",
		"after",
	})
	equalLines(t, plain(t, "> a\n>> b", 20), []string{"│ a", "│", "│ │ b"})
}

func TestRule(t *testing.T) {
	equalLines(t, plain(t, "a\n\n---\n\nb", 5), []string{"a", "", "─────", "", "b"})
	equalLines(t, plain(t, "* * *", 3), []string{"───"})
}

func TestInline(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"`code` and **strong** and *emph* and _emph_", "code and strong and emph and emph"},
		{"**bold *nested* bold**", "bold nested bold"},
		{"***both***", "both"},
		{"snake_case_name and __dunder__", "snake_case_name and __dunder__"},
		{"2 * 3 * 4", "2 * 3 * 4"},
		{"** not strong**", "** not strong**"},
		{"unclosed **strong", "unclosed **strong"},
		{"`` a ` b ``", "a ` b"},
		{"` padded `", "padded"},
		{"a `*not emph*` b", "a *not emph* b"},
		{`\*lit\* \_lit\_ \` + "`" + `lit\` + "`" + ` \[lit] \\`, "*lit* _lit_ `lit` [lit] \\"},
		{`back\slash stays`, `back\slash stays`},
		{"**演示：**`isolation` 在", "演示：isolation 在"},
	} {
		got := strings.Join(plain(t, c.src, 80), "\n")
		if got != c.want {
			t.Errorf("%q: got %q, want %q", c.src, got, c.want)
		}
	}
}

func TestInlineStyles(t *testing.T) {
	th := Theme{Strong: lipgloss.NewStyle().Bold(true), Emph: lipgloss.NewStyle().Italic(true),
		Code: lipgloss.NewStyle().Reverse(true)}
	out := Render("**b** *i* `c` **x *y***", 80, th)
	for _, want := range []string{
		th.Strong.Render("b"), th.Emph.Render("i"), th.Code.Render("c"),
		th.Strong.Render("x "), th.Strong.Bold(true).Italic(true).Render("y"),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in %q", want, out)
		}
	}
}

func TestLinks(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"see [the docs](https://example.com/docs).", "see the docs (https://example.com/docs)."},
		{"[https://go.dev](https://go.dev)", "https://go.dev"},
		{"[**bold** link](u \"title\")", "bold link (u)"},
		{"[a [nested] b](x_(y))", "a [nested] b (x_(y))"},
		{"[not a link] (x)", "[not a link] (x)"},
		{"[unclosed](x", "[unclosed](x"},
		{`\[escaped](x)`, "[escaped](x)"},
	} {
		got := strings.Join(plain(t, c.src, 80), "\n")
		if got != c.want {
			t.Errorf("%q: got %q, want %q", c.src, got, c.want)
		}
	}
	th := Theme{Link: lipgloss.NewStyle().Bold(true), LinkURL: lipgloss.NewStyle().Faint(true)}
	out := Render("[text](url)", 80, th)
	if out != th.Link.Render("text")+th.LinkURL.Render(" (url)") {
		t.Errorf("link not styled: %q", out)
	}
}

// cjkSentences are long Chinese sentences, with some English mixed in.
func cjkSentences() []string {
	return []string{
		"每个进程都有自己的内存，子进程启动时得到父进程数据的一份副本（在 spawn 方式下则是重新导入模块来重建），从此两份数据各过各的。",
		"文件系统：两个进程写同一个文件，可能互相覆盖对方的结果，这正是第 5 课需要锁的原因；终端：多个进程的输出会交错在一起。",
		"「锁」保证同一时刻只有一个进程进入临界区：其余的进程在 acquire() 处阻塞，直到持有者调用 release()。",
		"信号量是一个计数器！当计数为零时，再调用 acquire 的进程就会等待？是的，它们会排队等待《操作系统》调度。",
		"日本語の文章も、折り返しの規則に従って、句読点が行頭に来ないように処理されます。",
	}
}

func TestCJKBulletWrap(t *testing.T) {
	sentences := cjkSentences()
	src := "- " + strings.Join(sentences, "\n- ") + "\n"
	for w := 20; w <= 80; w++ {
		lines := plain(t, src, w)
		var items []string
		for i, l := range lines {
			if ansi.StringWidth(l) > w {
				t.Fatalf("width %d line %d too wide: %q", w, i, l)
			}
			trimmed := strings.TrimSpace(l)
			if trimmed == "•" || trimmed == "" {
				t.Fatalf("width %d line %d is a bare bullet or blank:\n%s", w, i, show(lines))
			}
			body := strings.TrimLeft(strings.TrimPrefix(l, "• "), " ")
			first, _ := utf8.DecodeRuneInString(body)
			last, _ := utf8.DecodeLastRuneInString(body)
			if isClosing(first) {
				t.Fatalf("width %d line %d starts with closing %q:\n%s", w, i, first, show(lines))
			}
			if isOpening(last) {
				t.Fatalf("width %d line %d ends with opening %q:\n%s", w, i, last, show(lines))
			}
			if strings.HasPrefix(l, "• ") {
				items = append(items, body)
			} else if !strings.HasPrefix(l, "  ") {
				t.Fatalf("width %d line %d has no hanging indent: %q", w, i, l)
			} else {
				items[len(items)-1] += "\x00" + body
			}
		}
		if len(items) != len(sentences) {
			t.Fatalf("width %d: %d items, want %d", w, len(items), len(sentences))
		}
		for i, it := range items {
			// Lines join back into the sentence: with a space where the
			// break was at a space, with nothing between CJK.
			var b strings.Builder
			parts := strings.Split(it, "\x00")
			for k, p := range parts {
				b.WriteString(p)
				if k+1 < len(parts) && strings.Contains(sentences[i], p+" "+firstWord(parts[k+1])) {
					b.WriteString(" ")
				}
			}
			if b.String() != sentences[i] {
				t.Fatalf("width %d item %d changed:\n got %q\nwant %q", w, i, b.String(), sentences[i])
			}
			// Lines are filled: a line is not broken early when the next
			// line's first cluster would have fitted, except for kinsoku.
			for k := 0; k+1 < len(parts); k++ {
				r, _ := utf8.DecodeRuneInString(parts[k+1])
				if isCJK(r) && !isClosing(r) && 2+ansi.StringWidth(parts[k])+ansi.StringWidth(string(r)) <= w-2 {
					next, _ := utf8.DecodeRuneInString(parts[k+1][len(string(r)):])
					if !isClosing(next) {
						t.Fatalf("width %d item %d: %q broken early before %q", w, i, parts[k], parts[k+1])
					}
				}
			}
		}
	}
}

func firstWord(s string) string {
	if i := strings.IndexByte(s, ' '); i >= 0 {
		return s[:i]
	}
	return s
}

func TestCJKParagraphWidths(t *testing.T) {
	src := strings.Join(cjkSentences(), "")
	for _, w := range []int{20, 40, 80} {
		lines := plain(t, src, w)
		full := 0
		for _, l := range lines {
			r, _ := utf8.DecodeRuneInString(l)
			if isClosing(r) {
				t.Errorf("width %d: line starts with closing punctuation: %q", w, l)
			}
			if ansi.StringWidth(l) >= w-3 {
				full++
			}
		}
		if full < len(lines)-3 {
			t.Errorf("width %d: lines not filled:\n%s", w, show(lines))
		}
	}
}

func TestMixedWrap(t *testing.T) {
	src := "Python 的 multiprocessing 模块用 Process 类创建子进程，用 Queue 在进程之间传递数据。"
	for w := 12; w <= 60; w++ {
		lines := plain(t, src, w)
		joined := strings.Join(lines, "")
		if strings.ReplaceAll(joined, " ", "") != strings.ReplaceAll(src, " ", "") {
			t.Fatalf("width %d: text changed: %q", w, joined)
		}
		for _, l := range lines {
			// English words are never split when they fit on a line.
			for _, word := range []string{"multiprocessing", "Process", "Queue", "Python"} {
				for k := 1; k < len(word); k++ {
					if strings.HasSuffix(l, word[:k]) && !strings.HasSuffix(l, word) && len(word) <= w {
						t.Fatalf("width %d: %q split in %q", w, word, l)
					}
				}
			}
			if strings.HasPrefix(l, " ") || strings.HasSuffix(l, " ") {
				t.Fatalf("width %d: line with edge space: %q", w, l)
			}
		}
	}
	// Breaks fall between CJK and Latin text where there is no space.
	equalLines(t, plain(t, "中文English中文", 9), []string{"中文", "English中", "文"})
}

func TestKinsokuHardBreak(t *testing.T) {
	// Opening punctuation moves to the next line with what it opens.
	equalLines(t, plain(t, "一二三（四）", 6), []string{"一二三", "（四）"})
	// Closing punctuation stays with the character before it.
	equalLines(t, plain(t, "一二三。四", 6), []string{"一二", "三。四"})
	// A space before closing punctuation is not a break either.
	for _, l := range plain(t, "aaaa ，bbb", 5) {
		if strings.HasPrefix(l, "，") {
			t.Errorf("line starts with closing punctuation: %q", l)
		}
	}
}

func lesson() string {
	return `# 2. Starting processes

A **process** is a running program. Python's *multiprocessing* module starts
new ones with ` + "`Process(target=f)`" + `; see [the docs](https://docs.python.org/3/library/multiprocessing.html).

## 启动进程

每个进程都有**自己的内存**。子进程启动时得到父进程数据的一份副本（在 *spawn* 方式下则是重新导入模块来重建），从此两份数据各过各的。

- **文件系统**：两个进程写同一个文件，可能互相覆盖对方的结果；
- **终端**：多个进程的输出会按照操作系统调度它们的顺序交错在一起。
  - nested item with ` + "`code`" + ` and more words to wrap around the line
1. first
2. second

> 注意：quoted text with a [link](https://example.com) inside it.
>
> - and a list

---

` + "```python" + `
from multiprocessing import Process

def work(n):
    """Do the work."""
    print('child', n)  # a comment that runs on and on past the edge of a narrow terminal

if __name__ == '__main__':
    p = Process(target=work, args=(1,))
    p.start()
    p.join()
` + "```\n"
}

func TestNarrowWidths(t *testing.T) {
	src := lesson()
	for w := 1; w < 10; w++ {
		out := Render(src, w, dark())
		checkOutput(t, out, w)
		if strings.TrimSpace(ansi.Strip(out)) == "" {
			t.Errorf("width %d: nothing rendered", w)
		}
	}
	if Render(src, 0, dark()) != "" || Render(src, -5, dark()) != "" {
		t.Error("width < 1 should render nothing")
	}
}

func TestNoColor(t *testing.T) {
	out := Render(lesson(), 60, NewTheme(false, true))
	checkOutput(t, out, 60)
	if strings.Contains(out, "38;") || strings.Contains(out, "48;") {
		t.Errorf("noColor output has colours")
	}
	if !strings.Contains(out, "\x1b[1m") {
		t.Errorf("noColor output lost bold")
	}
	light := Render(lesson(), 60, NewTheme(false, false))
	checkOutput(t, light, 60)
	if ansi.Strip(light) != ansi.Strip(out) || light == Render(lesson(), 60, dark()) {
		t.Errorf("light and dark themes should differ only in colour")
	}
}

func TestHostileInput(t *testing.T) {
	for _, src := range []string{
		"", "\n\n\n", "\x1b[31mred\x1b[0m \x07bell\r\nline\rcr", "\xff\xfe invalid utf8",
		strings.Repeat(">", 5000) + " deep", strings.Repeat("  - ", 2000) + "x",
		strings.Repeat("- a\n", 3) + strings.Repeat(" ", 100) + "- deep",
		strings.Repeat("**", 3000), strings.Repeat("[", 3000) + strings.Repeat("](x)", 3000),
		strings.Repeat("*a ", 2000), strings.Repeat("`", 5000), "- ```\n  code", "1.",
		"a\u0301\u0302 e\u200d\U0001F600\U0001F469\u200d\U0001F4BB 🇯🇵", "\t\tx\t\ty",
	} {
		for _, w := range []int{1, 2, 3, 7, 40} {
			checkOutput(t, Render(src, w, dark()), w)
		}
		Lint(src)
	}
}

func TestLint(t *testing.T) {
	src := `# Title

Some text.

| a | b |
|---|---|
| 1 | 2 |

A <b>bold</b> word, and ` + "`<i>in code</i>`" + ` is fine, as is a < b > c.

Setext
======

Another
---

` + "```python" + `
print("<b>not html</b>")
` + "```bash" + `
` + "```" + `

#### Too deep

![img](x.png)

~~gone~~

+ plus bullet

A **never closed

<https://example.com>

` + "```" + `
never closed`
	want := []Problem{
		{5, "tables are not in the subset; use a list or a code block"},
		{9, "HTML tags are not in the subset"},
		{12, "text underlined with === (a setext heading) is not in the subset; put # before the text"},
		{15, "text underlined with --- is a setext heading in Markdown, not in the subset; put ## before the text, or a blank line before --- for a rule"},
		{19, "a ``` fence inside a code block: nested fences are not in the subset (this one closes nothing; the block ends at the next bare ```)"},
		{22, "only #, ## and ### headings are in the subset"},
		{24, "images are not in the subset"},
		{26, "~~strikethrough~~ is not in the subset"},
		{28, "+ bullets are not in the subset; use - or *"},
		{30, "this ** is never closed (write \\* for a literal *)"},
		{32, "autolinks <url> are not in the subset; use [text](url)"},
		{34, "this ``` is never closed"},
	}
	got := Lint(src)
	if len(got) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("problem %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestLintMore(t *testing.T) {
	for _, c := range []struct {
		src  string
		line int
		msg  string
	}{
		{"text\n\n    indented code", 3, "indented code blocks"},
		{"- item\n\n    nested continuation", 0, ""},
		{"see [x][ref]", 1, "reference links"},
		{"[ref]: http://x", 1, "link reference definitions"},
		{"1) one", 1, "1) lists"},
		{"````\ncode\n````", 1, "more than three backticks"},
		{"~~~\ncode\n~~~", 1, "~~~ fences"},
		{"#heading", 1, "space after its #"},
		{"<!-- comment -->", 1, "HTML comments"},
		{"> quoted <span>html</span>", 1, "HTML tags"},
		{"- item with | a | b |\n- |x|y|", 2, "tables"},
		{"one `unclosed\ntwo", 1, "this ` is never closed"},
		{"one\n**two", 2, "this ** is never closed"},
		{"x \\*\\* y, a_b_c, 2 * 3, `a`", 0, ""},
		{"> - [ok](u) **fine**\n>   `code`", 0, ""},
		{"中文（括号）和“引号”。", 0, ""},
	} {
		ps := Lint(c.src)
		if c.msg == "" {
			if len(ps) != 0 {
				t.Errorf("%q: unexpected problems %v", c.src, ps)
			}
			continue
		}
		if len(ps) != 1 || ps[0].Line != c.line || !strings.Contains(ps[0].Msg, c.msg) {
			t.Errorf("%q: got %v, want one at line %d with %q", c.src, ps, c.line, c.msg)
		}
	}
}

func TestLessonFiles(t *testing.T) {
	// The shipped lessons (if the content directory is there) render
	// within any width. Their lint problems are logged, not failed: the
	// lessons are not this package's to police.
	for _, dir := range []string{"../../content/en", "../../content/zh"} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Skip("no content directory")
		}
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".md") {
				continue
			}
			b, err := os.ReadFile(dir + "/" + e.Name())
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range Lint(string(b)) {
				t.Logf("%s/%s:%d: %s", dir, e.Name(), p.Line, p.Msg)
			}
			for _, w := range []int{20, 33, 80} {
				checkOutput(t, Render(string(b), w, dark()), w)
			}
		}
	}
}

// TestNoInitWork checks, with GODEBUG=inittrace=1, that linking this
// package adds no initialisation work: the Go runtime traces every package
// that has some, and this one must not be among them.
func TestNoInitWork(t *testing.T) {
	if os.Getenv("MARKDOWN_INITTRACE_CHILD") == "1" {
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestNoInitWork$")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1", "MARKDOWN_INITTRACE_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(string(out), "init ") {
		t.Skip("no inittrace output from the runtime")
	}
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "init github.com/proctour/proctour/tui/markdown ") {
			t.Errorf("package has init work: %s", l)
		}
	}
}

// longLesson is about 300 lines of mixed English and Chinese lesson text.
func longLesson() string {
	var b strings.Builder
	for b.Len() == 0 || strings.Count(b.String(), "\n") < 300 {
		b.WriteString(lesson())
		b.WriteString("\n")
		b.WriteString(strings.Join(cjkSentences(), "\n"))
		b.WriteString("\n\n")
	}
	return b.String()
}

func BenchmarkRenderLong(b *testing.B) {
	src := longLesson()
	th := dark()
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		Render(src, 80, th)
	}
}

func BenchmarkLintLong(b *testing.B) {
	src := longLesson()
	b.ReportAllocs()
	for b.Loop() {
		Lint(src)
	}
}
