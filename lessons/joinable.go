package lessons

import (
	"fmt"
	"strings"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

var joinableListing = NewListing(`
CONSUMERS = {consumers}
JOBS = {jobs}

import time
from multiprocessing import Process, JoinableQueue, current_process

def consumer(i, q):
    me = current_process().name  # 'consumer-1', ...
    while True:  # a daemon: it loops until the main code ends
        job = q.get()                                       #@get
        print(f'{me} works on {job}')                       #@works
        time.sleep((i + 3) / 5)  # the work                 #@work
        print(f'{me} finished {job}')                       #@finished
        q.task_done()  # one job fewer to wait for          #@taskdone

def producer(q, n):
    for k in range(n):
        q.put(f'job-{k}')                                   #@put
    print(f'producer: {n} jobs put, waiting until they are done')   #@waiting
    q.join()  # until task_done() was called for each job   #@join
    print('producer: every job is done')                   #@alldone

if __name__ == '__main__':
    q = JoinableQueue()                                     #@new
    p = Process(target=producer, args=(q, JOBS), name='producer')
    p.start()  # its jobs wait in q until a consumer comes  #@pstart
    for i in range(1, CONSUMERS + 1):
        c = Process(target=consumer, args=(i, q), name=f'consumer-{i}',
                    daemon=True)
        c.start()                                           #@cstart
    p.join()                                                #@pjoin
    print('main: the producer is done; the main code ends')  #@end
    # here the daemon consumers, still waiting in q.get(), are terminated
`)

// Joinable is lesson 8's JoinableQueue: daemon consumers loop forever,
// calling task_done() after each job; a producer process puts JOBS jobs and
// waits in q.join() until every one is done. Main only waits for the
// producer; when its code ends, the daemon consumers are terminated. The
// trace shows the shutdown order: every task_done(), then the producer's
// join() returns, then the main code ends, then the consumers die.
var Joinable = register(&Scenario{
	ID:        "joinable",
	Lesson:    8,
	Summary:   "JoinableQueue: the producer's q.join() waits for every task_done(); daemon consumers end with the main code",
	SummaryZh: "JoinableQueue：生产者的 q.join() 等待每一个 task_done()；守护进程消费者随主代码一起结束",
	Listing:   joinableListing,
	ListingZh: map[string]string{
		"'consumer-1', ...":                           "'consumer-1' 等",
		"a daemon: it loops until the main code ends": "守护进程：一直循环到主代码结束",
		"the work":                  "干活",
		"one job fewer to wait for": "要等的任务少了一个",
		"until task_done() was called for each job":                           "直到每个任务都调用过 task_done()",
		"its jobs wait in q until a consumer comes":                           "它的任务在 q 里等着，直到有消费者来",
		"here the daemon consumers, still waiting in q.get(), are terminated": "在这里，仍等在 q.get() 中的守护消费者进程被终止",
	},
	Variants: []Variant{
		{Key: "consumers", Default: "2", Min: 1, Max: 4, Help: "daemon consumer processes; consumer-i takes (i+3)/5 s per job", HelpZh: "守护消费者进程数；consumer-i 处理每个任务要 (i+3)/5 秒"},
		{Key: "jobs", Default: "10", Min: 1, Max: 16, Help: "jobs the producer puts before it calls q.join()", HelpZh: "生产者在调用 q.join() 之前放入的任务数"},
	},
	// The default takes about 4.5 listing seconds (0.9 s). The longest: 16
	// jobs for one consumer, about 13 (2.6 s) live; in step mode, where one
	// sleep runs at a time, up to 23 (4.5 s).
	Budget: 10 * time.Second,
	Measures: map[string]func([]trace.Record) (int, bool){
		// jobs taken but not yet finished when the producer's q.join()
		// returned
		"unfinished_at_join": func(events []trace.Record) (int, bool) {
			n := 0
			for _, e := range events {
				text, _ := printed(e)
				switch {
				case strings.Contains(text, " works on "):
					n++
				case strings.Contains(text, " finished "):
					n--
				case text == "producer: every job is done":
					return n, true
				}
			}
			return 0, false
		},
	},
	Main: joinableMain,
})

// joinableWork is how long consumer-i works on a job, in listing seconds.
func joinableWork(i int) float64 { return float64(i+3) / 5 }

type joinableArgs struct {
	ID int // i of consumer-i; unused by the producer
	Q  *primitives.JoinableQueue
	N  int // jobs to put; unused by consumers
}

var (
	joinableConsumer = primitives.Register("joinable.consumer", func(rt *primitives.Runtime, a joinableArgs) error {
		at := joinableListing.At
		me := rt.Name()
		for {
			rt.Line(at("get"))
			var job string
			if err := a.Q.Get(&job); err != nil {
				return err
			}
			rt.Line(at("works"))
			rt.Printf("%s works on %s", me, job)
			rt.Line(at("work"))
			rt.Sleep(joinableWork(a.ID))
			rt.Line(at("finished"))
			rt.Printf("%s finished %s", me, job)
			rt.Line(at("taskdone"))
			if err := a.Q.TaskDone(); err != nil {
				return err
			}
		}
	})
	joinableProducer = primitives.Register("joinable.producer", func(rt *primitives.Runtime, a joinableArgs) error {
		at := joinableListing.At
		for k := range a.N {
			rt.Line(at("put"))
			if err := a.Q.Put(fmt.Sprintf("job-%d", k)); err != nil {
				return err
			}
		}
		rt.Line(at("waiting"))
		rt.Printf("producer: %d jobs put, waiting until they are done", a.N)
		rt.Line(at("join"))
		a.Q.Join()
		rt.Line(at("alldone"))
		rt.Print("producer: every job is done")
		return nil
	})
)

func joinableMain(rt *primitives.Runtime, v Vars) error {
	at := joinableListing.At
	rt.Line(at("new"))
	q, err := rt.NewJoinableQueue("q", 0)
	if err != nil {
		return err
	}
	// The producer starts first: a process's first events reach the
	// timeline only with its proc.start, which its parent reports after
	// the OS has started it, so a consumer started before the producer
	// could show a job got before its put.
	p := primitives.NewProcess(rt, joinableProducer, joinableArgs{Q: q, N: v.Int("jobs")})
	p.Name = "producer"
	rt.Line(at("pstart"))
	if err := p.Start(); err != nil {
		return err
	}
	for i := 1; i <= v.Int("consumers"); i++ {
		c := primitives.NewProcess(rt, joinableConsumer, joinableArgs{ID: i, Q: q})
		c.Name = fmt.Sprintf("consumer-%d", i)
		c.Daemon = true
		rt.Line(at("cstart"))
		if err := c.Start(); err != nil {
			return err
		}
	}
	rt.Line(at("pjoin"))
	if err := p.Join(); err != nil {
		return err
	}
	rt.Line(at("end"))
	rt.Print("main: the producer is done; the main code ends")
	return nil
}
