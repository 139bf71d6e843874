package markdown

import (
	"strings"
	"unicode/utf8"
)

// Inline flags: what a span of text is marked as.
const (
	fStrong uint8 = 1 << iota
	fEmph
	fCode
	fLink
	fURL
	nFlags = 5
)

// maxInlineDepth bounds how deeply emphasis and links nest.
const maxInlineDepth = 16

// maxLinkLen bounds how far a link's closing bracket and parenthesis are
// looked for, so that text full of brackets stays linear.
const maxLinkLen = 2048

// span is a run of text with the same inline flags.
type span struct {
	s string
	f uint8
}

// inlineParser turns paragraph text into spans. With lint set, it also
// notes where a ** or ` is never closed.
type inlineParser struct {
	spans    []span
	lint     bool
	unclosed []unclosed
}

type unclosed struct {
	off   int // byte offset in the parsed text
	delim string
}

func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f'
}

func isASCIIPunct(c byte) bool {
	return c >= '!' && c <= '/' || c >= ':' && c <= '@' || c >= '[' && c <= '`' || c >= '{' && c <= '~'
}

// isWordByte reports whether c is part of a word, for intraword _: ASCII
// letters and digits, and any byte of a non-ASCII character.
func isWordByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// runLen returns how many times s[i] repeats from i.
func runLen(s string, i int) int {
	n := 1
	for i+n < len(s) && s[i+n] == s[i] {
		n++
	}
	return n
}

// parse appends the spans of s, marked with f, to p.spans. off is s's
// offset in the text given to the outermost call.
func (p *inlineParser) parse(s string, f uint8, depth, off int) {
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			p.spans = append(p.spans, span{lit.String(), f})
			lit.Reset()
		}
	}
	// Once a closer is not found from some point, it is not found from
	// any later point either: remember that, to stay linear.
	var noStrong, noEmph, noUnder bool
	var noTicks [9]bool
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && isASCIIPunct(s[i+1]):
			lit.WriteByte(s[i+1])
			i += 2
			continue
		case c == '`':
			n := runLen(s, i)
			if n < len(noTicks) && !noTicks[n] {
				if j := findTicks(s, i+n, n); j >= 0 {
					flush()
					p.spans = append(p.spans, span{codeText(s[i+n : j]), f | fCode})
					i = j + n
					continue
				}
				noTicks[n] = true
			}
			p.note(off+i, s[i:i+n])
			lit.WriteString(s[i : i+n])
			i += n
			continue
		case c == '*' && depth < maxInlineDepth:
			n := runLen(s, i)
			if n >= 2 && !noStrong && i+2 < len(s) && !isSpaceByte(s[i+2]) {
				if j := findCloser(s, i+2, "**"); j >= 0 {
					flush()
					p.parse(s[i+2:j], f|fStrong, depth+1, off+i+2)
					i = j + 2
					continue
				}
				noStrong = true
				p.note(off+i, "**")
			}
			if n == 1 && !noEmph && i+1 < len(s) && !isSpaceByte(s[i+1]) {
				if j := findCloser(s, i+1, "*"); j >= 0 {
					flush()
					p.parse(s[i+1:j], f|fEmph, depth+1, off+i+1)
					i = j + 1
					continue
				}
				noEmph = true
			}
			lit.WriteString(s[i : i+n])
			i += n
			continue
		case c == '_' && depth < maxInlineDepth:
			n := runLen(s, i)
			if n == 1 && !noUnder && (i == 0 || !isWordByte(s[i-1])) && i+1 < len(s) && !isSpaceByte(s[i+1]) {
				if j := findCloser(s, i+1, "_"); j >= 0 {
					flush()
					p.parse(s[i+1:j], f|fEmph, depth+1, off+i+1)
					i = j + 1
					continue
				}
				noUnder = true
			}
			lit.WriteString(s[i : i+n])
			i += n
			continue
		case c == '[' && depth < maxInlineDepth:
			if j, k, ok := findLink(s, i); ok {
				flush()
				first := len(p.spans)
				p.parse(s[i+1:j], f|fLink, depth+1, off+i+1)
				url := linkURL(s[j+2 : k])
				var label strings.Builder
				for _, sp := range p.spans[first:] {
					label.WriteString(sp.s)
				}
				if url != "" && url != strings.TrimSpace(label.String()) {
					p.spans = append(p.spans, span{" (" + url + ")", f | fURL})
				}
				i = k + 1
				continue
			}
		}
		// Copy up to the next byte that may start markup.
		j := i + 1
		for j < len(s) && !strings.ContainsRune("\\`*_[", rune(s[j])) {
			j++
		}
		lit.WriteString(s[i:j])
		i = j
	}
	flush()
}

// note records an unclosed delimiter when linting.
func (p *inlineParser) note(off int, delim string) {
	if p.lint && (delim == "**" || delim[0] == '`') {
		p.unclosed = append(p.unclosed, unclosed{off, delim})
	}
}

// findTicks returns where a run of exactly n backticks starts at or after
// i, or -1.
func findTicks(s string, i, n int) int {
	for i < len(s) {
		j := strings.IndexByte(s[i:], '`')
		if j < 0 {
			return -1
		}
		j += i
		m := runLen(s, j)
		if m == n {
			return j
		}
		i = j + m
	}
	return -1
}

// codeText is a code span's text: line breaks become spaces, and one space
// each side is dropped when both are there and the text is not all spaces.
func codeText(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) >= 2 && s[0] == ' ' && s[len(s)-1] == ' ' && strings.Trim(s, " ") != "" {
		s = s[1 : len(s)-1]
	}
	return s
}

// findCloser returns where the closing delim (** or * or _) for an opener
// just before i is, or -1. A closer follows a non-space and is outside
// code spans. In a run of three or more *, the closer is the run's last
// one or two; a lone * does not close at a run of exactly two (that is
// **). A _ closer is alone and not followed by a word character.
func findCloser(s string, i int, delim string) int {
	c := delim[0]
	for j := i; j < len(s); j++ {
		if s[j] == '\\' {
			j++
			continue
		}
		if s[j] == '`' { // skip a closed code span
			n := runLen(s, j)
			if k := findTicks(s, j+n, n); k >= 0 {
				j = k + n - 1
				continue
			}
			j += n - 1
			continue
		}
		if s[j] != c || j == i || isSpaceByte(s[j-1]) {
			continue
		}
		n := runLen(s, j)
		switch {
		case c == '_':
			if n == 1 && (j+1 == len(s) || !isWordByte(s[j+1])) {
				return j
			}
		case len(delim) == 2:
			if n >= 2 {
				return j + n - 2
			}
		default:
			if n == 1 || n >= 3 {
				return j + n - 1
			}
		}
		j += n - 1
	}
	return -1
}

// findLink reports whether s[i:] starts a link [text](url), with the
// offsets of its "]" and closing ")".
func findLink(s string, i int) (int, int, bool) {
	limit := min(len(s), i+maxLinkLen)
	depth := 0
	j := i
	for ; j < limit; j++ {
		switch s[j] {
		case '\\':
			j++
		case '[':
			depth++
		case ']':
			depth--
		}
		if depth == 0 {
			break
		}
	}
	if j+1 >= limit || s[j] != ']' || s[j+1] != '(' {
		return 0, 0, false
	}
	depth = 0
	for k := j + 1; k < limit; k++ {
		switch s[k] {
		case '\\':
			k++
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return j, k, true
			}
		}
	}
	return 0, 0, false
}

// linkURL is the url written between a link's parentheses, without <>
// and without a title.
func linkURL(s string) string {
	s = strings.TrimSpace(s)
	if k := strings.IndexAny(s, " \t\n"); k >= 0 {
		s = s[:k] // drop a title: [text](url "title")
	}
	if len(s) >= 2 && s[0] == '<' && s[len(s)-1] == '>' {
		s = s[1 : len(s)-1]
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s
}
