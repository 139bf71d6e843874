package markdown

import (
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// cell is one grapheme cluster of text to lay out, with its style.
type cell struct {
	s  string
	r  rune   // the cluster's first rune
	w  int    // display width
	st uint16 // style key: see renderer.affix
	sp bool   // a (collapsed) space: a break opportunity
}

// isCJK reports whether r is CJK for line breaking: ideographs, kana,
// Hangul, bopomofo, CJK symbols and punctuation, fullwidth forms.
func isCJK(r rune) bool {
	switch {
	case r < 0x1100:
		return false
	case r <= 0x11FF: // Hangul Jamo
		return true
	case r >= 0x2E80 && r <= 0x9FFF: // radicals, CJK punctuation, kana, ideographs
		return true
	case r >= 0xA960 && r <= 0xA97F, r >= 0xAC00 && r <= 0xD7FF: // Hangul
		return true
	case r >= 0xF900 && r <= 0xFAFF, r >= 0xFE30 && r <= 0xFE4F: // compatibility
		return true
	case r >= 0xFF00 && r <= 0xFFEF: // fullwidth and halfwidth forms
		return true
	case r >= 0x1B000 && r <= 0x1B16F, r >= 0x20000 && r <= 0x3FFFF: // kana, ideographs
		return true
	}
	return false
}

// isClosing reports whether r may not start a line (kinsoku): closing
// brackets and quotes, and punctuation that ends a clause.
func isClosing(r rune) bool {
	switch r {
	case '，', '。', '、', '；', '：', '？', '！', '）', '」', '』', '】', '》', '〉',
		'〕', '〗', '〙', '〛', '］', '｝', '｠', '．', '・', 'ー', '々', '〜', '～',
		'｡', '､', '”', '’', '…', '‥', '〞',
		',', '.', ';', ':', '!', '?', ')', ']', '}', '%':
		return true
	}
	return false
}

// isOpening reports whether r may not end a line (kinsoku): opening
// brackets and quotes.
func isOpening(r rune) bool {
	switch r {
	case '（', '「', '『', '【', '《', '〈', '〔', '〖', '〘', '〚', '［', '｛', '｟',
		'“', '‘', '〝', '(', '[', '{':
		return true
	}
	return false
}

// canBreak reports whether a line may break between two adjacent
// non-space cells a and b.
func canBreak(a, b rune) bool {
	return (isCJK(a) || isCJK(b)) && !isClosing(b) && !isOpening(a)
}

// isControl reports whether r is a control character, never shown.
func isControl(r rune) bool {
	return r < 0x20 || r >= 0x7f && r < 0xa0
}

// appendText appends the cells of s, styled st, to cells. With collapse,
// runs of white space become one space cell and leading white space is
// dropped; without, tabs become spaces to the next multiple of 4 columns
// (counted from the start of cells). Control characters are dropped, and
// a cluster wider than maxW is shown as "…".
func appendText(cells []cell, s string, st uint16, collapse bool, maxW int) []cell {
	for s != "" {
		g, w := ansi.FirstGraphemeCluster(s, ansi.GraphemeWidth)
		if g == "" {
			break
		}
		s = s[len(g):]
		r, _ := utf8.DecodeRuneInString(g)
		if r == ' ' || r == '\t' || r == '\n' || r == '\v' || r == '\f' {
			if collapse {
				if len(cells) > 0 && !cells[len(cells)-1].sp {
					cells = append(cells, cell{s: " ", r: ' ', w: 1, st: st, sp: true})
				}
				continue
			}
			n := 1
			if r == '\t' {
				col := 0
				for _, c := range cells {
					col += c.w
				}
				n = 4 - col%4
			}
			for range n {
				cells = append(cells, cell{s: " ", r: ' ', w: 1, st: st})
			}
			continue
		}
		if isControl(r) {
			continue
		}
		if w > maxW {
			g, r, w = "…", '…', 1
		}
		cells = append(cells, cell{s: g, r: r, w: w, st: st})
	}
	return cells
}

// word is a run of cells that is not broken unless it is wider than a
// line: [start, end) in the cells, and whether a space cell comes before
// it.
type word struct {
	start, end, w int
	space         bool
}

// words cuts cells (made with collapse) into words, at spaces and where
// canBreak allows. A space before closing punctuation, or after opening
// punctuation, is kept inside a word, so that kinsoku holds there too.
func words(cells []cell, ws []word) []word {
	ws = ws[:0]
	end := len(cells)
	for end > 0 && cells[end-1].sp {
		end--
	}
	start := 0
	for start < end && cells[start].sp {
		start++
	}
	if start >= end {
		return ws
	}
	cur := word{start: start, w: cells[start].w}
	for i := start + 1; i < end; i++ {
		c := cells[i]
		if c.sp {
			continue
		}
		prev := cells[i-1]
		switch {
		case prev.sp:
			if isClosing(c.r) || i >= 2 && isOpening(cells[i-2].r) {
				cur.w += prev.w
				break
			}
			cur.end = i - 1
			ws = append(ws, cur)
			cur = word{start: i, space: true}
		case canBreak(prev.r, c.r):
			cur.end = i
			ws = append(ws, cur)
			cur = word{start: i}
		}
		cur.w += c.w
	}
	cur.end = end
	return append(ws, cur)
}

// wrap lays the words of cells out in lines at most width w wide, and
// returns each line as a [start, end) range of cells. Every cell must be
// at most w wide.
func wrap(cells []cell, ws []word, w int, lines [][2]int) [][2]int {
	lines = lines[:0]
	start, end, lw := -1, 0, 0
	for _, wd := range ws {
		if start >= 0 {
			sp := 0
			if wd.space {
				sp = cells[wd.start-1].w
			}
			if lw+sp+wd.w <= w {
				end, lw = wd.end, lw+sp+wd.w
				continue
			}
			lines = append(lines, [2]int{start, end})
			start = -1
		}
		if wd.w <= w {
			start, end, lw = wd.start, wd.end, wd.w
			continue
		}
		// A word wider than a line: break it between clusters, still
		// keeping closing punctuation off a line's start and opening
		// punctuation off its end when one cluster can move across.
		a, aw := wd.start, 0
		for k := wd.start; k < wd.end; k++ {
			c := cells[k]
			if a == k && c.sp {
				a++
				continue
			}
			if aw+c.w > w && k > a {
				cut := k
				p := k - 1
				for p > a && cells[p].sp {
					p--
				}
				if p > a && (isClosing(c.r) || isOpening(cells[p].r)) {
					mw := 0
					for j := p; j <= k; j++ {
						mw += cells[j].w
					}
					if mw <= w {
						cut = p
					}
				}
				e := cut
				for e > a && cells[e-1].sp {
					e--
				}
				lines = append(lines, [2]int{a, e})
				a, aw = cut, 0
				for a < k && cells[a].sp {
					a++
				}
				for j := a; j < k; j++ {
					aw += cells[j].w
				}
				if a == k && c.sp {
					a++
					continue
				}
			}
			aw += c.w
		}
		if a < wd.end {
			start, end, lw = a, wd.end, aw
		}
	}
	if start >= 0 {
		lines = append(lines, [2]int{start, end})
	}
	return lines
}
