package report

import (
	"fmt"
	"github.com/proctour/proctour/i18n"
	"io"
	"strings"

	"github.com/proctour/proctour/content"
	"github.com/proctour/proctour/lessons"
)

// List prints the lessons and, under each, its scenarios with what
// they show and their variants, in lang.
func List(w io.Writer, lang string) {
	width := 0
	for _, s := range lessons.Scenarios() {
		width = max(width, len(s.ID))
	}
	for _, l := range lessons.Course() {
		fmt.Fprintf(w, "%2d. %s\n", l.N, content.Title(lang, l.N, l.Title))
		avail := l.Available()
		if len(avail) == 0 {
			fmt.Fprintf(w, "    %-*s  (not built yet)\n", width, strings.Join(l.Scenarios, ", "))
		}
		for _, s := range avail {
			fmt.Fprintf(w, "    %-*s  %s\n", width, s.ID, s.SummaryIn(lang))
			if knobs := variantsText(s); knobs != "" {
				fmt.Fprintf(w, "    %-*s  %s%s\n", width, "", i18n.Tr(lang, "variants: "), knobs)
			}
		}
	}
}

func variantsText(s *lessons.Scenario) string {
	parts := make([]string, len(s.Variants))
	for i, v := range s.Variants {
		parts[i] = v.Key + "=" + v.Default
	}
	return strings.Join(parts, " ")
}
