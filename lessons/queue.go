package lessons

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

var queueListing = NewListing(`
ITEMS = {items}
TIMEOUT = {timeout}

import queue
import time
from multiprocessing import Process, Queue

def worker(q, n):
    time.sleep(1.5)  # the first result takes a while   #@work
    for i in range(n):
        q.put(f'result-{i}')  # waits while q is full    #@wput
        print(f'worker: put result-{i}')                #@wputdone
    print('worker: all results put')                    #@wdone

if __name__ == '__main__':
    q = Queue(3)                                        #@new
    for fruit in ['apple', 'banana', 'cherry']:
        q.put(fruit)                                    #@put
    print('full:', q.full())                            #@full
    try:
        if TIMEOUT:
            q.put('date', timeout=TIMEOUT)  # waits, then gives up   #@puttimeout
        else:
            q.put_nowait('date')  # the same as put('date', block=False)   #@putnowait
    except queue.Full:
        print('queue.Full: no room for date')          #@isfull
    for _ in range(3):
        print('got', q.get())                           #@get
    print('empty:', q.empty())                          #@empty
    try:
        if TIMEOUT:
            print('got', q.get(timeout=TIMEOUT))        #@gettimeout
        else:
            print('got', q.get_nowait())                #@getnowait
    except queue.Empty:
        print('queue.Empty: nothing to get')            #@isempty

    p = Process(target=worker, args=(q, ITEMS), name='worker')
    p.start()                                           #@start
    for _ in range(ITEMS):
        print('main: got', q.get())  # waits while q is empty   #@mget
        time.sleep(1)  # main is the slow side          #@slow
    p.join()                                            #@join
    print('main: done')                                 #@done
`)

// Queue is lesson 7's tour of a bounded Queue: main fills Queue(3), finds
// it full, is refused a fourth item (queue.Full), empties it, is refused a
// get (queue.Empty); then a worker process sends ITEMS results back through
// it. Main's first get waits on the empty queue, and main takes its time
// with each result, so the worker's puts fill the queue and wait for room.
var Queue = register(&Scenario{
	ID:        "queue",
	Lesson:    7,
	Summary:   "Queue(3) full and empty: put_nowait → queue.Full, get_nowait → queue.Empty; a worker's put() waits for room",
	SummaryZh: "Queue(3) 满与空：put_nowait → queue.Full，get_nowait → queue.Empty；工作进程的 put() 会等到有空位",
	Listing:   queueListing,
	// not queue.py: beside the listing's `import queue` it would import
	// itself
	ScriptFile: "queue_demo.py",
	ListingZh: map[string]string{
		"the first result takes a while":       "第一个结果要等一会儿",
		"waits while q is full":                "q 满时等待",
		"waits, then gives up":                 "等一会儿，然后放弃",
		"the same as put('date', block=False)": "等同于 put('date', block=False)",
		"waits while q is empty":               "q 为空时等待",
		"main is the slow side":                "主进程是慢的一方",
	},
	Variants: []Variant{
		{Key: "items", Default: "5", Min: 1, Max: 10, Help: "results the worker puts into Queue(3) while main takes a second over each; with more than 3, its put() soon waits for room", HelpZh: "worker 放进 Queue(3) 的结果数，主进程每取一个要花一秒；超过 3 个时，它的 put() 很快就要等空位"},
		{Key: "timeout", Default: "0", Min: 0, Max: 5, Help: "seconds the refused put() and get() wait before raising; 0 uses put_nowait() and get_nowait(), which raise at once", HelpZh: "被拒绝的 put() 和 get() 抛出异常前等待的秒数；为 0 时用 put_nowait() 和 get_nowait()，立刻抛出"},
	},
	// The default takes about 7 listing seconds (1.3 s); the longest,
	// items=10 timeout=2, about 16 (3.2 s), in step mode too.
	Budget: 8 * time.Second,
	Measures: map[string]func([]trace.Record) (int, bool){
		// whether the put on the full queue raised queue.Full; told once
		// main has looked at the queue empty
		"full_raised": func(events []trace.Record) (int, bool) {
			raised := false
			for _, text := range printedBy(events, "MainProcess") {
				if strings.HasPrefix(text, "queue.Full") {
					raised = true
				}
				if strings.HasPrefix(text, "empty: ") {
					return boolInt(raised), true
				}
			}
			return 0, false
		},
	},
	Main: queueMain,
})

// queueFruits are what main puts first, exactly maxsize of them.
var queueFruits = []string{"apple", "banana", "cherry"}

const (
	queueMaxsize   = 3
	queueFirstWork = 1.5 // listing seconds before the worker's first put
	queueMainPause = 1   // listing seconds main spends on each result
)

type queueWorkerArgs struct {
	Q *primitives.Queue
	N int
}

var queueWorker = primitives.Register("queue.worker", func(rt *primitives.Runtime, a queueWorkerArgs) error {
	at := queueListing.At
	rt.Line(at("work"))
	rt.Sleep(queueFirstWork)
	for i := range a.N {
		item := fmt.Sprintf("result-%d", i)
		rt.Line(at("wput"))
		if err := a.Q.Put(item); err != nil {
			return err
		}
		rt.Line(at("wputdone"))
		rt.Printf("worker: put %s", item)
	}
	rt.Line(at("wdone"))
	rt.Print("worker: all results put")
	return nil
})

// queueRaised reports whether err is the Python exception typ (queue.Full,
// queue.Empty), which the listing catches.
func queueRaised(err error, typ string) bool {
	var pe *primitives.Error
	return errors.As(err, &pe) && pe.Type == typ
}

func queueMain(rt *primitives.Runtime, v Vars) error {
	at := queueListing.At
	timeout := float64(v.Int("timeout"))
	rt.Line(at("new"))
	q, err := rt.NewQueue("q", queueMaxsize)
	if err != nil {
		return err
	}
	for _, fruit := range queueFruits {
		rt.Line(at("put"))
		if err := q.Put(fruit); err != nil {
			return err
		}
	}
	rt.Line(at("full"))
	rt.Printf("full: %s", daemonBool(q.Full()))
	if timeout > 0 {
		rt.Line(at("puttimeout"))
		err = q.PutTimeout("date", timeout)
	} else {
		rt.Line(at("putnowait"))
		err = q.PutNowait("date")
	}
	switch {
	case queueRaised(err, "queue.Full"):
		rt.Line(at("isfull"))
		rt.Print("queue.Full: no room for date")
	case err != nil:
		return err
	}
	for range queueFruits {
		rt.Line(at("get"))
		var s string
		if err := q.Get(&s); err != nil {
			return err
		}
		rt.Printf("got %s", s)
	}
	rt.Line(at("empty"))
	rt.Printf("empty: %s", daemonBool(q.Empty()))
	var s string
	if timeout > 0 {
		rt.Line(at("gettimeout"))
		err = q.GetTimeout(&s, timeout)
	} else {
		rt.Line(at("getnowait"))
		err = q.GetNowait(&s)
	}
	switch {
	case queueRaised(err, "queue.Empty"):
		rt.Line(at("isempty"))
		rt.Print("queue.Empty: nothing to get")
	case err != nil:
		return err
	default:
		rt.Printf("got %s", s)
	}

	n := v.Int("items")
	p := primitives.NewProcess(rt, queueWorker, queueWorkerArgs{Q: q, N: n})
	p.Name = "worker"
	rt.Line(at("start"))
	if err := p.Start(); err != nil {
		return err
	}
	for range n {
		rt.Line(at("mget"))
		var item string
		if err := q.Get(&item); err != nil {
			return err
		}
		rt.Printf("main: got %s", item)
		rt.Line(at("slow"))
		rt.Sleep(queueMainPause)
	}
	rt.Line(at("join"))
	if err := p.Join(); err != nil {
		return err
	}
	rt.Line(at("done"))
	rt.Print("main: done")
	return nil
}
