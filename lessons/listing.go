package lessons

import (
	"regexp"
	"strings"
)

// Listing is a lesson's Python program, as shown to the student. Lines that
// events point at carry a tag in the source (`lock.acquire()  #@acquire`);
// the tag is stripped from what is shown, and At gives its line number, so
// that editing a listing never silently shifts the markers.
type Listing struct {
	lines []string
	tags  map[string]int
}

var tagRE = regexp.MustCompile(`\s*#@([a-z0-9_-]+)\s*$`)

// NewListing parses a listing; a leading newline is dropped.
func NewListing(src string) *Listing {
	l := &Listing{tags: map[string]int{}}
	for i, line := range strings.Split(strings.TrimPrefix(strings.TrimRight(src, "\n "), "\n"), "\n") {
		if m := tagRE.FindStringSubmatchIndex(line); m != nil {
			tag := line[m[2]:m[3]]
			if _, dup := l.tags[tag]; dup {
				panic("lessons: listing tag used twice: " + tag)
			}
			l.tags[tag] = i + 1
			line = line[:m[0]]
		}
		l.lines = append(l.lines, line)
	}
	return l
}

// At is the line number (from 1) of the tagged line; it panics on an unknown
// tag, which the scenario tests catch.
func (l *Listing) At(tag string) int {
	n, ok := l.tags[tag]
	if !ok {
		panic("lessons: no listing line tagged " + tag)
	}
	return n
}

// Lines are the listing's lines, tags removed.
func (l *Listing) Lines() []string { return l.lines }

// Text is the listing as shown.
func (l *Listing) Text() string { return strings.Join(l.lines, "\n") }
