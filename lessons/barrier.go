package lessons

import (
	"fmt"
	"strings"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

var barrierListing = NewListing(`
BARRIER = {barrier}
RUNNERS = {runners}
TRIP = {trip}

import time
from multiprocessing import Process, Barrier
from threading import BrokenBarrierError   # multiprocessing raises threading's

def runner(name, line_up, t0):
    print(f'{name} is ready at {time.perf_counter() - t0:.2f}s')      #@ready
    if TRIP and name == 'runner-0':
        line_up.abort()      # it trips: the race is off for everyone   #@abort
        return
    if BARRIER:
        try:
            i = line_up.wait()   # until all RUNNERS have arrived       #@wait
        except BrokenBarrierError:
            print(f'{name}: the barrier is broken, no race')            #@broken
            return
    print(f'{name} starts at {time.perf_counter() - t0:.2f}s')         #@starts
    time.sleep(1)            # runs                                    #@runs
    print(f'{name} finishes')                                          #@done

if __name__ == '__main__':
    line_up = Barrier(RUNNERS)   # wait() returns once RUNNERS have called it   #@barrier
    t0 = time.perf_counter()
    ps = [Process(target=runner, name=f'runner-{i}',
                  args=(f'runner-{i}', line_up, t0))
          for i in range(RUNNERS)]
    for p in ps:
        p.start()            # one after another: each takes a while   #@start
    for p in ps:
        p.join()                                                       #@join
    print('race over')                                                 #@end
`)

// Barrier lines runners up before a race. Processes start one after
// another, each taking a while, so without a barrier the first runner is
// off before the last is even ready; with Barrier(RUNNERS) nobody starts
// before everyone has arrived, in every run and mode. trip=on: runner-0
// calls abort() instead of wait(), and every other runner's wait() raises
// BrokenBarrierError, whether it was already waiting or came later.
var Barrier = register(&Scenario{
	ID:        "barrier",
	Lesson:    15,
	Summary:   "runners line up at a Barrier before a race: barrier=off starts them as they come; trip=on aborts it and every wait() raises BrokenBarrierError",
	SummaryZh: "选手们在 Barrier 前排好队再开跑：barrier=off 谁到谁先跑；trip=on 让屏障被 abort，每个 wait() 都抛出 BrokenBarrierError",
	Listing:   barrierListing,
	ListingZh: map[string]string{
		"it trips: the race is off for everyone":     "它摔倒了：比赛对所有人都取消",
		"until all RUNNERS have arrived":             "等到 RUNNERS 个选手全部到齐",
		"multiprocessing raises threading's":         "抛出的是 threading 的异常",
		"runs":                                       "跑",
		"wait() returns once RUNNERS have called it": "RUNNERS 个进程都调用了 wait() 之后，它才返回",
		"one after another: each takes a while":      "一个接一个启动：每个都要花点时间",
	},
	Variants: []Variant{
		{Key: "barrier", Default: "on", Values: []string{"on", "off"}, Help: "line the runners up at the barrier before they start", HelpZh: "开跑前让选手们在屏障前排好队"},
		{Key: "runners", Default: "4", Min: 2, Max: 8, Help: "runners, and the barrier's parties", HelpZh: "选手人数，也是屏障的 parties"},
		{Key: "trip", Default: "off", Values: []string{"off", "on"}, Help: "runner-0 trips and calls abort() instead of wait()", HelpZh: "runner-0 摔倒，调用 abort() 而不是 wait()"},
	},
	Budget: 10 * time.Second,
	Measures: map[string]func([]trace.Record) (int, bool){
		// how many runners started before the last one was ready
		"early": func(events []trace.Record) (int, bool) {
			var lines []string
			for _, e := range events {
				text, _ := printed(e)
				if text == "race over" {
					early := 0
					for _, l := range lines {
						if strings.Contains(l, " is ready at ") {
							early = 0 // only those before the last ready count
						} else if strings.Contains(l, " starts at ") {
							early++
						}
					}
					started := 0
					for _, l := range lines {
						if strings.Contains(l, " starts at ") {
							started++
						}
					}
					return started - early, true
				}
				lines = append(lines, text)
			}
			return 0, false
		},
		// how many runners found the barrier broken
		"broken": func(events []trace.Record) (int, bool) {
			n := 0
			for _, e := range events {
				text, _ := printed(e)
				if strings.HasSuffix(text, ": the barrier is broken, no race") {
					n++
				}
				if text == "race over" {
					return n, true
				}
			}
			return 0, false
		},
	},
	Main: barrierMain,
})

type runnerArgs struct {
	Name          string
	Barrier, Trip bool
	LineUp        *primitives.Barrier
	T0            int64 // time.perf_counter()'s start, in Unix nanoseconds
}

var barrierRunner = primitives.Register("barrier.runner", func(rt *primitives.Runtime, a runnerArgs) error {
	at := barrierListing.At
	since := func() float64 { return float64(time.Now().UnixNano()-a.T0) / float64(rt.Real(1)) }
	rt.Line(at("ready"))
	rt.Printf("%s is ready at %.2fs", a.Name, since())
	if a.Trip && a.Name == "runner-0" {
		rt.Line(at("abort"))
		a.LineUp.Abort()
		return nil
	}
	if a.Barrier {
		rt.Line(at("wait"))
		if _, err := a.LineUp.Wait(); err != nil {
			if !primitives.IsBrokenBarrier(err) {
				return err
			}
			rt.Line(at("broken"))
			rt.Printf("%s: the barrier is broken, no race", a.Name)
			return nil
		}
	}
	rt.Line(at("starts"))
	rt.Printf("%s starts at %.2fs", a.Name, since())
	rt.Line(at("runs"))
	rt.Sleep(1)
	rt.Line(at("done"))
	rt.Printf("%s finishes", a.Name)
	return nil
})

func barrierMain(rt *primitives.Runtime, v Vars) error {
	at := barrierListing.At
	n := v.Int("runners")
	rt.Line(at("barrier"))
	lineUp, err := rt.NewBarrier("line_up", n, nil, -1)
	if err != nil {
		return err
	}
	t0 := time.Now().UnixNano()
	ps := make([]*primitives.Process, n)
	for i := range ps {
		name := fmt.Sprintf("runner-%d", i)
		ps[i] = primitives.NewProcess(rt, barrierRunner, runnerArgs{Name: name, Barrier: v.On("barrier"), Trip: v.On("trip"), LineUp: lineUp, T0: t0})
		ps[i].Name = name
	}
	rt.Line(at("start"))
	for _, p := range ps {
		if err := p.Start(); err != nil {
			return err
		}
	}
	rt.Line(at("join"))
	for _, p := range ps {
		p.Join()
	}
	rt.Line(at("end"))
	rt.Print("race over")
	return nil
}
