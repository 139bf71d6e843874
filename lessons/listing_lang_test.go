package lessons

import (
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/charmbracelet/x/ansi"
)

func TestSplitComment(t *testing.T) {
	cases := []struct{ line, code, comment string }{
		{"    w.join()   # wait for it", "    w.join()   ", "wait for it"},
		{"    # a whole line", "    ", "a whole line"},
		{"print('#1 is not a comment')", "print('#1 is not a comment')", ""},
		{`print("it's #2")  # but this is`, `print("it's #2")  `, "but this is"},
		{"x = 1", "x = 1", ""},
	}
	for _, c := range cases {
		code, comment, _ := splitComment(c.line)
		if code != c.code || comment != c.comment {
			t.Errorf("%q: code %q, comment %q; want %q, %q", c.line, code, comment, c.code, c.comment)
		}
	}
}

// Every comment of every listing has its Chinese, and nothing else is
// there: a listing edited in English shows up here until its Chinese is.
// The Chinese listing keeps the code and the lines (events point at them),
// and a line is no wider than the English one by more than a little: the
// listing pane is narrow.
func TestListingCommentsInChinese(t *testing.T) {
	for _, sc := range Scenarios() {
		zh := sc.ListingZh
		comments := listingComments(sc.Listing)
		for _, c := range comments {
			t.Run(sc.ID, func(t *testing.T) {
				switch z, ok := zh[c]; {
				case !ok:
					t.Errorf("no Chinese for the comment %q", c)
				case !strings.ContainsFunc(z, func(r rune) bool { return unicode.Is(unicode.Han, r) }):
					t.Errorf("the Chinese for %q has no Chinese in it: %q", c, z)
				}
			})
		}
		for k := range zh {
			if !slices.Contains(comments, k) {
				t.Errorf("%s: Chinese for %q, which the listing no longer has", sc.ID, k)
			}
		}
		en, cn := sc.ListingLines("en"), sc.ListingLines("zh")
		if len(en) != len(cn) {
			t.Fatalf("%s: %d lines in English, %d in Chinese", sc.ID, len(en), len(cn))
		}
		for i := range en {
			ec, _, _ := splitComment(en[i])
			cc, _, _ := splitComment(cn[i])
			if ec != cc {
				t.Errorf("%s line %d: the code differs: %q / %q", sc.ID, i+1, ec, cc)
			}
			if w, wz := ansi.StringWidth(en[i]), ansi.StringWidth(cn[i]); wz > w+6 {
				t.Errorf("%s line %d is %d columns in Chinese, %d in English: %q", sc.ID, i+1, wz, w, cn[i])
			}
		}
	}
	got := 0
	for _, sc := range Scenarios() {
		if len(sc.ListingZh) > 0 {
			got++
		}
	}
	if got != len(Scenarios()) {
		t.Errorf("Chinese comments for %d scenarios, want all %d", got, len(Scenarios()))
	}
}
