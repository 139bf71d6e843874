package trace

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// payloads are the structured payloads, each with lines as the primitives
// write them (taken from traces of the demos): the bytes of the contract.
var payloads = []struct {
	kinds []string
	new   func() any // a pointer to the payload's type
	lines []string
}{
	{[]string{KindSemWait, KindSemAcquire, KindSemRelease}, func() any { return new(SemValue) }, []string{
		`{"value":2,"initial":3}`, `{"value":0,"initial":1}`}},
	{[]string{KindQueueNew}, func() any { return new(QueueNew) }, []string{
		`{"maxsize":3,"joinable":false}`, `{"maxsize":0,"joinable":true}`}},
	{[]string{KindQueueBlock}, func() any { return new(QueueBlock) }, []string{
		`{"op":"put","timeout":null}`, `{"op":"get","timeout":0.5}`}},
	{[]string{KindPipeNew}, func() any { return new(PipeNew) }, []string{
		`{"ends":["parent_conn","child_conn"],"duplex":true}`, `{"ends":["r","w"],"duplex":false}`}},
	{[]string{KindPipeInherit}, func() any { return new(PipeInherit) }, []string{
		`{"pipe":"client_conn, server_conn"}`}},
	{[]string{KindPipePoll}, func() any { return new(PipePoll) }, []string{
		`{"timeout":0.4,"ready":false}`, `{"timeout":null,"ready":true}`}},
	{[]string{KindManagerCall}, func() any { return new(ManagerCall) }, []string{
		`{"type":"dict","method":"__getitem__","args":["count"],"result":100}`,
		`{"type":"dict","method":"__setitem__","args":["count",99]}`,
		`{"type":"dict","method":"__getitem__","args":null}`}},
	{[]string{KindManagerNew, KindManagerServe, KindManagerBlock}, func() any { return new(ManagerServe) }, []string{
		`{"type":"dict","caller":"MainProcess","pid":19664,"value":{"count":100}}`,
		`{"method":"__getitem__","args":["count"],"type":"dict","caller":"Process-100","pid":20529,"value":{"count":100}}`,
		`{"method":"acquire","type":"Lock","caller":"Process-2","pid":20530,"timeout":true}`}},
	{[]string{KindPoolNew}, func() any { return new(PoolNew) }, []string{
		`{"ctor":"Pool","maxtasksperchild":0,"processes":3}`, `{"ctor":"ProcessPoolExecutor","maxtasksperchild":0,"processes":3}`}},
	{[]string{KindPoolSubmit}, func() any { return new(PoolSubmit) }, []string{
		`{"job":1,"func":"callback.download","args":"http://127.0.0.1:44371/processes","items":1,"chunks":1,"how":"apply_async"}`,
		`{"job":6,"func":"executor.slow_square","items":5,"chunks":5,"how":"map"}`}},
	{[]string{KindPoolTaskStart, KindPoolTaskDone}, func() any { return new(PoolTask) }, []string{
		`{"job":1,"i":0,"func":"callback.download","args":"http://127.0.0.1:44371/processes","take":true}`,
		`{"job":1,"i":1,"func":"pool-vs-process.square","args":1}`,
		`{"job":2,"i":0,"func":"pool.square","result":4}`,
		`{"job":3,"i":0,"func":"pool.fail","msg":"bad input"}`}},
	{[]string{KindPoolCallback}, func() any { return new(PoolCallback) }, []string{
		`{"job":1,"callback":"report","value":25,"how":"future"}`, `{"job":2,"callback":"on_error","value":"ValueError: bad input"}`}},
	{[]string{KindPoolGet}, func() any { return new(PoolGet) }, []string{
		`{"job":1,"value":25,"how":"result"}`, `{"job":6,"value":[25,4,16,1,9]}`, `{"job":2,"how":"apply"}`,
		`{"job":4,"value":9,"how":"imap_unordered","item":3}`, `{"job":4,"value":0,"how":"imap","item":0}`}},
	{[]string{KindCondWait}, func() any { return new(CondWait) }, []string{
		`{"lock":"cond","timeout":null}`, `{"lock":"lock","depth":2,"timeout":0.5,"how":"wait_for"}`}},
	{[]string{KindCondNotify}, func() any { return new(CondNotify) }, []string{
		`{"n":1,"woken":1}`, `{"n":0,"all":true,"woken":3}`}},
	{[]string{KindCondWake}, func() any { return new(CondWake) }, []string{
		`{"lock":"cond","notified":true}`, `{"lock":"lock","depth":2,"notified":false,"how":"wait_for"}`}},
	{[]string{KindBarrierWait}, func() any { return new(BarrierWait) }, []string{
		`{"parties":3,"timeout":null}`, `{"parties":2,"timeout":1.5}`}},
	{[]string{KindPoolClose}, func() any { return new(PoolClose) }, []string{
		`{"how":"shutdown","wait":true}`, `{"how":"shutdown"}`}},
	{[]string{KindRunBegin}, func() any { return new(RunBegin) }, []string{
		`{"scenario":"tickets","vars":{"buyers":"100","lock":"off","tickets":"1"},"mode":"seeded","seed":7,"speed":0.5,"timeout":12,"proctour":"v0.3.0"}`,
		`{"program":"prog.py","args":["a","b"],"mode":"live","seed":0,"speed":1,"start_method":"spawn","python":"3.11.2","proctour":"dev"}`}},
	{[]string{KindBrokerPublish, KindBrokerDeliver, KindBrokerRedeliver, KindBrokerAck}, func() any { return new(BrokerMsg) }, []string{
		`{"job":3,"seq":4}`, `{"job":3,"seq":4,"delivered":2}`}},
	{[]string{KindManagerListen, KindBrokerListen}, func() any { return new(Listen) }, []string{
		`{"addr":"0.0.0.0:50000","join":"proctour worker --connect 192.168.1.10:50000 --authkey proctour"}`}},
	{[]string{KindRunEnd}, func() any { return new(RunEnd) }, []string{
		`{"exit":0,"outcome":3,"outcome_label":"tickets sold"}`, `{"exit":-15,"stopped_by":"watchdog"}`, `{"exit":1}`}},
}

// Each payload read into its type and written again is the same bytes,
// and every kind with a structured payload has its type here once.
func TestPayloadsRoundTrip(t *testing.T) {
	typeOf := map[string]reflect.Type{}
	for _, p := range payloads {
		for _, k := range p.kinds {
			if typeOf[k] != nil {
				t.Errorf("kind %s has two payload types", k)
			}
			typeOf[k] = reflect.TypeOf(p.new()).Elem()
		}
		for _, line := range p.lines {
			v := p.new()
			dec := json.NewDecoder(bytes.NewReader([]byte(line)))
			dec.DisallowUnknownFields()
			if err := dec.Decode(v); err != nil {
				t.Errorf("%s: %s: %v", p.kinds[0], line, err)
				continue
			}
			b, err := json.Marshal(v)
			if err != nil || string(b) != line {
				t.Errorf("%s: read %s, wrote %s (%v)", p.kinds[0], line, b, err)
			}
		}
	}
	for _, k := range Kinds() {
		if _, ok := typeOf[k]; !ok && structured(k) {
			t.Errorf("kind %s has an object payload and no payload type in this test", k)
		}
	}
}

// structured reports whether kind.go says a kind's val is one of the
// payload types.
func structured(kind string) bool {
	switch kind {
	case KindSemWait, KindSemAcquire, KindSemRelease, KindQueueNew, KindQueueBlock,
		KindPipeNew, KindPipeInherit, KindPipePoll,
		KindCondWait, KindCondNotify, KindCondWake, KindBarrierWait,
		KindManagerCall, KindManagerNew, KindManagerServe, KindManagerBlock,
		KindBrokerPublish, KindBrokerDeliver, KindBrokerRedeliver, KindBrokerAck,
		KindManagerListen, KindBrokerListen,
		KindPoolNew, KindPoolSubmit, KindPoolTaskStart, KindPoolTaskDone, KindPoolCallback, KindPoolGet, KindPoolClose,
		KindRunBegin, KindRunEnd:
		return true
	}
	return false
}

// A record is written as one line with its fields in the contract's
// order, and read back the same.
func TestRecordRoundTrip(t *testing.T) {
	daemon := false
	for _, r := range []Record{
		{Seq: 1, TNs: 0, Pid: 7, Proc: "MainProcess", Kind: KindProcStart, Obj: "tickets.py", Val: json.RawMessage(`"tickets"`)},
		{TNs: 5, Pid: 8, PPid: 7, Proc: "buyer-0", Kind: KindProcStart, Val: json.RawMessage(`"tickets.task"`), Daemon: &daemon, Line: 36},
		{TNs: 9, Pid: 8, Proc: "buyer-0", Kind: KindQueueGet, Obj: "q", Val: json.RawMessage(`null`), Err: "queue.Empty"},
		{TNs: 9, Pid: 8, Proc: "worker-1", Kind: KindStdout, Val: json.RawMessage(`"job 3"`), Host: "pc-anna"}, // a process of another machine
		{TNs: 9, Pid: 7, Proc: "MainProcess", Kind: KindWatchdog, Obj: "stopped", Val: json.RawMessage(`"every process waits"`), Text: json.RawMessage(`{"f":"every process waits"}`)},
	} {
		r.Seq = 1 // a trace starts at 1
		var buf bytes.Buffer
		if err := Write(&buf, r); err != nil {
			t.Fatal(err)
		}
		back, err := Read(&buf)
		if err != nil || len(back) != 1 {
			t.Fatalf("%s: read back %v, %v", buf.String(), back, err)
		}
		if !reflect.DeepEqual(back[0], r) {
			t.Errorf("wrote %+v, read %+v", r, back[0])
		}
	}
	var buf bytes.Buffer
	Write(&buf, Record{Seq: 1, TNs: 2, Pid: 3, PPid: 4, Proc: "p", Kind: "k", Obj: "o", Val: json.RawMessage(`1`), Line: 5, Err: "E"})
	if want := `{"seq":1,"t_ns":2,"pid":3,"ppid":4,"proc":"p","kind":"k","obj":"o","val":1,"line":5,"err":"E"}` + "\n"; buf.String() != want {
		t.Errorf("written %s, want %s", buf.String(), want)
	}
}

// The reader checks only the form of text, a JSON object (or null): what
// it says is for whoever puts it into words, who falls back to val.
func TestReadTextIsAnObject(t *testing.T) {
	for text, ok := range map[string]bool{
		`{"f":"%s waits","a":["p"]}`: true,
		`{"f":"%999999999s"}`:        true, // a hostile format: refused where it is drawn
		`null`:                       true,
		`"every process waits"`:      false,
		`[1]`:                        false,
		`3`:                          false,
	} {
		line := `{"seq":1,"t_ns":0,"pid":7,"proc":"MainProcess","kind":"watchdog","obj":"","val":"x","text":` + text + "}\n"
		_, err := Read(bytes.NewReader([]byte(line)))
		if ok && err != nil {
			t.Errorf("text %s refused: %v", text, err)
		}
		if !ok && (err == nil || err.Error() != `trace line 1: "text" is not a message as proctour writes it`) {
			t.Errorf("text %s: %v", text, err)
		}
	}
}
