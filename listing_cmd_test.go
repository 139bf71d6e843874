package main

import (
	"strings"
	"testing"
)

// proctour listing prints the program for the values, nothing else; bad
// input is one line and exit 2.
func TestListingCommand(t *testing.T) {
	code, out, errs := proctour("listing", "tickets", "--set", "lock=on", "--set", "buyers=20")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	if want := "BUYERS = 20\nUSE_LOCK = True\nTICKETS = 1\n\nimport json, os, time\n"; !strings.HasPrefix(out, want) {
		t.Errorf("the listing begins %q, want %q", out[:min(len(out), 80)], want)
	}
	if !strings.HasSuffix(out, "print('left:', json.load(f)['count'])\n") || strings.Contains(out, "#@") {
		t.Errorf("want the whole listing, without its tags, ending in a newline:\n%s", out)
	}
	if _, def, _ := proctour("listing", "tickets", "--lang", "en"); !strings.HasPrefix(def, "BUYERS = 100\nUSE_LOCK = False\n") {
		t.Errorf("without --set: %q, want the defaults", def[:min(len(def), 40)])
	}
	if _, zh, _ := proctour("listing", "tickets", "--lang", "zh"); !strings.Contains(zh, "# 网络很慢") {
		t.Errorf("--lang zh: no Chinese comment in\n%s", zh)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"listing", "tickest"}, `unknown scenario "tickest" (there are: `},
		{[]string{"listing", "tickets", "--set", "lock=maybe"}, "lock=maybe: lock takes off, on"},
		{[]string{"listing", "tickets", "--set", "buyers=0"}, "buyers=0: buyers takes a whole number from 1 to 300"},
		{[]string{"listing", "tickets", "--set", "colour=red"}, `no variant "colour"`},
		{[]string{"listing", "tickets", "--lang", "fr"}, `--lang "fr": want en or zh`},
		{[]string{"listing"}, "listing needs exactly one scenario id"},
		{[]string{"listing", "tickets", "manager"}, "listing needs exactly one scenario id"},
	} {
		wantRefused(t, 2, tc.want, tc.args...)
	}
	if _, help, _ := proctour("--help"); !strings.Contains(help, "listing ") {
		t.Errorf("--help does not name the listing command:\n%s", help)
	}
}
