package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/proctour/proctour/sim"
)

// A buyer's temporary file is named in full beside db.json, its name
// column as wide as the longest name; once renamed over db.json it is gone.
func TestFilesWidgetNamesATempFileInFull(t *testing.T) {
	rows := [][5]string{
		{"1", "MainProcess", "proc.start", "", `"tickets"`},
		{"1", "MainProcess", "file.write", "db.json", `"{\"count\": 1}"`},
		{"2", "buyer-12", "proc.start", "", `"tickets.task"`},
		{"2", "buyer-12", "file.write", "db.buyer-12.tmp", `"{\"count\": 0}"`},
		{"2", "buyer-12", "file.replace", "db.json", `"db.buyer-12.tmp"`},
	}
	st := sim.Fold(timeline(rows[:4]...))
	got := ansi.Strip(strings.Join(filesWidget(st, newStyles(true, true), 60), "\n"))
	want := "db.json         {\"count\": 1}\n" +
		"db.buyer-12.tmp {\"count\": 0}"
	if got != want {
		t.Errorf("files widget:\n%s\nwant\n%s", got, want)
	}
	st = sim.Fold(timeline(rows...))
	got = ansi.Strip(strings.Join(filesWidget(st, newStyles(true, true), 60), "\n"))
	if want := "db.json    {\"count\": 0}"; got != want {
		t.Errorf("after os.replace, files widget:\n%s\nwant\n%s", got, want)
	}
}
