package lessons

import (
	"encoding/json"
	"fmt"
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

// A seeded run of the broker (crash=off) is the seed's: its publishes,
// fetches and acks wait at the gate like the primitives' operations, so
// two runs with the same seed give the same events in the same order —
// which consumer gets which job, and when each ack comes. Each broker
// operation was released by the gate (the schedule counts it).
func TestBrokerSeededRunsRepeat(t *testing.T) {
	t.Parallel()
	sets := []string{"jobs=5", "consumers=3", "crash=off"}
	runs := make([][]trace.Record, 2)
	t.Run("runs", func(t *testing.T) {
		for i := range runs {
			t.Run(fmt.Sprint(i+1), func(t *testing.T) {
				t.Parallel()
				runs[i] = runSeeded(t, 11, "broker", sets...)
			})
		}
	})
	if t.Failed() {
		return
	}
	if k, a, b := sameRun("broker", runs[0], runs[1]); k >= 0 {
		t.Errorf("run 2 differs from run 1 at event %d:\n  run 1: %s\n  run 2: %s", k+1, a, b)
	}
	var ops, stops int
	who := map[string]string{}
	for _, e := range runs[0] {
		switch e.Kind {
		case trace.KindBrokerPublish, trace.KindBrokerDeliver, trace.KindBrokerAck:
			ops++
		}
		if e.Kind == trace.KindBrokerDeliver {
			var m trace.BrokerMsg
			json.Unmarshal(e.Val, &m)
			who[string(m.Job)] = e.Proc
			stops += b2i(string(m.Job) == `"stop"`)
		}
	}
	end := runs[0][len(runs[0])-1]
	var re trace.RunEnd
	json.Unmarshal(end.Val, &re)
	steps, err := sim.ParseSchedule(re.Schedule)
	if err != nil || len(steps) < ops {
		t.Errorf("the gate released %d operations (%v), fewer than the %d broker operations", len(steps), err, ops)
	}
	if len(who) != 5+1 || stops != 3 { // every job and every stop delivered once
		t.Errorf("deliveries %v and %d stops, want 5 jobs and 3 stops", who, stops)
	}
	t.Logf("seed 11: %v", who)
}
