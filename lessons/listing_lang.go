package lessons

import "strings"

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

// ListingLines is the scenario's listing as shown in lang: the same code
// on the same lines (events point at them), its comments in lang where the
// course has them (ListingZh), in English otherwise. It is made once: the
// demo view asks for it at every frame.
func (sc *Scenario) ListingLines(lang string) []string {
	lines := sc.Listing.Lines()
	if lang != "zh" {
		return lines
	}
	sc.zhOnce.Do(func() {
		zh := sc.ListingZh
		sc.zhLines = make([]string, len(lines))
		for i, l := range lines {
			sc.zhLines[i] = l
			if code, comment, ok := splitComment(l); ok {
				if t, ok := zh[comment]; ok {
					sc.zhLines[i] = code + "# " + t
				}
			}
		}
	})
	return sc.zhLines
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
