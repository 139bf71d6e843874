package tui

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// K kills a consumer that holds a job, mid-job: in step mode the consumer
// has fetched its job and waits at the gate to do its work, so it is sure
// to be killed before its ack. Its lane ends with -9 (SIGKILL) in the
// trace, the broker widget shows its job held by a dead consumer, and the
// broker delivers that job again to the other consumer, which acks it:
// every job is acknowledged and the run ends by itself.
func TestKillAConsumerMidJobRedeliversItsJob(t *testing.T) {
	d := testDemo(t, "broker")
	if !d.keys.Kill.Enabled() {
		t.Fatal("K is off in the broker demo")
	}
	if k := testDemo(t, "tickets").keys.Kill; k.Enabled() {
		t.Error("K is on in a demo with nothing to kill")
	}
	d.mode = sim.Step
	d.vars["jobs"], d.vars["consumers"], d.vars["crash"] = "3", "2", "off"
	d, _ = d.update(press("K"))
	if !d.noteBad || !strings.Contains(d.note, "run the demo first") {
		t.Errorf("K before a run: %q", d.note)
	}
	d, cmd := d.update(press("r"))
	d, wait := d.update(findMsg[runStartedMsg](t, cmd))
	defer d.runs.shutdown(5 * time.Second)
	killed, sawDead := "", false
	for step := 0; d.running; step++ {
		if step > 2000 {
			t.Fatal("the run does not end")
		}
		if killed == "" {
			if p := holdingAtGate(d); p != "" {
				var k tea.Cmd
				d, k = d.update(press("K"))
				msg := findMsg[killedMsg](t, k)
				if msg.err != nil || msg.name != p {
					t.Fatalf("K killed %q (%v), want %s, the consumer holding a job", msg.name, msg.err, p)
				}
				d, _ = d.update(msg)
				if !strings.Contains(d.note, p+" killed (SIGKILL): its job comes back") {
					t.Errorf("status after K: %q", d.note)
				}
				killed = p
			}
		}
		if killed != "" && strings.Contains(screenOf(d), killed+" (exited)") {
			sawDead = true
		}
		var rel tea.Cmd
		if len(d.pending) > 0 {
			d, rel = d.update(press("space"))
		}
		if rel != nil {
			msg := rel()
			if r, ok := msg.(releasedMsg); ok && errors.Is(r.err, sim.ErrBusy) {
				// a process is still on its way to the gate: space again
				// in a moment, as a student would
				time.Sleep(20 * time.Millisecond)
				continue
			}
			d, _ = d.update(msg)
		}
		d, wait = d.update(wait())
	}
	if killed == "" {
		t.Fatal("no consumer was ever seen holding a job at the gate")
	}
	var exit int
	held, redeliveredTo, ackedBy := "", "", ""
	for _, e := range d.timeline {
		var m trace.BrokerMsg
		json.Unmarshal(e.Val, &m)
		switch {
		case e.Proc == killed && e.Kind == trace.KindProcExit:
			json.Unmarshal(e.Val, &exit)
		case e.Proc == killed && e.Kind == trace.KindBrokerDeliver:
			held = string(m.Job)
		case e.Kind == trace.KindBrokerRedeliver && string(m.Job) == held:
			redeliveredTo = e.Proc
		case e.Kind == trace.KindBrokerAck && held != "" && string(m.Job) == held:
			ackedBy = e.Proc
		}
	}
	if exit != -9 {
		t.Errorf("%s's proc.exit is %d, want -9 (SIGKILL)", killed, exit)
	}
	if redeliveredTo == "" || redeliveredTo == killed || ackedBy != redeliveredTo {
		t.Errorf("job %s of %s: redelivered to %q, acked by %q", held, killed, redeliveredTo, ackedBy)
	}
	if !sawDead {
		t.Error("the broker widget never showed the killed consumer's job as held by it, exited")
	}
	st := sim.Fold(d.timeline)
	if len(st.Violations) > 0 || !strings.Contains(screenOf(d), "every job acknowledged") {
		t.Errorf("violations %v; screen:\n%s", st.Violations, screenOf(d))
	}
}

// holdingAtGate is a consumer that holds an un-acked job and waits at the
// gate (to do its work), or "".
func holdingAtGate(d demo) string {
	st := sim.Fold(d.timeline)
	for _, in := range d.pending {
		for _, b := range st.Brokers {
			for _, h := range b.Held {
				if h.Pid == in.Pid && strings.HasPrefix(in.Proc, "consumer-") {
					return in.Proc
				}
			}
		}
	}
	return ""
}
