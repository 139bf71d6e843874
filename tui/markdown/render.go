package markdown

import (
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Base styles: the block a cell is in. A style key is base<<nFlags|flags.
const (
	sText uint16 = iota
	sH1
	sH2
	sH3
	sQuote
	sCodeBlock
	sKeyword
	sString
	sComment
	sBullet
	sRule
	sQuoteBar
)

// sentinel is rendered with a style to find the escape sequences that the
// style puts before and after text.
const sentinel = "\ue000"

// affix is how a style key is applied: pre and suf around the text, or,
// when a style does more than that, render.
type affix struct {
	pre, suf string
	render   *lipgloss.Style
}

// renderer renders one document. Its buffers are reused from block to
// block.
type renderer struct {
	th        Theme
	affixes   map[uint16]affix
	cells     []cell
	words     []word
	lines     [][2]int
	inl       inlineParser
	listDepth int
}

// Render renders the Markdown src (in the subset described in the package
// doc) for a terminal width columns wide, with the styles of th. It
// returns the lines joined by "\n"; each is at most width columns wide by
// ansi.StringWidth, and closes any styling it opens. Render does not
// panic on any input; with width < 1 it returns "".
func Render(src string, width int, th Theme) string {
	if width < 1 {
		return ""
	}
	r := &renderer{th: th, affixes: make(map[uint16]affix)}
	lines := r.blocks(nil, parseBlocks(splitLines(src), 1, 0), width, sText, false)
	for i, l := range lines {
		if ansi.StringWidth(l) > width { // only if a Theme style pads
			lines[i] = ansi.Truncate(l, width, "")
		}
	}
	return strings.Join(lines, "\n")
}

// blocks appends the lines of bs, rendered w wide, to out. base is the
// style of their text; inItem tells that they are a list item's.
func (r *renderer) blocks(out []string, bs []block, w int, base uint16, inItem bool) []string {
	n0 := len(out)
	for _, b := range bs {
		// A blank line between blocks, but none before a list nested in
		// an item, and none for a block that renders to nothing.
		sep := len(out) > n0 && !(inItem && b.kind == bList)
		if sep {
			out = append(out, "")
		}
		n1 := len(out)
		switch b.kind {
		case bPara:
			out = r.text(out, b.text, w, base)
		case bHeading:
			st := sH3
			if b.level == 1 {
				st = sH1
			} else if b.level == 2 {
				st = sH2
			}
			out = r.text(out, b.text, w, st)
		case bRule:
			out = append(out, r.styled(strings.Repeat("─", w), sRule<<nFlags))
		case bCode:
			out = r.code(out, b, w)
		case bQuote:
			out = r.quote(out, b, w)
		case bList:
			out = r.list(out, b, w, base)
		}
		if sep && len(out) == n1 {
			out = out[:n1-1]
		}
	}
	return out
}

// text appends the lines of inline text s, wrapped to w, to out.
func (r *renderer) text(out []string, s string, w int, base uint16) []string {
	r.inl.spans = r.inl.spans[:0]
	r.inl.parse(s, 0, 0, 0)
	cells := r.cells[:0]
	for _, sp := range r.inl.spans {
		cells = appendText(cells, sp.s, base<<nFlags|uint16(sp.f), true, w)
	}
	r.cells = cells
	r.words = words(cells, r.words)
	r.lines = wrap(cells, r.words, w, r.lines)
	for _, l := range r.lines {
		out = append(out, r.emit(cells[l[0]:l[1]]))
	}
	return out
}

// code appends the lines of fenced code block b to out: indented by 2,
// not wrapped, cut with "…" where wider than w.
func (r *renderer) code(out []string, b block, w int) []string {
	indent := "  "
	if w < 3 {
		indent = ""
	}
	cw := w - len(indent)
	py := b.lang == "python" || b.lang == "py" || b.lang == "python3"
	var hl pyState
	st := sCodeBlock << nFlags
	for _, line := range b.lines {
		cells := r.cells[:0]
		if py {
			cells = hl.line(cells, line, cw)
		} else {
			cells = appendText(cells, line, st, false, cw)
		}
		n := len(cells)
		for n > 0 && cells[n-1].s == " " {
			n--
		}
		cells = cells[:n]
		lw := 0
		for i, c := range cells {
			if lw+c.w > cw {
				// Cut: drop cells until "…" fits.
				for i > 0 && lw+1 > cw {
					i--
					lw -= cells[i].w
				}
				cells = append(cells[:i], cell{s: "…", r: '…', w: 1, st: st})
				break
			}
			lw += c.w
		}
		r.cells = cells
		if len(cells) == 0 {
			out = append(out, "")
			continue
		}
		out = append(out, indent+r.emit(cells))
	}
	return out
}

// quote appends the lines of block quote b to out, each after a bar.
func (r *renderer) quote(out []string, b block, w int) []string {
	if w < 4 { // no room for the bar
		return r.blocks(out, b.children, w, sQuote, false)
	}
	bar := r.styled("│", sQuoteBar<<nFlags)
	first := len(out)
	out = r.blocks(out, b.children, w-2, sQuote, false)
	for i := first; i < len(out); i++ {
		if out[i] == "" {
			out[i] = bar
		} else {
			out[i] = bar + " " + out[i]
		}
	}
	return out
}

// list appends the lines of list b to out. An item's first line follows
// its bullet or number, and its other lines hang aligned after it.
func (r *renderer) list(out []string, b block, w int, base uint16) []string {
	marks := make([]string, len(b.items))
	mw := 0
	for i := range b.items {
		if b.ordered {
			marks[i] = strconv.Itoa(b.start+i) + "."
		} else {
			marks[i] = [...]string{"•", "◦", "▪"}[r.listDepth%3]
		}
		mw = max(mw, ansi.StringWidth(marks[i]))
	}
	mw++ // the space after the marker
	r.listDepth++
	defer func() { r.listDepth-- }()
	pad := strings.Repeat(" ", mw)
	for i, item := range b.items {
		if i > 0 && b.loose {
			out = append(out, "")
		}
		if w-mw < 2 { // no room for the marker
			out = r.blocks(out, item, w, base, true)
			continue
		}
		first := len(out)
		out = r.blocks(out, item, w-mw, base, true)
		mark := strings.Repeat(" ", mw-1-ansi.StringWidth(marks[i])) + r.styled(marks[i], sBullet<<nFlags)
		if len(out) == first {
			out = append(out, mark)
			continue
		}
		for j := first; j < len(out); j++ {
			switch {
			case j == first && out[j] == "":
				out[j] = mark
			case j == first:
				out[j] = mark + " " + out[j]
			case out[j] != "":
				out[j] = pad + out[j]
			}
		}
	}
	return out
}

// styled renders s, made of narrow characters, with style key st.
func (r *renderer) styled(s string, st uint16) string {
	a := r.affix(st)
	if a.render != nil {
		return a.render.Render(s)
	}
	return a.pre + s + a.suf
}

// emit renders cells as one line, each run of cells of one style with it.
func (r *renderer) emit(cells []cell) string {
	var b strings.Builder
	for i := 0; i < len(cells); {
		st := cells[i].st
		j := i
		for j < len(cells) && cells[j].st == st {
			j++
		}
		a := r.affix(st)
		if a.render != nil {
			var t strings.Builder
			for _, c := range cells[i:j] {
				t.WriteString(c.s)
			}
			b.WriteString(a.render.Render(t.String()))
		} else {
			b.WriteString(a.pre)
			for _, c := range cells[i:j] {
				b.WriteString(c.s)
			}
			b.WriteString(a.suf)
		}
		i = j
	}
	return b.String()
}

// affix returns how style key st is applied, working it out the first time.
func (r *renderer) affix(st uint16) affix {
	if a, ok := r.affixes[st]; ok {
		return a
	}
	th := &r.th
	var s lipgloss.Style
	switch st >> nFlags {
	case sH1:
		s = th.H1
	case sH2:
		s = th.H2
	case sH3:
		s = th.H3
	case sQuote:
		s = th.Quote
	case sCodeBlock:
		s = th.CodeBlock
	case sKeyword:
		s = th.Keyword.Inherit(th.CodeBlock)
	case sString:
		s = th.String.Inherit(th.CodeBlock)
	case sComment:
		s = th.Comment.Inherit(th.CodeBlock)
	case sBullet:
		s = th.Bullet
	case sRule:
		s = th.Rule
	case sQuoteBar:
		s = th.QuoteBar
	default:
		s = th.Text
	}
	f := uint8(st & (1<<nFlags - 1))
	if f&fCode != 0 {
		s = th.Code.Inherit(s)
	}
	if f&fStrong != 0 {
		s = th.Strong.Inherit(s)
	}
	if f&fEmph != 0 {
		s = th.Emph.Inherit(s)
	}
	if f&fLink != 0 {
		s = th.Link.Inherit(s)
	}
	if f&fURL != 0 {
		s = th.LinkURL.Inherit(s)
	}
	var a affix
	out := s.Render(sentinel)
	if k := strings.Index(out, sentinel); k >= 0 && strings.Count(out, sentinel) == 1 &&
		ansi.StringWidth(out) == ansi.StringWidth(sentinel) {
		a.pre, a.suf = out[:k], out[k+len(sentinel):]
	} else {
		a.render = &s
	}
	r.affixes[st] = a
	return a
}
