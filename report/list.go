package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/proctour/proctour/content"
	"github.com/proctour/proctour/i18n"
	"github.com/proctour/proctour/lessons"
)

// ListWidth is the widest line List prints: a terminal's 80 columns.
const ListWidth = 80

// List prints the lessons (just lesson only, when it is not 0) and, under
// each, its scenarios with what they show and their variants: each with
// its default, the values it takes and what it changes, in lang. No line
// is wider than ListWidth. proctour list 5 prints, after a line on how to
// read it:
//
//	$ proctour list 5
//	 5. Locks: grabbing tickets
//	    tickets    buyers race for tickets in db.json; lock=off oversells, lock=on
//	               sells exactly
//	               lock=off    off|on  guard the read-modify-write with a Lock
//	               buyers=100  1–300   how many buyer processes
func List(w io.Writer, lang string, only int) {
	for _, line := range Wrap(i18n.Tr(lang, "Each variant shows its default, the values it takes and what it changes; set one with --set key=value (proctour run, proctour listing)."), ListWidth) {
		fmt.Fprintln(w, line)
	}
	for _, l := range lessons.Course() {
		if only != 0 && l.N != only {
			continue
		}
		fmt.Fprintf(w, "\n%2d. %s\n", l.N, content.Title(lang, l.N, l.Title))
		avail := l.Available()
		if len(avail) == 0 {
			fmt.Fprintf(w, "    %s  %s\n", strings.Join(l.Scenarios, ", "), i18n.Tr(lang, "(not built yet)"))
		}
		idW := 0
		for _, s := range avail {
			idW = max(idW, len(s.ID))
		}
		for _, s := range avail {
			hanging(w, "    "+PadRight(s.ID, idW)+"  ", s.SummaryIn(lang))
			listVariants(w, s, strings.Repeat(" ", 4+idW+2), lang)
		}
	}
}

// listVariants prints a scenario's variants, indented by indent, in three
// columns: key=default, the values it takes, and its help, wrapped.
func listVariants(w io.Writer, s *lessons.Scenario, indent, lang string) {
	keyW, valuesW := 0, 0
	for _, v := range s.Variants {
		keyW = max(keyW, len(v.Key)+1+ansi.StringWidth(v.Default))
		valuesW = max(valuesW, ansi.StringWidth(allowed(v)))
	}
	for _, v := range s.Variants {
		head := indent + PadRight(v.Key+"="+v.Default, keyW) + "  " + PadRight(allowed(v), valuesW) + "  "
		hanging(w, head, s.VariantHelpIn(lang, v.Key))
	}
}

// allowed is what a variant takes: "off|on", or a range "1–300".
func allowed(v lessons.Variant) string {
	if len(v.Values) > 0 {
		return strings.Join(v.Values, "|")
	}
	return fmt.Sprintf("%d–%d", v.Min, v.Max)
}

// hanging prints head and then text, wrapped to ListWidth, its later lines
// under its first; if head leaves too little room, the text goes under it,
// indented by 8.
func hanging(w io.Writer, head, text string) {
	indent := ansi.StringWidth(head)
	if ListWidth-indent < 30 {
		fmt.Fprintln(w, strings.TrimRight(head, " "))
		head, indent = strings.Repeat(" ", 8), 8
	}
	for i, line := range Wrap(text, ListWidth-indent) {
		if i > 0 {
			head = strings.Repeat(" ", indent)
		}
		fmt.Fprintln(w, head+line)
	}
}
