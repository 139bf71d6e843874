package lessons

import (
	"slices"
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
	for id := range summariesZh {
		if _, err := Lookup(id); err != nil {
			t.Errorf("a Chinese summary for %s, which is not a scenario", id)
		}
	}
	for id := range outcomeLabelsZh {
		if s, err := Lookup(id); err != nil || s.Outcome == nil {
			t.Errorf("a Chinese outcome label for %s, which is not a scenario with an outcome", id)
		}
	}
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
	for id := range variantHelpZh {
		scenario, key, _ := strings.Cut(id, ".")
		s, err := Lookup(scenario)
		if err != nil || !slices.ContainsFunc(s.Variants, func(v Variant) bool { return v.Key == key }) {
			t.Errorf("a Chinese help for %s, which is not a variant of a scenario", id)
		}
	}
}
