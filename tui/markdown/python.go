package markdown

import "strings"

// pyState is the state of the tiny Python highlighter between lines: the
// quotes of a triple-quoted string still open, if any.
type pyState struct {
	triple string
}

func isPyKeyword(s string) bool {
	switch s {
	case "False", "None", "True", "and", "as", "assert", "async", "await",
		"break", "class", "continue", "def", "del", "elif", "else", "except",
		"finally", "for", "from", "global", "if", "import", "in", "is",
		"lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try",
		"while", "with", "yield":
		return true
	}
	return false
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// line appends the cells of one line of Python, highlighted, to cells.
func (p *pyState) line(cells []cell, s string, maxW int) []cell {
	const (
		plain   = sCodeBlock << nFlags
		keyword = sKeyword << nFlags
		str     = sString << nFlags
		comment = sComment << nFlags
	)
	add := func(t string, st uint16) {
		cells = appendText(cells, t, st, false, maxW)
	}
	i := 0
	if p.triple != "" {
		j := strings.Index(s, p.triple)
		if j < 0 {
			add(s, str)
			return cells
		}
		add(s[:j+3], str)
		i = j + 3
		p.triple = ""
	}
	for i < len(s) {
		c := s[i]
		switch {
		case c == '#':
			add(s[i:], comment)
			return cells
		case c == '"' || c == '\'':
			q := s[i : i+1]
			if strings.HasPrefix(s[i:], q+q+q) {
				q = s[i : i+3]
				j := strings.Index(s[i+3:], q)
				if j < 0 {
					add(s[i:], str)
					p.triple = q
					return cells
				}
				add(s[i:i+3+j+3], str)
				i += 3 + j + 3
				continue
			}
			j := i + 1
			for j < len(s) && s[j] != c {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			j = min(j+1, len(s))
			add(s[i:j], str)
			i = j
		case isIdentByte(c) && !(c >= '0' && c <= '9'):
			j := i + 1
			for j < len(s) && isIdentByte(s[j]) {
				j++
			}
			st := uint16(plain)
			if isPyKeyword(s[i:j]) {
				st = keyword
			}
			add(s[i:j], st)
			i = j
		default:
			j := i + 1
			for j < len(s) && !isIdentByte(s[j]) && s[j] != '#' && s[j] != '"' && s[j] != '\'' {
				j++
			}
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			add(s[i:j], plain)
			i = j
		}
	}
	return cells
}
