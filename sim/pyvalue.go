package sim

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The limits on how much of a trace value is drawn (PyValue). A trace is
// data from anywhere: a value nested 9,000 deep, printed by a printer
// that recursed and decoded the rest at every level, took gigabytes and
// minutes every frame. (What a value may hold at all, trace.Read checks:
// trace.MaxValueDepth, trace.MaxLineBytes.)
const (
	// RenderDepth is how many levels of a value are drawn; a container
	// below that is drawn as Python draws a list that holds itself, [...]
	// (or {...}). Sixteen brackets already fill a lane's cell, so nothing
	// readable is lost, and the printer's recursion is bounded by it.
	RenderDepth = 16

	// RenderBytes is how much of a value is drawn, in bytes of text; the
	// rest is cut with "…". The widest terminal line is a few hundred
	// columns and every view cuts a value to its width, so 4 KiB loses
	// nothing and keeps the cost of drawing a value independent of its
	// size.
	RenderBytes = 4 << 10
)

// PyValue renders an event's payload as Python would print it, objects as
// dicts with their keys in order. At most RenderDepth levels and
// RenderBytes bytes are drawn (see ValueElided); the time it takes is
// bounded by the payload's length.
func PyValue(raw json.RawMessage) string { return valText(raw) }

// ValueElided reports whether PyValue draws less than the whole value:
// it nests deeper than RenderDepth or its text is longer than RenderBytes.
func ValueElided(raw json.RawMessage) bool {
	_, elided := pyValue(raw)
	return elided
}

// valText is PyValue.
func valText(raw json.RawMessage) string {
	s, _ := pyValue(raw)
	return s
}

// pyValue prints raw, and says whether anything was elided. A payload that
// is not JSON is shown as it is, cut to RenderBytes.
func pyValue(raw json.RawMessage) (string, bool) {
	p := pyPrinter{in: raw}
	p.ws()
	ok := p.value(0) && p.ws() && p.i == len(p.in)
	if !ok && !p.full {
		return cutBytes(string(raw), RenderBytes), len(raw) > RenderBytes
	}
	if p.full {
		return p.out.String() + "…", true
	}
	return p.out.String(), p.elided
}

// cutBytes cuts s to at most n bytes on a rune boundary, marking the cut.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// pyPrinter walks JSON text once, left to right, writing Python's repr of
// it. It recurses only RenderDepth deep: deeper containers are skipped by
// counting brackets.
type pyPrinter struct {
	in     []byte
	i      int
	out    strings.Builder
	full   bool // RenderBytes written: stop
	elided bool // a container was drawn as [...]
}

func (p *pyPrinter) write(s string) {
	if p.full {
		return
	}
	if room := RenderBytes - p.out.Len(); len(s) > room {
		for room > 0 && !utf8.RuneStart(s[room]) {
			room--
		}
		p.out.WriteString(s[:room])
		p.full = true
		return
	}
	p.out.WriteString(s)
}

// ws skips white space; it returns true so that it can be chained.
func (p *pyPrinter) ws() bool {
	for p.i < len(p.in) && (p.in[p.i] == ' ' || p.in[p.i] == '\t' || p.in[p.i] == '\n' || p.in[p.i] == '\r') {
		p.i++
	}
	return true
}

// value prints the value at p.i, depth containers deep; false: not JSON,
// or the output is full.
func (p *pyPrinter) value(depth int) bool {
	if p.full || p.i >= len(p.in) {
		return false
	}
	switch c := p.in[p.i]; {
	case c == '[' || c == '{':
		if depth >= RenderDepth {
			if !p.skip() {
				return false
			}
			p.elided = true
			if c == '[' {
				p.write("[...]")
			} else {
				p.write("{...}")
			}
			return !p.full
		}
		return p.container(depth)
	case c == '"':
		s, ok := p.str()
		if !ok {
			return false
		}
		p.write(pyQuote(s))
	case c == 't' || c == 'f' || c == 'n':
		for _, w := range [...][2]string{{"true", "True"}, {"false", "False"}, {"null", "None"}} {
			if strings.HasPrefix(string(p.in[p.i:min(len(p.in), p.i+5)]), w[0]) {
				p.i += len(w[0])
				p.write(w[1])
				return !p.full
			}
		}
		return false
	default:
		start := p.i
		for p.i < len(p.in) && strings.IndexByte("+-0123456789.eE", p.in[p.i]) >= 0 {
			p.i++
		}
		lit := string(p.in[start:p.i])
		if lit == "" {
			return false
		}
		if f, err := strconv.ParseFloat(lit, 64); err == nil {
			lit = strconv.FormatFloat(f, 'g', -1, 64)
		}
		p.write(lit)
	}
	return !p.full
}

// container prints a list or a dict, keys in their order.
func (p *pyPrinter) container(depth int) bool {
	open := p.in[p.i]
	end := byte(']')
	if open == '{' {
		end = '}'
	}
	p.i++
	p.write(string(open))
	p.ws()
	if p.i < len(p.in) && p.in[p.i] == end {
		p.i++
		p.write(string(end))
		return !p.full
	}
	for first := true; ; first = false {
		if !first {
			p.write(", ")
		}
		p.ws()
		if open == '{' {
			if p.i >= len(p.in) || p.in[p.i] != '"' {
				return false
			}
			k, ok := p.str()
			if !ok {
				return false
			}
			p.write(pyQuote(k) + ": ")
			p.ws()
			if p.i >= len(p.in) || p.in[p.i] != ':' {
				return false
			}
			p.i++
			p.ws()
		}
		if !p.value(depth + 1) {
			return false
		}
		p.ws()
		if p.i >= len(p.in) {
			return false
		}
		switch p.in[p.i] {
		case ',':
			p.i++
		case end:
			p.i++
			p.write(string(end))
			return !p.full
		default:
			return false
		}
	}
}

// str reads the JSON string at p.i.
func (p *pyPrinter) str() (string, bool) {
	start := p.i
	if _, ok := p.skipStr(); !ok {
		return "", false
	}
	var s string
	if json.Unmarshal(p.in[start:p.i], &s) != nil {
		return "", false
	}
	return s, true
}

// skip passes over the container at p.i without drawing it.
func (p *pyPrinter) skip() bool {
	depth := 0
	for p.i < len(p.in) {
		switch p.in[p.i] {
		case '"':
			if _, ok := p.skipStr(); !ok {
				return false
			}
			continue
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				p.i++
				return true
			}
		}
		p.i++
	}
	return false
}

// skipStr passes over the string at p.i.
func (p *pyPrinter) skipStr() (int, bool) {
	start := p.i
	p.i++
	for p.i < len(p.in) {
		switch p.in[p.i] {
		case '\\':
			p.i += 2
			continue
		case '"':
			p.i++
			return p.i - start, true
		}
		p.i++
	}
	return 0, false
}

// pyQuote is Python's repr of a str: in ' quotes unless the text has a '
// and no ", with backslash escapes for the quote, \n, \r, \t and every
// other control character (\x1b, \x00, ...), so that no value drawn from a
// trace can send escape sequences to the terminal.
func pyQuote(v string) string {
	q := byte('\'')
	if strings.Contains(v, "'") && !strings.Contains(v, `"`) {
		q = '"'
	}
	var b strings.Builder
	b.Grow(len(v) + 2)
	b.WriteByte(q)
	for _, r := range v {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case rune(q):
			b.WriteString(`\` + string(q))
		default:
			writeEscaped(&b, r)
		}
	}
	b.WriteByte(q)
	return b.String()
}

// Printable is s with each control character written as its escape, for
// text from a trace that a view draws as it is (a pool's function name, a
// pipe end's name, a file's content).
func Printable(s string) string { return printable(s) }

// isControl reports whether r is a control character: C0, DEL or C1.
func isControl(r rune) bool { return r < 0x20 || (r >= 0x7f && r < 0xa0) }

// printable is s with each control character written as its escape (\n,
// \x1b), so that text from a trace, drawn as it is, cannot move the
// terminal's cursor or change its colours.
func printable(s string) string {
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		writeEscaped(&b, r)
	}
	return b.String()
}

// writeEscaped writes r, or its escape if it is a control character: \n,
// \r, \t, else \xNN, as Python's repr writes them.
func writeEscaped(b *strings.Builder, r rune) {
	switch {
	case r == '\n':
		b.WriteString(`\n`)
	case r == '\r':
		b.WriteString(`\r`)
	case r == '\t':
		b.WriteString(`\t`)
	case isControl(r):
		b.WriteString(`\x` + strconv.FormatInt(int64(r)|0x100, 16)[1:])
	default:
		b.WriteRune(r)
	}
}
