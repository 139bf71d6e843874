package sim

import (
	"encoding/json"
	"testing"

	"github.com/proctour/proctour/trace"
)

// A stop delivered to a waiting consumer before its publish is told (the
// publish is told once the broker has answered it) does not stay
// "waiting" in the fold for ever after.
func TestBrokerDeliveryToldBeforeItsPublish(t *testing.T) {
	rows := []struct {
		pid             int
		proc, kind, val string
	}{
		{1, "MainProcess", trace.KindProcStart, `"broker"`},
		{2, "consumer-1", trace.KindProcStart, `"broker.consumer"`},
		{1, "MainProcess", trace.KindBrokerPublish, `{"job": 0, "seq": 1}`},
		{2, "consumer-1", trace.KindBrokerDeliver, `{"job": 0, "seq": 1, "delivered": 1}`},
		{2, "consumer-1", trace.KindBrokerAck, `{"job": 0, "seq": 1, "delivered": 1}`},
		{2, "consumer-1", trace.KindBrokerDeliver, `{"job": "stop", "seq": 2, "delivered": 1}`},
		{1, "MainProcess", trace.KindBrokerPublish, `{"job": "stop", "seq": 2}`},
		{2, "consumer-1", trace.KindBrokerAck, `{"job": "stop", "seq": 2, "delivered": 1}`},
	}
	var events []trace.Record
	for i, r := range rows {
		events = append(events, trace.Record{Seq: int64(i + 1), Pid: r.pid, Proc: r.proc, Kind: r.kind, Obj: "jobs", Val: json.RawMessage(r.val)})
	}
	st := Fold(events)
	b := st.Brokers[0]
	if len(b.Waiting) != 0 || len(b.Held) != 0 || b.Acked != 2 {
		t.Errorf("waiting %v, held %v, acked %d; want nothing waiting or held, 2 acked", b.Waiting, b.Held, b.Acked)
	}
}
