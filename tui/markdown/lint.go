package markdown

import (
	"strings"
)

// Problem is a construct outside the subset that Render supports, found by
// Lint. Line counts from 1; the caller adds the file name.
type Problem struct {
	Line int
	Msg  string
}

// Lint reports the constructs in src that are outside the subset described
// in the package doc (tables, HTML, setext headings, nested or ~~~ fences,
// images, reference links, deep headings, indented code, ...) and
// delimiters that are never closed, in line order. Render shows such text
// as it is; Lint is for the instructor editing a lesson file. It walks the
// blocks that Render renders, parsed the same way, so what it looks at is
// what the reader shows: a paragraph's text, a code block's lines.
func Lint(src string) []Problem {
	l := linter{src: splitLines(src), gap: true}
	l.blocks(parseBlocks(l.src, 1, 0))
	if l.tilde > 0 {
		l.add(l.tilde, "this ~~~ is never closed")
	}
	return l.ps
}

// linter is what Lint knows as it walks the blocks in source order.
type linter struct {
	src   []string // the source lines
	ps    []Problem
	last  int  // the source line looked at last
	gap   bool // a blank line (or the start) comes after it
	text  bool // it was paragraph text
	item  bool // it starts with a list marker
	list  bool // a list item came since a blank line then an unindented line
	table bool // a table row came since the last blank line
	skip  int  // the lines up to this one are inside a ~~~ fence
	tilde int  // the line of a ~~~ fence that is never closed
}

func (l *linter) add(n int, msg string) { l.ps = append(l.ps, Problem{n, msg}) }

// at moves to source line n. It returns the line's content after any
// quote and list markers, "" if there is none (then the line counts as a
// blank line), and whether a blank line, or the start of the text, comes
// just before it.
func (l *linter) at(n int) (string, bool) {
	ind, rest := indentOf(l.src[n-1])
	item, content := lineContent(rest)
	l.list = l.list || item
	if isBlank(content) {
		l.gap, l.text = true, false
		return "", false
	}
	blank := l.gap || n > l.last+1
	if blank {
		l.text, l.table = false, false
	}
	if item {
		l.text = false
	} else if ind == 0 && blank {
		l.list = false
	}
	l.item, l.last, l.gap = item, n, false
	return content, blank
}

// indented reports text at line n that Markdown takes for an indented code
// block: indented by 4 or more after a blank line, outside a list.
func (l *linter) indented(n int, blank bool) {
	if ind, _ := indentOf(l.src[n-1]); ind >= 4 && blank && !l.list && !l.item {
		l.add(n, "indented code blocks are not in the subset; use a ``` fence")
	}
}

// heading lints a heading at line n.
func (l *linter) heading(n, level int, blank bool) {
	l.indented(n, blank)
	if level > 3 {
		l.add(n, "only #, ## and ### headings are in the subset")
	}
	l.text = false
}

// rule lints a thematic break at line n, written s.
func (l *linter) rule(n int, s string, blank bool) {
	l.indented(n, blank)
	if l.text && strings.Trim(s, "- \t") == "" {
		l.add(n, "text underlined with --- is a setext heading in Markdown, not in the subset; put ## before the text, or a blank line before --- for a rule")
	}
	l.text = false
}

// blocks lints bs.
func (l *linter) blocks(bs []block) {
	for _, b := range bs {
		switch b.kind {
		case bQuote:
			l.blocks(b.children)
			continue
		case bList:
			for _, item := range b.items {
				l.list = true
				l.blocks(item)
			}
			continue
		case bPara:
			l.para(b)
			continue
		}
		if b.line <= l.skip {
			continue
		}
		content, blank := l.at(b.line)
		switch b.kind {
		case bHeading:
			l.heading(b.line, b.level, blank)
		case bRule:
			l.rule(b.line, content, blank)
		case bCode:
			if b.level > 3 {
				l.add(b.line, "fences of more than three backticks are not in the subset; use ```")
			}
			for k, line := range b.lines {
				_, r := indentOf(line)
				if ok, lang := fenceOpen(r); ok && lang != "" {
					l.add(b.line+1+k, "a ``` fence inside a code block: nested fences are not in the subset (this one closes nothing; the block ends at the next bare ```)")
				}
			}
			if !b.closed {
				l.add(b.line, "this ``` is never closed")
			}
			l.last, l.text = b.line+len(b.lines), false
			if b.closed {
				l.last++
			}
		}
	}
}

// para lints paragraph b line by line, then the delimiters its inline
// text never closes. A line of b after a list marker (which does not start
// a list there, as "2. " does not) is linted as what it would be after the
// marker, as a heading or a rule; such a line, and a line inside a ~~~
// fence, is not text that a delimiter is reported at.
func (l *linter) para(b block) {
	var quiet []bool // by line of b
	hush := func(k int) {
		if quiet == nil {
			quiet = make([]bool, len(b.lines))
		}
		quiet[k] = true
	}
	for k := range b.lines {
		n := b.line + k
		if n <= l.skip {
			hush(k)
			continue
		}
		content, blank := l.at(n)
		if content == "" {
			continue
		}
		if strings.HasPrefix(content, "~~~") {
			l.add(n, "~~~ fences are not in the subset; use ```")
			l.fence(n)
			hush(k)
			continue
		}
		if lvl, _, ok := heading(content); ok {
			l.heading(n, lvl, blank)
			hush(k)
			continue
		}
		if isRule(content) {
			l.rule(n, content, blank)
			hush(k)
			continue
		}
		l.indented(n, blank)
		if h := runLen(content, 0); content[0] == '#' && h <= 6 && h < len(content) {
			l.add(n, "a heading needs a space after its #")
		}
		if l.text && strings.Trim(content, "= \t") == "" {
			l.add(n, "text underlined with === (a setext heading) is not in the subset; put # before the text")
			l.text = false
			continue
		}
		l.textLine(n, content)
		l.text = true
	}
	p := inlineParser{lint: true}
	p.parse(b.text, 0, 0, 0)
	for _, u := range p.unclosed {
		off, k := u.off, 0
		for k < len(b.lines)-1 && off > len(strings.TrimSpace(b.lines[k])) {
			off -= len(strings.TrimSpace(b.lines[k])) + 1
			k++
		}
		if quiet == nil || !quiet[k] {
			l.add(b.line+k, "this "+u.delim+" is never closed (write \\"+u.delim[:1]+" for a literal "+u.delim[:1]+")")
		}
	}
}

// lineContent returns a source line's content after any quote and list
// markers it starts with, and whether it had a list marker. Within a
// paragraph ("2. " does not start a list there) it is what the line would
// be elsewhere.
func lineContent(s string) (bool, string) {
	item := false
	for {
		if strings.HasPrefix(s, ">") {
			_, s = indentOf(s[1:])
			continue
		}
		if m, ok := listMarker(s); ok {
			item = true
			_, s = indentOf(m.content)
			continue
		}
		return item, s
	}
}

// fence skips the ~~~ fence opened at line n, up to the line that closes
// it, as Markdown would: what it holds is not linted.
func (l *linter) fence(n int) {
	l.skip, l.tilde = len(l.src), n
	for i := n; i < len(l.src); i++ {
		if _, r := indentOf(l.src[i]); strings.HasPrefix(r, "~~~") && strings.Trim(r, "~ \t") == "" {
			l.skip, l.tilde = i+1, 0
			break
		}
	}
	l.last, l.text = l.skip, false
}

// textLine lints content, a line of paragraph text at source line n, for
// what Render shows as it is.
func (l *linter) textLine(n int, content string) {
	code := stripCode(content)
	if isTableLine(code) {
		if !l.table {
			l.add(n, "tables are not in the subset; use a list or a code block")
		}
		l.table = true
	}
	if msg := htmlProblem(code); msg != "" {
		l.add(n, msg)
	}
	if strings.Contains(code, "![") && strings.Contains(code, "](") {
		l.add(n, "images are not in the subset")
	}
	if isRefDef(code) {
		l.add(n, "link reference definitions are not in the subset; use [text](url)")
	} else if strings.Contains(code, "][") {
		l.add(n, "reference links [text][ref] are not in the subset; use [text](url)")
	}
	if strings.Contains(code, "~~") {
		l.add(n, "~~strikethrough~~ is not in the subset")
	}
	if ind, _ := indentOf(l.src[n-1]); ind < 4 && len(content) >= 2 && content[0] == '+' && content[1] == ' ' {
		l.add(n, "+ bullets are not in the subset; use - or *")
	}
	if content[0] >= '0' && content[0] <= '9' {
		d := 0
		for d < len(content) && content[d] >= '0' && content[d] <= '9' {
			d++
		}
		if d < len(content)-1 && content[d] == ')' && content[d+1] == ' ' {
			l.add(n, "1) lists are not in the subset; use 1.")
		}
	}
}

// stripCode blanks out code spans and backslash escapes in s, so that
// what they hold is not taken for markup.
func stripCode(s string) string {
	if strings.IndexAny(s, "`\\") < 0 {
		return s
	}
	b := []byte(s)
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '\\':
			if i+1 < len(b) && isASCIIPunct(b[i+1]) {
				b[i], b[i+1] = ' ', ' '
				i++
			}
		case '`':
			n := runLen(s, i)
			j := findTicks(s, i+n, n)
			if j < 0 {
				i += n - 1
				continue
			}
			for k := i; k < j+n; k++ {
				b[k] = ' '
			}
			i = j + n - 1
		}
	}
	return string(b)
}

// isTableLine reports whether s looks like a row of a pipe table: it
// starts with |, or it is a delimiter row such as |---|:--:|.
func isTableLine(s string) bool {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "|") {
		return true
	}
	return strings.Contains(s, "|") && strings.Contains(s, "-") && strings.Trim(s, "|:- \t") == ""
}

// isRefDef reports whether s is a link reference definition "[ref]: url".
func isRefDef(s string) bool {
	if !strings.HasPrefix(s, "[") {
		return false
	}
	j := strings.Index(s, "]:")
	return j > 1 && !strings.Contains(s[:j], "](")
}

// htmlProblem returns what is wrong if s holds an HTML tag, comment or
// autolink, or "".
func htmlProblem(s string) string {
	for i := strings.IndexByte(s, '<'); i >= 0 && i+1 < len(s); {
		t := s[i+1:]
		switch {
		case strings.HasPrefix(t, "!--"):
			return "HTML comments are not in the subset"
		case isHTMLTag(t):
			return "HTML tags are not in the subset"
		case isAutolink(t):
			return "autolinks <url> are not in the subset; use [text](url)"
		}
		j := strings.IndexByte(t, '<')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return ""
}

// isHTMLTag reports whether t, what follows a "<", is the rest of an open
// or close tag: a name, then attributes without < or >, then ">".
func isHTMLTag(t string) bool {
	t = strings.TrimPrefix(t, "/")
	n := 0
	for n < len(t) && (t[n] >= 'a' && t[n] <= 'z' || t[n] >= 'A' && t[n] <= 'Z' || n > 0 && (t[n] >= '0' && t[n] <= '9' || t[n] == '-')) {
		n++
	}
	if n == 0 || n == len(t) {
		return false
	}
	rest := t[n:]
	if rest[0] != '>' && rest[0] != '/' && rest[0] != ' ' {
		return false
	}
	end := strings.IndexByte(rest, '>')
	return end >= 0 && strings.IndexByte(rest[:end], '<') < 0
}

// isAutolink reports whether t, what follows a "<", is the rest of an
// autolink such as <https://example.com>.
func isAutolink(t string) bool {
	end := strings.IndexByte(t, '>')
	if end < 0 {
		return false
	}
	u := t[:end]
	c := strings.IndexByte(u, ':')
	return c >= 2 && !strings.ContainsAny(u, " <") && strings.Trim(u[:c], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+.-") == ""
}
