package markdown

import (
	"charm.land/lipgloss/v2"

	"github.com/proctour/proctour/tui/palette"
)

// Theme holds the styles Render uses, named by what they mark. Only text
// attributes (colours, bold, italic, underline, faint) are meant to be
// set: padding, margins, widths and borders are not applied.
//
// Inline styles (Strong, Emph, Code, Link, LinkURL) are laid over the
// style of the block they appear in (Text, a heading, Quote), so a style
// that leaves its foreground unset keeps the block's.
type Theme struct {
	H1, H2, H3 lipgloss.Style // headings
	Text       lipgloss.Style // paragraphs and list items
	Strong     lipgloss.Style // **strong**
	Emph       lipgloss.Style // *emphasis*
	Code       lipgloss.Style // `code`
	CodeBlock  lipgloss.Style // fenced code: plain text
	Keyword    lipgloss.Style // fenced code: keywords
	String     lipgloss.Style // fenced code: string literals
	Comment    lipgloss.Style // fenced code: comments
	Quote      lipgloss.Style // text inside a block quote
	QuoteBar   lipgloss.Style // the "│" left of a block quote
	Bullet     lipgloss.Style // list bullets and numbers
	Rule       lipgloss.Style // thematic break
	Link       lipgloss.Style // a link's text
	LinkURL    lipgloss.Style // " (url)" after a link's text
}

// NewTheme returns the theme for a dark or light terminal background. With
// noColor (NO_COLOR) it sets no colours at all, only bold, italic and
// underline.
func NewTheme(isDark, noColor bool) Theme {
	plain := lipgloss.NewStyle()
	if noColor {
		bold := plain.Bold(true)
		return Theme{
			H1: bold.Underline(true), H2: bold, H3: bold.Italic(true),
			Text: plain, Strong: bold, Emph: plain.Italic(true), Code: plain,
			CodeBlock: plain, Keyword: bold, String: plain, Comment: plain.Italic(true),
			Quote: plain.Italic(true), QuoteBar: plain, Bullet: bold, Rule: plain,
			Link: plain.Underline(true), LinkURL: plain,
		}
	}
	p := palette.New(isDark)
	return Theme{
		H1:        plain.Bold(true).Underline(true).Foreground(p.Purple),
		H2:        plain.Bold(true).Foreground(p.Purple),
		H3:        plain.Bold(true).Foreground(p.Blue),
		Text:      plain.Foreground(p.Fg),
		Strong:    plain.Bold(true),
		Emph:      plain.Italic(true),
		Code:      plain.Foreground(p.Orange),
		CodeBlock: plain.Foreground(p.Fg),
		Keyword:   plain.Foreground(p.Red),
		String:    plain.Foreground(p.StrongGreen),
		Comment:   plain.Foreground(p.Dim).Italic(true),
		Quote:     plain.Foreground(p.Grey).Italic(true),
		QuoteBar:  plain.Foreground(p.Dim),
		Bullet:    plain.Foreground(p.Cyan).Bold(true),
		Rule:      plain.Foreground(p.Dim),
		Link:      plain.Foreground(p.Blue).Underline(true),
		LinkURL:   plain.Foreground(p.Dim),
	}
}
