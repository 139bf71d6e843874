package lessons

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

var joinListing = NewListing(`
MODE = {mode}

import time
from multiprocessing import Process

def work(seconds):
    print(f'working for {seconds}s')                   #@begin
    time.sleep(seconds)                                #@work
    print(f'done after {seconds}s')                    #@done

if __name__ == '__main__':
    workers = [Process(target=work, args=(s,), name=f'worker-{s}')
               for s in (2, 3, 5)]
    t0 = time.perf_counter()                           #@t0
    if MODE == 'serial':
        for p in workers:
            p.start()                                  #@start1
            p.join()  # wait for this one before the next starts   #@join1
    else:
        for p in workers:
            p.start()                                  #@start
        for p in workers:
            p.join()  # blocks main, not the workers   #@join
    print(f'took {time.perf_counter() - t0:.1f}s')     #@took
`)

// Join is lesson 2's "join doesn't make it serial": three workers that sleep
// 2, 3 and 5 seconds, all started before any is joined, are done after about
// 5 seconds, not 10. mode=serial joins each before starting the next, and
// then it does take the sum.
var Join = register(&Scenario{
	ID:        "join",
	Lesson:    2,
	Summary:   "three workers of 2/3/5 s started, then joined: ≈ the longest, not the sum; mode=serial takes the sum",
	SummaryZh: "启动分别工作 2/3/5 秒的三个进程再逐个 join：总时间约等于最长的那个，而不是总和；mode=serial 则是总和",
	Listing:   joinListing,
	ListingZh: map[string]string{
		"wait for this one before the next starts": "等这个结束，下一个才启动",
		"blocks main, not the workers":             "阻塞的是主进程，不是工作进程",
	},
	Variants: []Variant{
		{Key: "mode", Default: "together", Values: []string{"together", "serial"}, Help: "start all then join all, or start and join one at a time", HelpZh: "先全部 start 再全部 join，还是一次 start 并 join 一个"},
	},
	Budget: 10 * time.Second,
	Measures: map[string]func([]trace.Record) (int, bool){
		// what main printed it took, "took 5.0s", to the nearest listing
		// second (main measures it itself, so it does not depend on speed)
		"took_seconds": func(events []trace.Record) (int, bool) {
			for _, e := range events {
				var text string
				var s float64
				if e.Kind == trace.KindStdout && e.Proc == "MainProcess" && json.Unmarshal(e.Val, &text) == nil {
					if _, err := fmt.Sscanf(text, "took %fs", &s); err == nil {
						return int(math.Round(s)), true
					}
				}
			}
			return 0, false
		},
	},
	Main: joinMain,
})

// joinSeconds are the workers' sleeps, in listing seconds.
var joinSeconds = []float64{2, 3, 5}

var joinWorker = primitives.Register("join.work", func(rt *primitives.Runtime, seconds float64) error {
	at := joinListing.At
	rt.Line(at("begin"))
	rt.Printf("working for %gs", seconds)
	rt.Line(at("work"))
	rt.Sleep(seconds)
	rt.Line(at("done"))
	rt.Printf("done after %gs", seconds)
	return nil
})

func joinMain(rt *primitives.Runtime, v Vars) error {
	at := joinListing.At
	workers := make([]*primitives.Process, len(joinSeconds))
	for i, s := range joinSeconds {
		workers[i] = primitives.NewProcess(rt, joinWorker, s)
		workers[i].Name = fmt.Sprintf("worker-%g", s)
	}
	rt.Line(at("t0"))
	t0 := time.Now()
	if v["mode"] == "serial" {
		for _, p := range workers {
			rt.Line(at("start1"))
			if err := p.Start(); err != nil {
				return err
			}
			rt.Line(at("join1"))
			p.Join()
		}
	} else {
		rt.Line(at("start"))
		for _, p := range workers {
			if err := p.Start(); err != nil {
				return err
			}
		}
		rt.Line(at("join"))
		for _, p := range workers {
			p.Join()
		}
	}
	rt.Line(at("took"))
	rt.Printf("took %.1fs", float64(time.Since(t0))/float64(rt.Real(1)))
	return nil
}
