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
// as it is; Lint is for the instructor editing a lesson file.
func Lint(src string) []Problem {
	var (
		ps        []Problem
		lines     = splitLines(src)
		inFence   bool
		tilde     bool // the open fence is ~~~
		fenceLine int
		prevText  bool // the line before was paragraph text
		prevBlank = true
		inTable   bool
		inList    bool
		para      []string
		paraLines []int
	)
	add := func(n int, msg string) { ps = append(ps, Problem{n, msg}) }
	flush := func() {
		if len(para) == 0 {
			return
		}
		p := inlineParser{lint: true}
		p.parse(strings.Join(para, "\n"), 0, 0, 0)
		for _, u := range p.unclosed {
			off, k := u.off, 0
			for k < len(para)-1 && off > len(para[k]) {
				off -= len(para[k]) + 1
				k++
			}
			add(paraLines[k], "this "+u.delim+" is never closed (write \\"+u.delim[:1]+" for a literal "+u.delim[:1]+")")
		}
		para, paraLines = para[:0], paraLines[:0]
	}
	for i, raw := range lines {
		n := i + 1
		ind, content := indentOf(raw)
		if inFence {
			if tilde && strings.HasPrefix(content, "~~~") && strings.Trim(content, "~ \t") == "" {
				inFence = false
			} else if tilde {
				continue
			} else if isFenceClose(content) {
				inFence = false
			} else if ok, lang := fenceOpen(content); ok && lang != "" {
				add(n, "a ``` fence inside a code block: nested fences are not in the subset (this one closes nothing; the block ends at the next bare ```)")
			}
			continue
		}
		// Take off quote markers and list markers to get at the content.
		item := false
		for {
			if strings.HasPrefix(content, ">") {
				_, content = indentOf(content[1:])
				continue
			}
			if m, ok := listMarker(content); ok {
				item, inList = true, true
				_, content = indentOf(m.content)
				continue
			}
			break
		}
		if isBlank(content) {
			flush()
			prevText, prevBlank, inTable = false, true, false
			continue
		}
		if item {
			flush()
			prevText = false
		}
		if ind == 0 && prevBlank && !item {
			inList = false
		}
		wasBlank := prevBlank
		prevBlank = false
		code := stripCode(content)

		if ok, _ := fenceOpen(content); ok {
			flush()
			if runLen(content, 0) > 3 {
				add(n, "fences of more than three backticks are not in the subset; use ```")
			}
			inFence, tilde, fenceLine, prevText = true, false, n, false
			continue
		}
		if strings.HasPrefix(content, "~~~") {
			flush()
			add(n, "~~~ fences are not in the subset; use ```")
			inFence, tilde, fenceLine, prevText = true, true, n, false
			continue
		}
		if ind >= 4 && wasBlank && !inList && !item {
			add(n, "indented code blocks are not in the subset; use a ``` fence")
		}
		if lvl, _, ok := heading(content); ok {
			flush()
			if lvl > 3 {
				add(n, "only #, ## and ### headings are in the subset")
			}
			prevText = false
			continue
		}
		if h := runLen(content, 0); content[0] == '#' && h <= 6 && h < len(content) {
			add(n, "a heading needs a space after its #")
		}
		if prevText && strings.Trim(content, "= \t") == "" {
			add(n, "text underlined with === (a setext heading) is not in the subset; put # before the text")
			flush()
			prevText = false
			continue
		}
		if isRule(content) {
			if prevText && strings.Trim(content, "- \t") == "" {
				add(n, "text underlined with --- is a setext heading in Markdown, not in the subset; put ## before the text, or a blank line before --- for a rule")
			}
			flush()
			prevText = false
			continue
		}
		if isTableLine(code) {
			if !inTable {
				add(n, "tables are not in the subset; use a list or a code block")
			}
			inTable = true
		}
		if msg := htmlProblem(code); msg != "" {
			add(n, msg)
		}
		if strings.Contains(code, "![") && strings.Contains(code, "](") {
			add(n, "images are not in the subset")
		}
		if isRefDef(code) {
			add(n, "link reference definitions are not in the subset; use [text](url)")
		} else if strings.Contains(code, "][") {
			add(n, "reference links [text][ref] are not in the subset; use [text](url)")
		}
		if strings.Contains(code, "~~") {
			add(n, "~~strikethrough~~ is not in the subset")
		}
		if ind < 4 && len(content) >= 2 && content[0] == '+' && content[1] == ' ' {
			add(n, "+ bullets are not in the subset; use - or *")
		}
		if content[0] >= '0' && content[0] <= '9' {
			d := 0
			for d < len(content) && content[d] >= '0' && content[d] <= '9' {
				d++
			}
			if d < len(content)-1 && content[d] == ')' && content[d+1] == ' ' {
				add(n, "1) lists are not in the subset; use 1.")
			}
		}
		para = append(para, content)
		paraLines = append(paraLines, n)
		prevText = true
	}
	flush()
	if inFence {
		if tilde {
			add(fenceLine, "this ~~~ is never closed")
		} else {
			add(fenceLine, "this ``` is never closed")
		}
	}
	return ps
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
