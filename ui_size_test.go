package main

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// A terminal too small is said in one line that fits it, "proctour: "
// and all, down to 21 columns; the sizes are in it whole.
func TestTooSmallFitsOneLine(t *testing.T) {
	for w := 21; w < minWidth; w++ {
		line := "proctour: " + tooSmall(w, 20)
		if n := ansi.StringWidth(line); n > w {
			t.Errorf("at %d columns: %q is %d wide", w, line, n)
		}
		if !strings.Contains(line, "80×24") {
			t.Errorf("at %d columns: %q does not say 80×24", w, line)
		}
	}
	if got := tooSmall(60, 20); !strings.Contains(got, "60×20") {
		t.Errorf("at 60 columns: %q does not say the terminal's size", got)
	}
}
