package markdown

import (
	"image/color"

	"charm.land/lipgloss/v2"
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
	ld := lipgloss.LightDark(isDark)
	c := func(light, dark string) color.Color { return ld(lipgloss.Color(light), lipgloss.Color(dark)) }
	var (
		fg     = c("#1f2328", "#e6e6e6")
		dim    = c("#6e7781", "#8b949e")
		purple = c("#8250df", "#d2a8ff")
		blue   = c("#0550ae", "#79c0ff")
		cyan   = c("#0a6e8a", "#7ee0f5")
		orange = c("#953800", "#ffa657")
		red    = c("#cf222e", "#ff7b72")
		green  = c("#116329", "#7ee787")
		quote  = c("#57606a", "#b1bac4")
	)
	return Theme{
		H1:        plain.Bold(true).Underline(true).Foreground(purple),
		H2:        plain.Bold(true).Foreground(purple),
		H3:        plain.Bold(true).Foreground(blue),
		Text:      plain.Foreground(fg),
		Strong:    plain.Bold(true),
		Emph:      plain.Italic(true),
		Code:      plain.Foreground(orange),
		CodeBlock: plain.Foreground(fg),
		Keyword:   plain.Foreground(red),
		String:    plain.Foreground(green),
		Comment:   plain.Foreground(dim).Italic(true),
		Quote:     plain.Foreground(quote).Italic(true),
		QuoteBar:  plain.Foreground(dim),
		Bullet:    plain.Foreground(cyan).Bold(true),
		Rule:      plain.Foreground(dim),
		Link:      plain.Foreground(blue).Underline(true),
		LinkURL:   plain.Foreground(dim),
	}
}
