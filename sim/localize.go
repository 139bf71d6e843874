package sim

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/proctour/proctour/i18n"
	"github.com/proctour/proctour/trace"
)

// What this package says is English, as i18n.T: a format and its values.
// The screen puts it into its language (i18n, content/zh/catalogue.json);
// Python, names and values stay as they are.

// TimingLabel is what a timing measured ("2 on one CPU", "100
// Process()es"), as a format and its count.
func TimingLabel(label string) i18n.T {
	n, rest, ok := strings.Cut(label, " ")
	count, err := strconv.Atoi(n)
	if !ok || err != nil {
		return i18n.Code(label)
	}
	for _, f := range []string{"%d on one CPU", "%d spread out", "%d Process()es"} {
		if rest == strings.TrimPrefix(f, "%d ") {
			return i18n.Tf(f, count)
		}
	}
	return i18n.Code(label)
}

// watchdogText is a watchdog record's report as a format and its values:
// from its text where the trace has one, else its English as it is (a
// trace from before the text was recorded).
func watchdogText(r trace.Record) i18n.T {
	var t i18n.T
	if len(r.Text) > 0 && json.Unmarshal(r.Text, &t) == nil {
		return t
	}
	return i18n.Code(strText(r.Val))
}
