package report

import (
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// Wrap breaks between words and between Chinese characters, never before
// a closing mark nor after an opening one, and no line is wider than
// asked; nothing is lost but the spaces it breaks at.
func TestWrap(t *testing.T) {
	for _, tc := range []struct {
		s     string
		width int
		want  []string
	}{
		{"guard the read-modify-write with a Lock", 20, []string{"guard the", "read-modify-write", "with a Lock"}},
		{"short", 20, []string{"short"}},
		{"", 20, []string{""}},
		{"买家抢票，超卖了", 8, []string{"买家抢", "票，超卖", "了"}},
		{"用一把 Lock 保护“读出、修改、写回”这几步", 16, []string{"用一把 Lock 保护", "“读出、修改、写", "回”这几步"}},
		{"子进程（p.daemon = True）", 12, []string{"子进程", "（p.daemon =", "True）"}},
		{"abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
	} {
		got := Wrap(tc.s, tc.width)
		if !slices.Equal(got, tc.want) {
			t.Errorf("Wrap(%q, %d) = %q, want %q", tc.s, tc.width, got, tc.want)
		}
		for _, l := range got {
			if ansi.StringWidth(l) > tc.width {
				t.Errorf("Wrap(%q, %d): %q is wider", tc.s, tc.width, l)
			}
			if strings.HasPrefix(l, "，") || strings.HasSuffix(l, "（") {
				t.Errorf("Wrap(%q, %d): %q breaks at a mark", tc.s, tc.width, l)
			}
		}
		if strings.ReplaceAll(strings.Join(got, ""), " ", "") != strings.ReplaceAll(tc.s, " ", "") {
			t.Errorf("Wrap(%q, %d) lost text: %q", tc.s, tc.width, got)
		}
	}
}
