package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"

	"github.com/proctour/proctour/tui/palette"
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
	p := palette.New(isDark)
	s.Title = plain.Bold(true).Foreground(p.Purple)
	s.Subtitle = plain.Foreground(p.Dim)
	s.Dim = plain.Foreground(p.Dim)
	s.Text = plain.Foreground(p.Fg)
	s.Running = plain.Foreground(p.Green).Bold(true)
	s.Sleeping = plain.Foreground(p.Blue)
	s.Blocked = plain.Foreground(p.Red).Bold(true)
	s.Exited = plain.Foreground(p.Dim)
	s.Failed = plain.Foreground(p.Red)
	s.Held = plain.Foreground(p.Yellow).Bold(true)
	s.Waiting = plain.Foreground(p.Red)
	s.Free = plain.Foreground(p.Green)
	s.Marker = plain.Foreground(p.Yellow).Bold(true)
	s.CurrentLine = plain.Foreground(p.Fg).Bold(true)
	s.Cursor = plain.Background(p.CursorBg).Foreground(p.Fg).Bold(true)
	s.Future = plain.Foreground(p.Faint)
	s.Warn = plain.Foreground(p.Yellow).Bold(true)
	s.Error = plain.Foreground(p.Red).Bold(true)
	s.OK = plain.Foreground(p.Green)
	s.StatusBar = plain.Background(p.BarBg).Foreground(p.Fg)
	s.StatusKey = plain.Background(p.Purple).Foreground(p.Bg).Bold(true)
	s.Tab = plain.Foreground(p.Dim)
	s.ActiveTab = plain.Foreground(p.Purple).Bold(true).Underline(true)
	s.Selected = plain.Background(p.SelectedBg).Foreground(p.Fg).Bold(true)
	s.Pending = plain.Foreground(p.Blue)
	s.PendingBlocked = plain.Foreground(p.Red)
	s.Rule = plain.Foreground(p.Faint)
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
