package markdown

import (
	"strconv"
	"strings"
)

// maxDepth bounds how deeply quotes and lists nest; deeper markers are
// shown as text. It keeps hostile input from recursing without end.
const maxDepth = 24

type blockKind uint8

const (
	bPara blockKind = iota
	bHeading
	bCode
	bQuote
	bList
	bRule
)

// block is one block of a parsed document.
type block struct {
	kind     blockKind
	line     int      // the source line it starts on, from 1
	level    int      // bHeading: 1..6; bCode: how many backticks open it
	text     string   // bPara, bHeading: the text, source lines joined by "\n"
	lang     string   // bCode: the fence's language word
	lines    []string // bCode: the lines inside the fence; bPara: its source lines
	closed   bool     // bCode: a closing fence ends it
	children []block  // bQuote
	ordered  bool     // bList
	start    int      // bList, ordered: the first item's number
	loose    bool     // bList: blank lines between items
	items    [][]block
}

// splitLines cuts src into lines, with invalid UTF-8 replaced, any line
// ending accepted and tabs in each line's indentation expanded.
func splitLines(src string) []string {
	src = strings.ToValidUTF8(src, "\uFFFD")
	if strings.IndexByte(src, '\r') >= 0 {
		src = strings.ReplaceAll(src, "\r\n", "\n")
		src = strings.ReplaceAll(src, "\r", "\n")
	}
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		lines[i] = expandIndent(l)
	}
	return lines
}

// expandIndent turns tabs in l's leading whitespace into spaces, with tab
// stops every 4 columns.
func expandIndent(l string) string {
	n := 0
	for n < len(l) && (l[n] == ' ' || l[n] == '\t') {
		n++
	}
	if strings.IndexByte(l[:n], '\t') < 0 {
		return l
	}
	col := 0
	for _, c := range []byte(l[:n]) {
		if c == '\t' {
			col += 4 - col%4
		} else {
			col++
		}
	}
	return strings.Repeat(" ", col) + l[n:]
}

// indentOf returns how many spaces l starts with, and the rest.
func indentOf(l string) (int, string) {
	n := 0
	for n < len(l) && l[n] == ' ' {
		n++
	}
	return n, l[n:]
}

// dedent removes up to n leading spaces from l.
func dedent(l string, n int) string {
	i := 0
	for i < n && i < len(l) && l[i] == ' ' {
		i++
	}
	return l[i:]
}

func isBlank(l string) bool {
	return strings.Trim(l, " \t\v\f") == ""
}

// fenceOpen reports whether rest opens a fenced code block, and its
// language word.
func fenceOpen(rest string) (bool, string) {
	if !strings.HasPrefix(rest, "```") {
		return false, ""
	}
	info := strings.TrimSpace(strings.TrimLeft(rest, "`"))
	if i := strings.IndexAny(info, " \t`{"); i >= 0 {
		info = info[:i]
	}
	return true, strings.ToLower(info)
}

// isFenceClose reports whether rest closes a fenced code block.
func isFenceClose(rest string) bool {
	return strings.HasPrefix(rest, "```") && strings.Trim(rest, "` \t") == ""
}

// heading reports whether rest is an ATX heading, its level and its text.
func heading(rest string) (int, string, bool) {
	n := 0
	for n < len(rest) && rest[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || (n < len(rest) && rest[n] != ' ' && rest[n] != '\t') {
		return 0, "", false
	}
	text := strings.TrimSpace(rest[n:])
	// A closing run of #, after a space or alone, is not part of the text.
	t := strings.TrimRight(text, "#")
	if t == "" || strings.HasSuffix(t, " ") || strings.HasSuffix(t, "\t") {
		text = strings.TrimSpace(t)
	}
	return n, text, true
}

// isRule reports whether rest is a thematic break: three or more of the
// same one of - * _, with optional spaces.
func isRule(rest string) bool {
	rest = strings.TrimRight(rest, " \t")
	if len(rest) < 3 {
		return false
	}
	c := rest[0]
	if c != '-' && c != '*' && c != '_' {
		return false
	}
	n := 0
	for i := 0; i < len(rest); i++ {
		switch rest[i] {
		case c:
			n++
		case ' ', '\t':
		default:
			return false
		}
	}
	return n >= 3
}

// marker is a list item's marker, as found by listMarker.
type marker struct {
	ordered bool
	num     int    // ordered: the number
	width   int    // columns from the marker's start to its content
	content string // the rest of the line after the marker
}

// listMarker reports whether rest starts a list item: "- ", "* " or a
// number of up to 9 digits then ". ".
func listMarker(rest string) (marker, bool) {
	var m marker
	n := 0
	switch {
	case rest == "":
		return m, false
	case rest[0] == '-' || rest[0] == '*':
		if isRule(rest) {
			return m, false
		}
		n = 1
	default:
		for n < len(rest) && n < 10 && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 0 || n > 9 || n >= len(rest) || rest[n] != '.' {
			return m, false
		}
		m.ordered = true
		m.num, _ = strconv.Atoi(rest[:n])
		n++
	}
	if n < len(rest) && rest[n] != ' ' && rest[n] != '\t' {
		return m, false
	}
	sp := 0
	for n+sp < len(rest) && (rest[n+sp] == ' ' || rest[n+sp] == '\t') {
		sp++
	}
	m.content = rest[n+sp:]
	if sp < 1 || sp > 4 || m.content == "" {
		sp = 1
	}
	m.width = n + sp
	return m, true
}

// interrupts reports whether line starts a block that ends a paragraph.
func interrupts(line string) bool {
	_, rest := indentOf(line)
	if rest == "" {
		return false
	}
	if ok, _ := fenceOpen(rest); ok {
		return true
	}
	if _, _, ok := heading(rest); ok {
		return true
	}
	if isRule(rest) || rest[0] == '>' {
		return true
	}
	if m, ok := listMarker(rest); ok && (!m.ordered || m.num == 1) && m.content != "" {
		return true
	}
	return false
}

// parseBlocks parses lines into blocks; first is the source line number
// of lines[0], depth how deeply they are nested in quotes and lists.
func parseBlocks(lines []string, first, depth int) []block {
	var out []block
	for i := 0; i < len(lines); {
		line := lines[i]
		if isBlank(line) {
			i++
			continue
		}
		ind, rest := indentOf(line)
		if ok, lang := fenceOpen(rest); ok {
			b := block{kind: bCode, line: first + i, level: runLen(rest, 0), lang: lang}
			for i++; i < len(lines); i++ {
				li, r := indentOf(lines[i])
				if isFenceClose(r) {
					b.closed = true
					i++
					break
				}
				b.lines = append(b.lines, dedent(lines[i], min(li, ind)))
			}
			out = append(out, b)
			continue
		}
		if lvl, text, ok := heading(rest); ok {
			out = append(out, block{kind: bHeading, line: first + i, level: lvl, text: text})
			i++
			continue
		}
		if isRule(rest) {
			out = append(out, block{kind: bRule, line: first + i})
			i++
			continue
		}
		if depth < maxDepth && rest[0] == '>' {
			start := i
			var inner []string
			for ; i < len(lines); i++ {
				_, r := indentOf(lines[i])
				if !strings.HasPrefix(r, ">") {
					break
				}
				r = r[1:]
				if r != "" && (r[0] == ' ' || r[0] == '\t') {
					r = r[1:]
				}
				inner = append(inner, expandIndent(r))
			}
			out = append(out, block{kind: bQuote, line: first + start, children: parseBlocks(inner, first+start, depth+1)})
			continue
		}
		if depth < maxDepth {
			if _, ok := listMarker(rest); ok {
				b, n := parseList(lines[i:], first+i, depth)
				out = append(out, b)
				i += n
				continue
			}
		}
		start := i
		for i++; i < len(lines) && !isBlank(lines[i]) && !interrupts(lines[i]); i++ {
		}
		b := block{kind: bPara, line: first + start, lines: lines[start:i:i]}
		b.text = paraText(b.lines)
		out = append(out, b)
	}
	return out
}

// paraText is the text of a paragraph of lines: each trimmed, joined by
// "\n".
func paraText(lines []string) string {
	if len(lines) == 1 {
		return strings.TrimSpace(lines[0])
	}
	n := 0
	for _, l := range lines {
		n += len(l) + 1
	}
	var b strings.Builder
	b.Grow(n)
	for k, l := range lines {
		if k > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strings.TrimSpace(l))
	}
	return b.String()
}

// parseList parses the list that starts at lines[0], source line first,
// and returns it and how many lines it took.
func parseList(lines []string, first, depth int) (block, int) {
	ind0, rest0 := indentOf(lines[0])
	m0, _ := listMarker(rest0)
	b := block{kind: bList, line: first, ordered: m0.ordered, start: m0.num}
	i := 0
	for i < len(lines) {
		ind, rest := indentOf(lines[i])
		m, ok := listMarker(rest)
		if !ok || m.ordered != b.ordered || ind >= ind0+2 {
			break
		}
		itemLine := first + i
		contentCol := ind + m.width
		content := []string{m.content}
		inFence, _ := fenceOpen(m.content)
		for i++; i < len(lines); {
			l := lines[i]
			if isBlank(l) {
				j := i + 1
				for j < len(lines) && isBlank(lines[j]) {
					j++
				}
				if j < len(lines) {
					if lj, _ := indentOf(lines[j]); lj >= ind+2 {
						for ; i < j; i++ {
							content = append(content, "")
						}
						continue
					}
				}
				if !inFence {
					break
				}
				content = append(content, "")
				i++
				continue
			}
			li, r := indentOf(l)
			if li >= ind+2 || (inFence && li > ind) {
				content = append(content, dedent(l, min(li, contentCol)))
				if inFence {
					inFence = !isFenceClose(r)
				} else {
					inFence, _ = fenceOpen(r)
				}
				i++
				continue
			}
			// An unindented line straight after text continues it, unless
			// it is the next item.
			if _, ok := listMarker(r); ok {
				break
			}
			if !inFence && content[len(content)-1] != "" && !interrupts(l) {
				content = append(content, r)
				i++
				continue
			}
			break
		}
		b.items = append(b.items, parseBlocks(content, itemLine, depth+1))
		// Blank lines between this item and a sibling make the list loose.
		j := i
		for j < len(lines) && isBlank(lines[j]) {
			j++
		}
		if j > i && j < len(lines) {
			nj, r := indentOf(lines[j])
			if m, ok := listMarker(r); ok && m.ordered == b.ordered && nj < ind0+2 {
				b.loose = true
				i = j
			}
		}
	}
	if i == 0 { // cannot happen, but never loop forever
		i = 1
	}
	return b, i
}
