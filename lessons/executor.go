package lessons

import (
	"strings"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

var executorListing = NewListing(`
WORKERS = {workers}

import os
import time
from concurrent.futures import ProcessPoolExecutor

def slow_square(x):
    time.sleep(x / 4)  # the bigger x, the longer it takes       #@work
    return x * x                                                #@return

def report(future):
    # runs in the main process, as soon as the call is done
    print(f'done: {future.result()}, reported by pid {os.getpid()}')   #@report

if __name__ == '__main__':
    print('main pid:', os.getpid())                             #@pid
    numbers = [5, 2, 4, 1, 3]
    executor = ProcessPoolExecutor(max_workers=WORKERS)         #@executor
    futures = []
    for x in numbers:
        future = executor.submit(slow_square, x)  # a Future, at once   #@submit
        future.add_done_callback(report)                        #@add
        futures.append(future)
    # result() waits for each in turn: in the order submitted
    print('results:', [f.result() for f in futures])           #@results
    # map() gives the results in the order of its input, too
    print('map:', list(executor.map(slow_square, numbers)))    #@map
    executor.shutdown(wait=True)  # like close() then join()    #@shutdown
    print('executor shut down')                                 #@end
`)

// Executor is lesson 13's ProcessPoolExecutor: five calls submitted, each
// Future with a done callback that prints its result as soon as the call
// finishes — in the main process, in the order the calls finish, which is
// not the order they were submitted, since bigger numbers take longer.
// result() and map() give the results in the order submitted; shutdown
// (wait=True) waits for the workers to exit.
var Executor = register(&Scenario{
	ID:        "executor",
	Lesson:    13,
	Summary:   "ProcessPoolExecutor: submit() → Future, done callbacks in the main process as calls finish, map() in input order, shutdown(wait=True)",
	SummaryZh: "ProcessPoolExecutor：submit() 返回 Future，调用完成时完成回调在主进程中运行，map() 按输入顺序返回，最后 shutdown(wait=True)",
	Listing:   executorListing,
	ListingZh: map[string]string{
		"the bigger x, the longer it takes":                       "x 越大，耗时越长",
		"runs in the main process, as soon as the call is done":   "调用一完成，就在主进程里执行",
		"a Future, at once":                                       "立即返回 Future",
		"result() waits for each in turn: in the order submitted": "result() 依次等待每个：按提交的顺序",
		"map() gives the results in the order of its input, too":  "map() 同样按输入的顺序给出结果",
		"like close() then join()":                                "相当于 close() 再 join()",
	},
	Variants: []Variant{
		{Key: "workers", Default: "3", Min: 1, Max: 5, Help: "max_workers; with 1 the calls run, and finish, in the order submitted", HelpZh: "max_workers；为 1 时各次调用按提交的顺序运行、完成"},
	},
	// The default takes about 3 listing seconds (0.6 s) live; workers=1,
	// or step mode, where one sleep runs at a time, about 7.5 (1.5 s).
	Budget: 5 * time.Second,
	Measures: map[string]func([]trace.Record) (int, bool){
		// whether every done callback ran in the main process; told once
		// the executor is shut down
		"callbacks_in_main": func(events []trace.Record) (int, bool) {
			main, all := "", true
			for _, text := range printedBy(events, "MainProcess") {
				if v, ok := strings.CutPrefix(text, "main pid: "); ok {
					main = v
				}
				if _, pid, ok := strings.Cut(text, ", reported by pid "); ok && strings.HasPrefix(text, "done: ") {
					all = all && pid == main
				}
				if text == "executor shut down" {
					return boolInt(all && main != ""), true
				}
			}
			return 0, false
		},
	},
	Main: executorMain,
})

// executorNumbers are what the listing submits and maps, in this order.
var executorNumbers = []int{5, 2, 4, 1, 3}

var executorSlowSquare = primitives.RegisterTask("executor.slow_square", func(rt *primitives.Runtime, x int) (int, error) {
	at := executorListing.At
	rt.Line(at("work"))
	rt.Sleep(float64(x) / 4)
	rt.Line(at("return"))
	return x * x, nil
})

// executorReport is the done callback: rt is the main process's.
func executorReport(rt *primitives.Runtime, f *primitives.Future[int]) {
	rt.Line(executorListing.At("report"))
	v, err := f.Result()
	if err != nil {
		rt.Printf("done: %v, reported by pid %d", err, rt.Pid())
		return
	}
	rt.Printf("done: %d, reported by pid %d", v, rt.Pid())
}

func executorMain(rt *primitives.Runtime, v Vars) error {
	at := executorListing.At
	rt.Line(at("pid"))
	rt.Print("main pid:", rt.Pid())
	rt.Line(at("executor"))
	executor, err := rt.NewExecutor("executor", v.Int("workers"))
	if err != nil {
		return err
	}
	var futures []*primitives.Future[int]
	for _, x := range executorNumbers {
		rt.Line(at("submit"))
		future, err := primitives.Submit(executor, executorSlowSquare, x)
		if err != nil {
			return err
		}
		rt.Line(at("add"))
		future.AddDoneCallback("report", executorReport)
		futures = append(futures, future)
	}
	rt.Line(at("results"))
	results := make([]int, len(futures))
	for i, f := range futures {
		if results[i], err = f.Result(); err != nil {
			return err
		}
	}
	rt.Print("results:", poolInts(results))
	rt.Line(at("map"))
	mapped, err := primitives.ExecutorMap(executor, executorSlowSquare, executorNumbers)
	if err != nil {
		return err
	}
	rt.Print("map:", poolInts(mapped))
	rt.Line(at("shutdown"))
	if err := executor.Shutdown(true); err != nil {
		return err
	}
	rt.Line(at("end"))
	rt.Print("executor shut down")
	return nil
}
