package report

import (
	"strings"
	"unicode"

	"github.com/charmbracelet/x/ansi"
)

// Wrap breaks s into lines of at most width terminal columns: between
// words, and between Chinese characters (but never before a closing mark
// such as ，or 。, nor after an opening one such as （). A word longer than
// width is cut.
func Wrap(s string, width int) []string {
	width = max(width, 1)
	var lines []string
	var line strings.Builder
	lineW := 0
	for _, t := range wrapTokens(s) {
		w := ansi.StringWidth(t.text)
		sep := 0
		if t.space && lineW > 0 {
			sep = 1
		}
		if lineW > 0 && lineW+sep+w > width {
			lines = append(lines, line.String())
			line.Reset()
			lineW, sep = 0, 0
		}
		for lineW == 0 && w > width { // a word longer than a line
			head := ansi.Truncate(t.text, width, "")
			lines = append(lines, head)
			t.text = strings.TrimPrefix(t.text, head)
			w = ansi.StringWidth(t.text)
		}
		if sep == 1 {
			line.WriteByte(' ')
		}
		line.WriteString(t.text)
		lineW += sep + w
	}
	if lineW > 0 || len(lines) == 0 {
		lines = append(lines, line.String())
	}
	return lines
}

type wrapToken struct {
	text  string
	space bool // a space before it
}

// wrapTokens cuts s where a line may break: at spaces (dropped), and
// around each wide character, keeping a closing mark with what it closes
// and an opening mark with what it opens.
func wrapTokens(s string) []wrapToken {
	var out []wrapToken
	var cur strings.Builder
	space, glue := false, false // glue: the next rune joins cur (after an opening mark)
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, wrapToken{cur.String(), space})
			cur.Reset()
			space = false
		}
	}
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			flush()
			space, glue = true, false
		case strings.ContainsRune("，。；：、）」』！？”’》", r) && cur.Len() > 0:
			cur.WriteRune(r)
		case ansi.StringWidth(string(r)) == 2:
			if !glue {
				flush()
			}
			cur.WriteRune(r)
			glue = strings.ContainsRune("（「『“‘《", r)
		default:
			if cur.Len() > 0 && !glue && ansi.StringWidth(lastRune(cur.String())) == 2 {
				flush() // Latin after a Chinese character may start a line
			}
			cur.WriteRune(r)
			glue = false
		}
	}
	flush()
	return out
}

func lastRune(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return ""
	}
	return string(r[len(r)-1])
}
