package lessons

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

var brokerListing = NewListing(`
JOBS = {jobs}
CONSUMERS = {consumers}
CRASH = {crash}
LISTEN = {listen}

BROKER = 'nats://127.0.0.1:4222'  # nats-server -js
if LISTEN == 'network':           # nats-server -js -a 0.0.0.0 --auth TOKEN
    BROKER = 'nats://TOKEN@127.0.0.1:4222'  # any computer may connect: with the token only
# A message broker instead of a queue: NATS JetStream (pip install nats-py),
# written here with its synchronous calls for short.
import os, time
from multiprocessing import Process
import nats

def consumer(i):
    js = nats.connect(BROKER).jetstream()
    sub = js.pull_subscribe('jobs.*', durable='workers')
    while True:
        msg = sub.fetch(1, timeout=1)[0]  # the broker delivers one job  #@fetch
        if msg.data == b'stop':
            msg.ack()
            break
        time.sleep(0.5)                  # the work                     #@work
        if CRASH and i == 1:
            os._exit(1)                  # dies before its ack          #@crash
        msg.ack()                        # done: the broker drops it    #@ack

if __name__ == '__main__':
    js = nats.connect(BROKER).jetstream()
    js.add_stream(name='JOBS', subjects=['jobs.*'], retention='workqueue')  #@stream
    js.add_consumer('JOBS', durable_name='workers', ack_wait=2)  # redeliver after 2 s  #@consumer
    for n in range(JOBS):
        js.publish('jobs.work', str(n).encode())  # stored, waiting     #@publish
    consumers = [Process(target=consumer, args=(i,)) for i in range(1, CONSUMERS + 1)]
    for p in consumers:
        p.start()                                                       #@start
    while js.stream_info('JOBS').state.messages > 0:
        time.sleep(0.1)                  # until every job is acked     #@wait
    for p in consumers:
        js.publish('jobs.stop', b'stop')                                #@stop
    for p in consumers:
        p.join()                                                        #@join
    print('every job acknowledged')                                     #@done
`)

// Broker is lesson 17's message broker: a NATS JetStream work queue. The
// main script publishes JOBS jobs before any consumer runs (they wait in
// the broker), then starts CONSUMERS processes that fetch, work and
// acknowledge. With crash=on, consumer-1 dies after its first job's work,
// before its acknowledgement: the broker redelivers that job to another
// consumer once the ack wait has passed. The broker is nats-server, run
// inside proctour (EmbeddedBroker), or given by --broker nats://HOST:PORT
// (SetBroker). The one inside listens on the loopback address, or with
// listen=network on every interface, refusing a client without the token
// made for the run (the join line, broker.listen, shows it).
//
// In step and seeded modes a publish, a fetch and an ack wait at the gate
// as the primitives' operations do (a fetch can go when a job waits in the
// broker, or when a job is held by a consumer that has exited), and an ack
// returns once the broker has taken it in: with crash=off a seed repeats
// the run. The broker's redelivery comes when its ack wait has passed, in
// real time: a consumer asks (fetch, one second's wait) until it does, as
// often as the clock makes it. K in the demo view kills a consumer
// (Killable); when none is left, the jobs wait in the broker, and the main
// script says so once.
var Broker = register(&Scenario{
	ID:          "broker",
	Lesson:      17,
	Summary:     "a NATS JetStream work queue: jobs wait in the broker, consumers acknowledge them; crash=on kills a consumer before its ack and the job is redelivered",
	SummaryZh:   "一个 NATS JetStream 工作队列：任务在代理里等着，消费者逐个确认；crash=on 让一个消费者在确认前死掉，任务被重新投递",
	Listing:     brokerListing,
	PythonNeeds: []string{"nats"}, // pip install nats-py
	Killable:    "consumer-",
	Ungated:     "the broker's redelivery comes after a real-time ack wait: with crash=on, how many times a consumer asks for a job before it comes back varies (publish, fetch and ack are at the gate)",
	ListingZh: map[string]string{
		"A message broker instead of a queue: NATS JetStream (pip install nats-py),": "用消息代理代替队列：NATS JetStream（pip install nats-py），",
		"written here with its synchronous calls for short.":                         "为简短起见，这里写成同步调用。",
		"the broker delivers one job":                                                "代理投递一个任务",
		"the work":                                                                   "干活",
		"nats-server -js":                                                            "nats-server -js 启动",
		"nats-server -js -a 0.0.0.0 --auth TOKEN":                                    "nats-server -js -a 0.0.0.0 --auth TOKEN 启动",
		"any computer may connect: with the token only":                              "哪台电脑都能连，但必须带上令牌",
		"dies before its ack":                                                        "在确认之前死掉",
		"done: the broker drops it":                                                  "完成：代理删掉它",
		"redeliver after 2 s":                                                        "2 秒后重新投递",
		"stored, waiting":                                                            "存下来，等着",
		"until every job is acked":                                                   "直到每个任务都被确认",
	},
	Variants: []Variant{
		{Key: "jobs", Default: "6", Min: 1, Max: 30, Help: "how many jobs are published", HelpZh: "发布多少个任务"},
		{Key: "consumers", Default: "2", Min: 1, Max: 6, Help: "how many consumer processes", HelpZh: "多少个消费者进程"},
		{Key: "crash", Default: "on", Values: []string{"off", "on"}, Help: "consumer-1 dies after its first job's work, before acknowledging it", HelpZh: "consumer-1 做完第一个任务的活之后、确认之前死掉"},
		{Key: "listen", Default: "loopback", Values: []string{"loopback", "network"}, Help: "where the broker inside proctour listens: this computer only, or every network interface with a token made for the run (proctour worker --broker from other computers)", HelpZh: "proctour 内置的代理在哪里监听：只在本机，或在所有网络接口上并要求本次运行生成的令牌（让其他电脑上的 proctour worker --broker 连进来）"},
	},
	Budget: 40 * time.Second,
	Measures: map[string]func([]trace.Record) (int, bool){
		// how many deliveries were redeliveries
		"redelivered": func(events []trace.Record) (int, bool) {
			n, end := 0, false
			for _, e := range events {
				n += b2i(e.Kind == trace.KindBrokerRedeliver)
				text, _ := printed(e)
				end = end || text == "every job acknowledged"
			}
			return n, end
		},
		// how many jobs were acknowledged (each job once: the stop messages are not jobs)
		"acked": func(events []trace.Record) (int, bool) {
			seen := map[string]bool{}
			end := false
			for _, e := range events {
				var m trace.BrokerMsg
				if e.Kind == trace.KindBrokerAck && json.Unmarshal(e.Val, &m) == nil && string(m.Job) != `"stop"` {
					seen[string(m.Job)] = true
				}
				text, _ := printed(e)
				end = end || text == "every job acknowledged"
			}
			return len(seen), end
		},
	},
	Main: brokerMain,
})

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// The broker: a URL given (SetBroker), or one started inside proctour by
// EmbeddedBroker.
var (
	brokerMu  sync.Mutex
	brokerURL string
	// EmbeddedBroker starts a NATS server with JetStream inside this
	// process, listening on host (127.0.0.1 or 0.0.0.0) and, with a token,
	// refusing a client that does not give it; it returns the server's
	// URL (nats://HOST:PORT, no token) and how to stop it. proctour's
	// main package sets it (broker_embedded.go), as the tests do; lessons
	// does not import nats-server itself, so that it stays out of the
	// packages a demo child initialises (package child).
	EmbeddedBroker func(host, token string) (url string, stop func(), err error)
)

// SetBroker makes the broker demo use the NATS server at url
// (nats://HOST:PORT, nats://TOKEN@HOST:PORT or nats://USER:PASS@HOST:PORT)
// instead of one of its own; "" undoes it.
func SetBroker(url string) {
	brokerMu.Lock()
	brokerURL = url
	brokerMu.Unlock()
}

// errNoBroker is the broker demo without a broker.
func errNoBroker() error {
	return errors.New("no broker: give one with --broker nats://HOST:PORT (nats-server -js)")
}

// brokerPlace is the demo's broker: the URL its own processes connect to
// (with the token, if any) and where workers of other terminals or
// machines join it (broker.listen).
type brokerPlace struct {
	URL    string
	Listen trace.Listen
}

// brokerAt is the broker of a run with v: the one given (SetBroker), or
// one started inside proctour, on the loopback address without a token,
// or (listen=network) on every interface with a token made for the run.
// What goes into the trace (Listen) never holds a password or token of
// the user's own: only this run's, which dies with it.
func brokerAt(v Vars) (b brokerPlace, stop func(), err error) {
	brokerMu.Lock()
	url := brokerURL
	brokerMu.Unlock()
	if url != "" {
		shown := RedactURL(url)
		return brokerPlace{URL: url, Listen: trace.Listen{Addr: shown, Join: "proctour worker --broker " + shown}}, func() {}, nil
	}
	if EmbeddedBroker == nil {
		return brokerPlace{}, nil, errNoBroker()
	}
	if v["listen"] != "network" {
		url, stop, err := EmbeddedBroker("127.0.0.1", "")
		if err != nil {
			return brokerPlace{}, nil, err
		}
		return brokerPlace{URL: url, Listen: trace.Listen{Addr: url, Join: "proctour worker --broker " + url}}, stop, nil
	}
	// Every computer of the network can reach it: only with a token
	// made for this run, shown on the join line.
	token := runKey()
	served, stop, err := EmbeddedBroker("0.0.0.0", token)
	if err != nil {
		return brokerPlace{}, nil, err
	}
	_, port, _ := strings.Cut(strings.TrimPrefix(served, "nats://"), ":")
	// The demo's own processes connect through the loopback address
	// (the same listener); another computer at this one's address.
	return brokerPlace{
		URL:    "nats://" + token + "@127.0.0.1:" + port,
		Listen: trace.Listen{Addr: served, Join: "proctour worker --broker nats://" + token + "@" + joinAddress("0.0.0.0:"+port)},
	}, stop, nil
}

// ackWait is how long the broker waits for an acknowledgement before it
// redelivers: real time, as the broker keeps it.
const ackWait = 2 * time.Second

type brokerConsumerArgs struct {
	URL, Stream string
	ID          int
	Crash       bool
}

var brokerConsumer = primitives.Register("broker.consumer", func(rt *primitives.Runtime, a brokerConsumerArgs) error {
	nc, err := dialNATS(a.URL)
	if err != nil {
		return err
	}
	defer nc.close()
	crash := func(job []byte) {
		if a.Crash {
			rt.Line(brokerListing.At("crash"))
			rt.Print(fmt.Sprintf("consumer-%d dies holding job %s", a.ID, job))
			rt.ExitNow(1)
		}
	}
	return brokerConsume(rt, nc, a.Stream, crash, nil)
})

// brokerConsume is the listing's consumer(): fetch a job, work, ack, until
// a stop. crash, if set, runs after the work, before the ack; done, if
// set, is told each job acknowledged.
func brokerConsume(rt *primitives.Runtime, nc *natsConn, stream string, crash func(job []byte), done func(job string)) error {
	at := brokerListing.At
	for {
		rt.Line(at("fetch"))
		rt.AwaitOp(trace.KindBrokerDeliver, "jobs", false)
		m, ok, err := nc.fetch(stream, "workers", time.Second)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		v := trace.BrokerMsg{Job: json.RawMessage(m.Data), Seq: m.Seq, Delivered: m.Delivered}
		kind := trace.KindBrokerDeliver
		if m.Delivered > 1 {
			kind = trace.KindBrokerRedeliver
		}
		rt.Emit(kind, "jobs", trace.BrokerMsg{Job: v.Job, Seq: v.Seq, Delivered: v.Delivered, AckWaitNs: ackWait.Nanoseconds()})
		if string(m.Data) == `"stop"` {
			rt.AwaitOp(trace.KindBrokerAck, "jobs", false)
			if err := nc.ack(m); err != nil {
				return err
			}
			rt.Emit(trace.KindBrokerAck, "jobs", v)
			return nil
		}
		rt.Line(at("work"))
		rt.Sleep(0.5)
		if crash != nil {
			crash(m.Data)
		}
		rt.Line(at("ack"))
		rt.AwaitOp(trace.KindBrokerAck, "jobs", false)
		if err := nc.ack(m); err != nil {
			return err
		}
		rt.Emit(trace.KindBrokerAck, "jobs", v)
		if done != nil {
			done(string(m.Data))
		}
	}
}

func brokerMain(rt *primitives.Runtime, v Vars) error {
	at := brokerListing.At
	place, stop, err := brokerAt(v)
	if err != nil {
		return err
	}
	defer stop()
	url := place.URL
	nc, err := dialNATS(url)
	if err != nil {
		return err
	}
	defer nc.close()
	// A stream of this run's own, so that runs sharing a broker do not
	// meet: JOBS_<pid>_<time>.
	stream := fmt.Sprintf("JOBS_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9)
	subj := strings.ToLower(stream)
	rt.Line(at("stream"))
	if err := nc.jsAPI("STREAM.CREATE."+stream, map[string]any{
		"name": stream, "subjects": []string{subj + ".*"}, "retention": "workqueue", "storage": "memory",
	}, nil); err != nil {
		return err
	}
	defer nc.jsAPI("STREAM.DELETE."+stream, nil, nil)
	rt.Line(at("consumer"))
	if err := nc.jsAPI("CONSUMER.CREATE."+stream+".workers", map[string]any{
		"stream_name": stream,
		"config":      map[string]any{"durable_name": "workers", "ack_policy": "explicit", "ack_wait": ackWait.Nanoseconds(), "max_deliver": -1},
	}, nil); err != nil {
		return err
	}
	// Consumers of other terminals or machines (proctour worker --broker)
	// send their events here: lanes of their own, with their host.
	lanes := rt.NewRelayedLanes()
	defer lanes.Close()
	var joined atomic.Bool
	if err := nc.subscribe(brokerTraceSubject(stream), func(m natsMsg) {
		joined.Store(true)
		lanes.Relay(m.Data)
	}); err != nil {
		return err
	}
	if !rt.Gated() {
		// (a live run's: in step and seeded modes, what a worker of
		// another machine does would not wait at the gate)
		rt.Emit(trace.KindBrokerListen, "jobs", place.Listen)
	}
	publish := func(job string) error {
		var ack struct {
			Seq uint64 `json:"seq"`
		}
		rt.AwaitOp(trace.KindBrokerPublish, "jobs", false)
		if err := nc.jsAPI2(subj+".work", []byte(job), &ack); err != nil {
			return err
		}
		rt.Emit(trace.KindBrokerPublish, "jobs", trace.BrokerMsg{Job: json.RawMessage(job), Seq: ack.Seq})
		return nil
	}
	rt.Line(at("publish"))
	for n := range v.Int("jobs") {
		if err := publish(fmt.Sprint(n)); err != nil {
			return err
		}
	}
	procs := make([]*primitives.Process, v.Int("consumers"))
	for i := range procs {
		procs[i] = primitives.NewProcess(rt, brokerConsumer, brokerConsumerArgs{URL: url, Stream: stream, ID: i + 1, Crash: v.On("crash") && i == 0})
		procs[i].Name = fmt.Sprintf("consumer-%d", i+1)
	}
	rt.Line(at("start"))
	for _, p := range procs {
		if err := p.Start(); err != nil {
			return err
		}
	}
	rt.Line(at("wait"))
	told := false
	for {
		waiting, err := streamMessages(nc, stream)
		if err != nil {
			return err
		}
		if waiting == 0 {
			break
		}
		if !told && noneRuns(procs) {
			told = true
			rt.Print(fmt.Sprintf("no consumer runs: %d jobs wait in the broker", waiting))
		}
		rt.Sleep(0.5)
	}
	rt.Line(at("stop"))
	for _, p := range procs {
		if _, exited := p.ExitCode(); !exited {
			if err := publish(`"stop"`); err != nil {
				return err
			}
		}
	}
	if joined.Load() {
		// Workers of other machines joined: one stop each too, and as
		// any consumer may take any stop, another whenever every stop
		// is taken and someone still runs, until they have all gone
		// (those of other machines: for at most 10 s).
		if err := brokerStopAll(rt, nc, stream, procs, lanes, publish); err != nil {
			return err
		}
	}
	rt.Line(at("join"))
	for _, p := range procs {
		p.Join()
	}
	rt.Line(at("done"))
	rt.Print("every job acknowledged")
	return nil
}

// streamMessages is how many messages wait in the stream.
func streamMessages(nc *natsConn, stream string) (int, error) {
	var info struct {
		State struct {
			Messages int `json:"messages"`
		} `json:"state"`
	}
	err := nc.jsAPI("STREAM.INFO."+stream, nil, &info)
	return info.State.Messages, err
}

// brokerStopAll publishes stops until every consumer, of this machine or
// another, has taken one and gone.
func brokerStopAll(rt *primitives.Runtime, nc *natsConn, stream string, procs []*primitives.Process, lanes *primitives.RelayedLanes, publish func(string) error) error {
	for range lanes.Open() {
		if err := publish(`"stop"`); err != nil {
			return err
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for !noneRuns(procs) || (lanes.Open() > 0 && time.Now().Before(deadline)) {
		waiting, err := streamMessages(nc, stream)
		if err != nil {
			return err
		}
		// A consumer of this machine still runs and every stop is
		// taken: one of another machine took its stop. (One of another
		// machine that took a local's stop gets none: it ends when the
		// demo's stream goes.)
		if waiting == 0 && !noneRuns(procs) {
			if err := publish(`"stop"`); err != nil {
				return err
			}
		}
		rt.Sleep(0.5)
	}
	return nil
}

// brokerTraceSubject is where consumers of other machines send their
// events (outside the stream's subjects).
func brokerTraceSubject(stream string) string { return "proctour.trace." + stream }

// noneRuns reports whether every consumer has exited.
func noneRuns(procs []*primitives.Process) bool {
	for _, p := range procs {
		if _, exited := p.ExitCode(); !exited {
			return false
		}
	}
	return true
}

// jsAPI2 publishes data to a stream's subject and waits for JetStream's
// acknowledgement (the stored sequence number).
func (nc *natsConn) jsAPI2(subject string, data []byte, out any) error {
	m, err := nc.request(subject, data, 5*time.Second)
	if err != nil {
		return err
	}
	if m.Status != 0 {
		return fmt.Errorf("the broker did not store the job (status %d)", m.Status)
	}
	var e struct {
		Error *struct {
			Description string `json:"description"`
		} `json:"error"`
	}
	if json.Unmarshal(m.Data, &e) == nil && e.Error != nil {
		return fmt.Errorf("JetStream: %s", e.Error.Description)
	}
	return json.Unmarshal(m.Data, out)
}
