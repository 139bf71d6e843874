package lessons

import (
	"strings"
	"testing"
	"unicode"
)

// hasHan reports whether s has a Chinese character.
func hasHan(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) })
}

// Every scenario has a Chinese summary, and a Chinese outcome label when it
// has an outcome; English stays as written.
func TestEveryScenarioHasAChineseSummary(t *testing.T) {
	for _, s := range Scenarios() {
		if zh := s.SummaryIn("zh"); !hasHan(zh) {
			t.Errorf("%s: no Chinese summary: %q", s.ID, zh)
		}
		if en := s.SummaryIn("en"); en != s.Summary {
			t.Errorf("%s: English summary %q, want %q", s.ID, en, s.Summary)
		}
		if s.Outcome == nil {
			continue
		}
		if zh := s.OutcomeLabelIn("zh"); !hasHan(zh) {
			t.Errorf("%s: no Chinese outcome label: %q", s.ID, zh)
		}
		if en := s.OutcomeLabelIn("en"); en != s.Outcome.Label {
			t.Errorf("%s: English outcome label %q, want %q", s.ID, en, s.Outcome.Label)
		}
	}
	// A Chinese summary of no scenario, or label of no outcome, cannot be
	// written: each is a field of what it translates (SummaryZh,
	// Outcome.LabelZh).
}

// Every variant of every scenario has a Chinese help text; English stays as
// written, and an unknown key has none.
func TestEveryVariantHasAChineseHelp(t *testing.T) {
	for _, s := range Scenarios() {
		for _, v := range s.Variants {
			if zh := s.VariantHelpIn("zh", v.Key); !hasHan(zh) {
				t.Errorf("%s.%s: no Chinese help: %q", s.ID, v.Key, zh)
			}
			if en := s.VariantHelpIn("en", v.Key); en != v.Help {
				t.Errorf("%s.%s: English help %q, want %q", s.ID, v.Key, en, v.Help)
			}
		}
		for _, lang := range []string{"en", "zh"} {
			if h := s.VariantHelpIn(lang, "no-such-variant"); h != "" {
				t.Errorf("%s: %s help %q for an unknown variant, want \"\"", s.ID, lang, h)
			}
		}
	}
	// A Chinese help of no variant cannot be written: it is a field of the
	// variant it translates (Variant.HelpZh).
}
