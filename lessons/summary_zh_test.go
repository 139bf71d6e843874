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
