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
		// one ticket, sold once by 2 runs, oversold by 18: the correct
		// outcome is not lumped with 2 and 3
		{"the correct outcome has a bar of its own", tally(1, 1, 2, 3, 3, 5, 8, 9, 12, 13, 13, 14, 15, 16, 17, 17, 18, 19, 19, 20), 6,
			[]string{"1:2", "2–5:4", "6–9:2", "10–13:3", "14–17:5", "18–20:4"}},
		{"the correct outcome no run had", tally(3, 4, 7), 6, []string{"1:0", "3:1", "4:1", "5:0", "6:0", "7:1"}},
		{"the correct outcome past the others", tally(60, 61, 90), 3, []string{"0:0", "60–75:2", "76–90:1"}},
	} {
		var got []string
		var keep []int
		switch tc.name {
		case "the correct outcome has a bar of its own", "the correct outcome no run had":
			keep = []int{1}
		case "the correct outcome past the others":
			keep = []int{0}
		}
		for _, b := range Bars(tc.t, tc.maxBars, keep...) {
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

// Two tallies side by side share their bars: the same outcomes on the
// same rows, a bar kept when either tally has runs in it.
func TestSharedBars(t *testing.T) {
	off, on := tally(1, 4, 4, 6, 9, 9), tally(1, 1, 1, 1)
	got := SharedBars([]lessons.Tally{off, on}, 6, 1)
	var rows []string
	for i := range got[0] {
		if got[0][i].Label() != got[1][i].Label() {
			t.Fatalf("row %d: %s beside %s", i, got[0][i].Label(), got[1][i].Label())
		}
		rows = append(rows, got[0][i].Label()+":"+strconv.Itoa(got[0][i].Runs)+"/"+strconv.Itoa(got[1][i].Runs))
	}
	want := []string{"1:1/4", "4–5:2/0", "6–7:1/0", "8–9:2/0"} // 2–3: no run in either
	if !slices.Equal(rows, want) {
		t.Errorf("shared bars %v, want %v", rows, want)
	}
}

func TestOutcomesMarksTheCorrectOne(t *testing.T) {
	var b bytes.Buffer
	Outcomes(&b, "tickets sold", tally(2, 2, 3), "en", 1)
	want := "tickets sold   runs\n" +
		"           1      0  ← correct\n" +
		"           2      2  ████████████████████████████████████████\n" +
		"           3      1  ████████████████████\n" +
		"3 runs; tickets sold from 2 to 3, mean 2.3\n"
	if b.String() != want {
		t.Errorf("chart:\n%s\nwant:\n%s", b.String(), want)
	}
}
