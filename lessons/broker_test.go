package lessons

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// Jobs published before any consumer runs wait in the broker; each is
// delivered and acknowledged; the job consumer-1 held when it died is
// delivered again, to a consumer that acknowledges it. In every mode.
func TestBrokerRedeliversTheJobOfAConsumerThatDied(t *testing.T) {
	t.Parallel()
	for _, mode := range []sim.Options{{Mode: sim.Live}, {Mode: sim.Step}, {Mode: sim.Seeded, Seed: 2}} {
		events, st := runIn(t, mode, "broker", "jobs=4", "consumers=2", "crash=on")
		var published, firstStart int
		died := ""
		acked := map[string]int{}
		redelivered := map[string]bool{}
		for _, e := range events {
			var m trace.BrokerMsg
			json.Unmarshal(e.Val, &m)
			switch {
			case e.Kind == trace.KindBrokerPublish && string(m.Job) != `"stop"`:
				published++
			case e.Kind == trace.KindProcStart && strings.HasPrefix(e.Proc, "consumer-") && firstStart == 0:
				firstStart = published
			case e.Kind == trace.KindBrokerAck && string(m.Job) != `"stop"`:
				acked[string(m.Job)]++
			case e.Kind == trace.KindBrokerRedeliver:
				redelivered[string(m.Job)] = true
				if m.Delivered < 2 {
					t.Errorf("%v: a redelivery says delivered %d", mode.Mode, m.Delivered)
				}
			case e.Kind == trace.KindStdout && strings.Contains(string(e.Val), "dies holding job"):
				died = strings.Trim(strings.TrimPrefix(string(e.Val), `"consumer-1 dies holding job `), `"`)
			}
		}
		if firstStart != 4 {
			t.Errorf("%v: %d jobs published before the first consumer started, want all 4 (they wait in the broker)", mode.Mode, firstStart)
		}
		if len(acked) != 4 {
			t.Errorf("%v: jobs acknowledged %v, want 0 to 3", mode.Mode, acked)
		}
		if died == "" || !redelivered[died] {
			t.Errorf("%v: consumer-1 died holding job %q; redelivered %v", mode.Mode, died, redelivered)
		}
		if len(st.Procs) < 3 || st.Procs[1].ExitCode != 1 {
			t.Errorf("%v: consumer-1 should exit 1", mode.Mode)
		}
	}
	events, _ := run(t, "broker", "jobs=3", "crash=off")
	for _, e := range events {
		if e.Kind == trace.KindBrokerRedeliver {
			t.Errorf("crash=off: a job was delivered again: %s", e.Val)
		}
	}
}
