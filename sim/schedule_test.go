package sim

import (
	"slices"
	"testing"
)

func TestScheduleStringRoundTrip(t *testing.T) {
	for _, steps := range [][]int{{1}, {1, 1, 1, 2, 3, 3, 1}, {12, 12, 100, 1}} {
		s := EncodeSchedule(steps)
		back, err := ParseSchedule(s)
		if err != nil || !slices.Equal(back, steps) {
			t.Errorf("%v → %q → %v, %v", steps, s, back, err)
		}
	}
	if got := EncodeSchedule([]int{1, 1, 1, 2, 3, 3}); got != "1*3.2.3*2" {
		t.Errorf("runs are written i*n: got %q", got)
	}
	for _, bad := range []string{"", "0", "a", "1.*2", "1*0", "1*x", "-1", "1*2000000"} {
		if _, err := ParseSchedule(bad); err == nil {
			t.Errorf("ParseSchedule(%q) accepted it", bad)
		}
	}
}
