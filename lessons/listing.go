package lessons

import (
	"strings"
	"sync"
)

// Listing is a lesson's Python program, as shown to the student. Lines that
// events point at carry a tag in the source (`lock.acquire()  #@acquire`);
// the tag is stripped from what is shown, and At gives its line number, so
// that editing a listing never silently shifts the markers.
//
// A listing is parsed on first use, not at package initialisation: every
// child process initialises this package, and most never need a listing.
//
// A listing is a whole program: its first lines define its constants from
// the run's variant values, each written `NAME = {key}` (`BUYERS =
// {buyers}`), which Scenario.ProgramLines fills in with Python literals
// (PyLiteral). There is one line per constant whatever the values, so the
// line numbers stay those of the source.
type Listing struct {
	src    string
	once   sync.Once
	lines  []string
	tags   map[string]int
	consts []Constant
}

// Constant is one of a listing's constants: its line (from 1), its Python
// name, and the variant whose value it takes.
type Constant struct {
	Line int
	Name string
	Key  string
}

// NewListing holds a listing's source; a leading newline is dropped.
func NewListing(src string) *Listing { return &Listing{src: src} }

func (l *Listing) parse() {
	l.once.Do(func() {
		l.tags = map[string]int{}
		for i, line := range strings.Split(strings.TrimPrefix(strings.TrimRight(l.src, "\n "), "\n"), "\n") {
			if code, tag, ok := cutTag(line); ok {
				if _, dup := l.tags[tag]; dup {
					panic("lessons: listing tag used twice: " + tag)
				}
				l.tags[tag] = i + 1
				line = code
			}
			if c, ok := cutConstant(line); ok && len(l.consts) == i {
				c.Line = i + 1
				l.consts = append(l.consts, c)
			}
			l.lines = append(l.lines, line)
		}
	})
}

// cutTag splits `code  #@tag` into the code (trailing blanks removed) and
// the tag, a word of [a-z0-9_-].
func cutTag(line string) (code, tag string, ok bool) {
	i := strings.LastIndex(line, "#@")
	if i < 0 {
		return line, "", false
	}
	tag = strings.TrimRight(line[i+2:], " \t")
	if tag == "" || strings.Trim(tag, "abcdefghijklmnopqrstuvwxyz0123456789_-") != "" {
		return line, "", false
	}
	return strings.TrimRight(line[:i], " \t"), tag, true
}

// cutConstant reads a constant's line, `NAME = {key}`: NAME of
// [A-Z0-9_] starting with a letter, key of [a-z0-9_].
func cutConstant(line string) (Constant, bool) {
	name, rest, ok := strings.Cut(line, " = {")
	key, ok2 := strings.CutSuffix(rest, "}")
	if !ok || !ok2 || name == "" || key == "" || name[0] < 'A' || name[0] > 'Z' ||
		strings.Trim(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != "" ||
		strings.Trim(key, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
		return Constant{}, false
	}
	return Constant{Name: name, Key: key}, true
}

// Constants are the listing's constants, in order: its first lines.
func (l *Listing) Constants() []Constant {
	l.parse()
	return l.consts
}

// At is the line number (from 1) of the tagged line; it panics on an unknown
// tag, which the scenario tests catch.
func (l *Listing) At(tag string) int {
	l.parse()
	n, ok := l.tags[tag]
	if !ok {
		panic("lessons: no listing line tagged " + tag)
	}
	return n
}

// Lines are the listing's lines, tags removed; its constants' lines are
// as in the source (`BUYERS = {buyers}`): Scenario.ProgramLines has them
// with values.
func (l *Listing) Lines() []string {
	l.parse()
	return l.lines
}

// Text is the listing as shown.
func (l *Listing) Text() string { return strings.Join(l.Lines(), "\n") }
