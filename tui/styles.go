package tui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
)

// styles are every style of the UI, named by what they mean. newStyles
// builds them for a dark or light background; with noColor they carry no
// colour at all (NO_COLOR), and the symbols alone tell states apart.
// lang is the language the UI's words are drawn in ("en" or "zh"; "" is
// English): see tr.
type styles struct {
	dark, noColor bool
	lang          string

	Title, Subtitle, Dim, Text lipgloss.Style
	Running, Sleeping, Blocked lipgloss.Style
	Exited, Failed             lipgloss.Style
	Held, Waiting, Free        lipgloss.Style
	Marker, CurrentLine        lipgloss.Style
	Cursor, Future             lipgloss.Style
	Warn, Error, OK            lipgloss.Style
	StatusBar, StatusKey       lipgloss.Style
	Tab, ActiveTab             lipgloss.Style
	Selected                   lipgloss.Style
	Pending, PendingBlocked    lipgloss.Style
	Rule                       lipgloss.Style
	Help                       help.Styles
}

func newStyles(isDark, noColor bool) styles {
	s := styles{dark: isDark, noColor: noColor}
	plain := lipgloss.NewStyle()
	if noColor {
		bold := plain.Bold(true)
		s.Title, s.Subtitle, s.Dim, s.Text = bold, plain, plain, plain
		s.Running, s.Sleeping, s.Blocked = plain, plain, bold
		s.Exited, s.Failed = plain, bold
		s.Held, s.Waiting, s.Free = bold, plain, plain
		s.Marker, s.CurrentLine = bold, bold
		s.Cursor, s.Future = plain.Reverse(true), plain
		s.Warn, s.Error, s.OK = bold, bold, plain
		s.StatusBar, s.StatusKey = plain.Reverse(true), plain.Reverse(true).Bold(true)
		s.Tab, s.ActiveTab = plain, plain.Reverse(true)
		s.Selected = plain.Reverse(true)
		s.Pending, s.PendingBlocked = plain, bold
		s.Rule = plain
		s.Help = help.Styles{
			Ellipsis: plain, ShortKey: bold, ShortDesc: plain, ShortSeparator: plain,
			FullKey: bold, FullDesc: plain, FullSeparator: plain,
		}
		return s
	}
	ld := lipgloss.LightDark(isDark)
	c := func(light, dark string) color.Color { return ld(lipgloss.Color(light), lipgloss.Color(dark)) }
	var (
		fg      = c("#1f2328", "#e6e6e6")
		dim     = c("#6e7781", "#8b949e")
		faint   = c("#a0a7b0", "#5c636b")
		green   = c("#1a7f37", "#56d364")
		blue    = c("#0550ae", "#79c0ff")
		red     = c("#cf222e", "#ff7b72")
		yellow  = c("#9a6700", "#e3b341")
		purple  = c("#8250df", "#d2a8ff")
		barBg   = c("#d0d7de", "#30363d")
		selBg   = c("#ddf4ff", "#1f3a5f")
		cursorB = c("#fff8c5", "#3d3417")
	)
	s.Title = plain.Bold(true).Foreground(purple)
	s.Subtitle = plain.Foreground(dim)
	s.Dim = plain.Foreground(dim)
	s.Text = plain.Foreground(fg)
	s.Running = plain.Foreground(green).Bold(true)
	s.Sleeping = plain.Foreground(blue)
	s.Blocked = plain.Foreground(red).Bold(true)
	s.Exited = plain.Foreground(dim)
	s.Failed = plain.Foreground(red)
	s.Held = plain.Foreground(yellow).Bold(true)
	s.Waiting = plain.Foreground(red)
	s.Free = plain.Foreground(green)
	s.Marker = plain.Foreground(yellow).Bold(true)
	s.CurrentLine = plain.Foreground(fg).Bold(true)
	s.Cursor = plain.Background(cursorB).Foreground(fg).Bold(true)
	s.Future = plain.Foreground(faint)
	s.Warn = plain.Foreground(yellow).Bold(true)
	s.Error = plain.Foreground(red).Bold(true)
	s.OK = plain.Foreground(green)
	s.StatusBar = plain.Background(barBg).Foreground(fg)
	s.StatusKey = plain.Background(purple).Foreground(c("#ffffff", "#0d1117")).Bold(true)
	s.Tab = plain.Foreground(dim)
	s.ActiveTab = plain.Foreground(purple).Bold(true).Underline(true)
	s.Selected = plain.Background(selBg).Foreground(fg).Bold(true)
	s.Pending = plain.Foreground(blue)
	s.PendingBlocked = plain.Foreground(red)
	s.Rule = plain.Foreground(faint)
	s.Help = help.DefaultStyles(isDark)
	return s
}

// readerStyle is the lesson reader's style for these styles: dark, light or notty.
func (s styles) readerStyle() string {
	switch {
	case s.noColor:
		return "notty"
	case s.dark:
		return "dark"
	}
	return "light"
}
