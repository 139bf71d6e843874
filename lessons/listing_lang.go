package lessons

import (
	"slices"
	"strings"
)

// splitComment splits a listing line at its comment: `w.join()  # wait`
// is "w.join()  " and "wait". A # inside a string literal is not a
// comment. ok is false for a line without one.
func splitComment(line string) (code, comment string, ok bool) {
	var quote rune
	for i, c := range line {
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '#':
			return line[:i], strings.TrimPrefix(line[i+1:], " "), true
		}
	}
	return line, "", false
}

// ListingLines is the scenario's listing as shown in lang, with its
// constants at the variants' defaults: the same code on the same lines
// (events point at them), its comments in lang where the course has them
// (ListingZh), in English otherwise. It is made once: the demo view asks
// for it at every frame.
func (sc *Scenario) ListingLines(lang string) []string {
	if lang != "zh" {
		sc.enOnce.Do(func() { sc.enLines = sc.withValues(slices.Clone(sc.Listing.Lines()), nil) })
		return sc.enLines
	}
	sc.zhOnce.Do(func() {
		zh := sc.ListingZh
		lines := sc.Listing.Lines()
		sc.zhLines = make([]string, len(lines))
		for i, l := range lines {
			sc.zhLines[i] = l
			if code, comment, ok := splitComment(l); ok {
				if t, ok := zh[comment]; ok {
					sc.zhLines[i] = code + "# " + t
				}
			}
		}
		sc.zhLines = sc.withValues(sc.zhLines, nil)
	})
	return sc.zhLines
}

// ProgramLines is the listing in lang with its constants set from v (a
// key v lacks keeps its default): the program a run with these values
// stands for. Only the constants' lines differ from ListingLines.
func (sc *Scenario) ProgramLines(lang string, v Vars) []string {
	lines := sc.ListingLines(lang)
	out := lines
	for _, c := range sc.Listing.Constants() {
		l := constantLine(c, sc.value(v, c.Key))
		if l != lines[c.Line-1] {
			if &out[0] == &lines[0] {
				out = slices.Clone(lines)
			}
			out[c.Line-1] = l
		}
	}
	return out
}

// Program is the listing as a file, ready to save and run with python3:
// ProgramLines with a final newline.
func (sc *Scenario) Program(lang string, v Vars) string {
	return strings.Join(sc.ProgramLines(lang, v), "\n") + "\n"
}

// withValues sets the constants' lines of lines to v's values.
func (sc *Scenario) withValues(lines []string, v Vars) []string {
	for _, c := range sc.Listing.Constants() {
		lines[c.Line-1] = constantLine(c, sc.value(v, c.Key))
	}
	return lines
}

// value is v's value of key, or the variant's default.
func (sc *Scenario) value(v Vars, key string) string {
	if x, ok := v[key]; ok {
		return x
	}
	for _, x := range sc.Variants {
		if x.Key == key {
			return x.Default
		}
	}
	return ""
}

func constantLine(c Constant, value string) string {
	return c.Name + " = " + PyLiteral(value)
}

// PyLiteral is a variant value as Python: on and off are True and False,
// a number is itself, anything else a string ('fork'); nothing is None.
func PyLiteral(value string) string {
	switch {
	case value == "on":
		return "True"
	case value == "off":
		return "False"
	case value == "":
		return "None"
	case isNumber(value):
		return value
	}
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`).Replace(value) + "'"
}

// isNumber reports whether s is digits with at most one point among them.
func isNumber(s string) bool {
	digits, points := 0, 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.':
			points++
		default:
			return false
		}
	}
	return digits > 0 && points <= 1 && s[0] != '.' && s[len(s)-1] != '.'
}

// listingComments are the comments of a listing, in order, each once.
func listingComments(l *Listing) []string {
	var out []string
	seen := map[string]bool{}
	for _, line := range l.Lines() {
		if _, c, ok := splitComment(line); ok && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}
