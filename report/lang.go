package report

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// PadRight and PadLeft pad s to n columns of a terminal, where a Chinese
// character takes two.
func PadRight(s string, n int) string { return s + strings.Repeat(" ", max(n-ansi.StringWidth(s), 0)) }
func PadLeft(s string, n int) string  { return strings.Repeat(" ", max(n-ansi.StringWidth(s), 0)) + s }
