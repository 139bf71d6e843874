// Package palette is the UI's colours in one place: each a pair, for a
// light and a dark terminal background. The screens' styles (tui) and the
// lesson text's theme (tui/markdown) are built from it and name what the
// colours mean; here they are named by what they look like.
package palette

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Palette is the UI's colours on one background.
type Palette struct {
	Fg    color.Color // text
	Bg    color.Color // text on a coloured block: the background's colour
	Dim   color.Color // text that steps back
	Faint color.Color // fainter still: rules, what is still to come
	Grey  color.Color // between Fg and Dim: quoted text

	Green, Blue, Red, Yellow, Purple color.Color
	Cyan, Orange                     color.Color
	StrongGreen                      color.Color // a green further from the background than Green

	BarBg      color.Color // the status bar's background
	SelectedBg color.Color // the background of a chosen line
	CursorBg   color.Color // the background of the playback cursor's line
}

// New is the palette for a dark or a light background.
func New(isDark bool) Palette {
	ld := lipgloss.LightDark(isDark)
	c := func(light, dark string) color.Color { return ld(lipgloss.Color(light), lipgloss.Color(dark)) }
	return Palette{
		Fg:    c("#1f2328", "#e6e6e6"),
		Bg:    c("#ffffff", "#0d1117"),
		Dim:   c("#6e7781", "#8b949e"),
		Faint: c("#a0a7b0", "#5c636b"),
		Grey:  c("#57606a", "#b1bac4"),

		Green:  c("#1a7f37", "#56d364"),
		Blue:   c("#0550ae", "#79c0ff"),
		Red:    c("#cf222e", "#ff7b72"),
		Yellow: c("#9a6700", "#e3b341"),
		Purple: c("#8250df", "#d2a8ff"),
		Cyan:   c("#0a6e8a", "#7ee0f5"),
		Orange: c("#953800", "#ffa657"),

		StrongGreen: c("#116329", "#7ee787"),

		BarBg:      c("#d0d7de", "#30363d"),
		SelectedBg: c("#ddf4ff", "#1f3a5f"),
		CursorBg:   c("#fff8c5", "#3d3417"),
	}
}
