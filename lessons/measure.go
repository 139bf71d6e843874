package lessons

import (
	"encoding/json"

	"github.com/proctour/proctour/trace"
)

// printed is the text an event printed, if it is a print.
func printed(e trace.Record) (string, bool) {
	var text string
	if e.Kind != trace.KindStdout || json.Unmarshal(e.Val, &text) != nil {
		return "", false
	}
	return text, true
}

// printedBy is every line proc printed, in order.
func printedBy(events []trace.Record, proc string) []string {
	var out []string
	for _, e := range events {
		if text, ok := printed(e); ok && e.Proc == proc {
			out = append(out, text)
		}
	}
	return out
}

// boolInt is 1 for true, 0 for false: a yes-or-no measure.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// timings are the seconds of every timing the run reported, in order.
func timings(events []trace.Record) []float64 {
	var secs []float64
	for _, e := range events {
		var s float64
		if e.Kind == trace.KindTiming && json.Unmarshal(e.Val, &s) == nil {
			secs = append(secs, s)
		}
	}
	return secs
}
