package report

import (
	"bytes"
	"slices"
	"strconv"
	"testing"

	"github.com/proctour/proctour/lessons"
)

func tally(outcomes ...int) lessons.Tally {
	t := lessons.Tally{Counts: map[int]int{}}
	for _, v := range outcomes {
		t.Counts[v]++
		t.Runs++
		t.Measured++
	}
	return t
}

func TestBars(t *testing.T) {
	for _, tc := range []struct {
		name    string
		t       lessons.Tally
		maxBars int
		want    []string // label:runs
	}{
		{"one outcome", tally(1, 1, 1), 6, []string{"1:3"}},
		{"a gap stays as an empty bar", tally(1, 3, 3), 6, []string{"1:1", "2:0", "3:2"}},
		// 60..90 in at most 3 bars: ranges 11 wide.
		{"ranges when the outcomes do not fit", tally(60, 61, 62, 70, 71, 90), 3, []string{"60–70:4", "71–81:1", "82–90:1"}},
		{"an empty range is dropped", tally(60, 90), 3, []string{"60–70:1", "82–90:1"}},
		{"no runs", tally(), 6, nil},
	} {
		var got []string
		for _, b := range Bars(tc.t, tc.maxBars) {
			got = append(got, b.Label()+":"+strconv.Itoa(b.Runs))
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: bars %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestOutcomesChart(t *testing.T) {
	var b bytes.Buffer
	Outcomes(&b, "tickets sold", tally(1, 1, 1, 1, 3), "en")
	want := "tickets sold   runs\n" +
		"           1      4  ████████████████████████████████████████\n" +
		"           2      0  \n" +
		"           3      1  ██████████\n" +
		"5 runs; tickets sold from 1 to 3, mean 1.4\n"
	if b.String() != want {
		t.Errorf("chart:\n%s\nwant:\n%s", b.String(), want)
	}
}
