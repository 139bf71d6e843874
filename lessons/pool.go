package lessons

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

var poolListing = NewListing(`
MODE = {mode}
PROCESSES = {processes}

import os
import time
from multiprocessing import Pool

def square(x):
    time.sleep(0.5)  # a little work, to see who runs at once   #@work
    return x * x, os.getpid()  # the result, and which worker   #@return

if __name__ == '__main__':
    pool = Pool(PROCESSES)  # starts PROCESSES workers, now      #@pool
    if MODE == 'sync':
        pairs = []
        for i in range(10):
            # apply() waits for the result: one task at a time
            pairs.append(pool.apply(square, (i,)))              #@apply
    else:
        # apply_async() returns an AsyncResult at once: all ten queued
        results = [pool.apply_async(square, (i,)) for i in range(10)]   #@apply_async
        pairs = [r.get() for r in results]  # waits for each in turn    #@get
    pool.close()  # no more tasks                               #@close
    pool.join()   # wait for the workers to exit                #@join
    pids = sorted({pid for _, pid in pairs})
    print('results:', [sq for sq, _ in pairs])                  #@results
    print(f'{len(pairs)} tasks ran in {len(pids)} workers: {pids}')   #@pids
`)

// Pool is lesson 11's first pool: ten squares computed by a Pool of
// PROCESSES workers. mode=sync uses apply(), which waits for each result
// before the next task is sent, so the tasks run one after another;
// mode=async queues all ten with apply_async() and then gets each result,
// so PROCESSES run at once. Either way only PROCESSES worker processes are
// started, and their pids come back again and again.
var Pool = register(&Scenario{
	ID:        "pool",
	Lesson:    11,
	Summary:   "ten squares in a Pool: apply() runs them one at a time, apply_async() one per worker at once; the same few worker pids every time",
	SummaryZh: "在进程池里算十个平方数：apply() 一次一个，apply_async() 每个工作进程同时一个；每次都是那几个工作进程的 pid",
	Listing:   poolListing,
	ListingZh: map[string]string{
		"a little work, to see who runs at once":                       "干点活，好看出谁在同时运行",
		"the result, and which worker":                                 "结果，以及是哪个工作进程",
		"starts PROCESSES workers, now":                                "立即启动 PROCESSES 个工作进程",
		"apply() waits for the result: one task at a time":             "apply() 等待结果：一次只执行一个任务",
		"apply_async() returns an AsyncResult at once: all ten queued": "apply_async() 立即返回 AsyncResult：十个任务全部排进队列",
		"waits for each in turn":                                       "依次等待每个结果",
		"no more tasks":                                                "不再提交任务",
		"wait for the workers to exit":                                 "等工作进程全部退出",
	},
	Variants: []Variant{
		{Key: "mode", Default: "async", Values: []string{"sync", "async"}, Help: "sync: apply(), waiting for each result; async: apply_async() for all ten, then get()", HelpZh: "sync：apply()，每个结果都要等；async：十个任务全部 apply_async()，再逐个 get()"},
		{Key: "processes", Default: "3", Min: 1, Max: 8, Help: "worker processes in the pool; each task sleeps 0.5 s", HelpZh: "进程池里的工作进程数；每个任务睡 0.5 秒"},
	},
	// The slowest, mode=sync or processes=1, takes about 5 listing seconds
	// (1 s), in live and in step mode alike.
	Budget: 4 * time.Second,
	Measures: map[string]func([]trace.Record) (int, bool){
		// how many different pids ran the tasks, as main prints it
		"distinct_pids": func(events []trace.Record) (int, bool) {
			for _, text := range printedBy(events, "MainProcess") {
				var tasks, pids int
				if n, _ := fmt.Sscanf(text, "%d tasks ran in %d workers", &tasks, &pids); n == 2 {
					return pids, true
				}
			}
			return 0, false
		},
	},
	Main: poolMain,
})

const (
	poolTasks = 10
	poolWork  = 0.5 // listing seconds each square() sleeps
)

// poolSquare returns x*x and the pid of the worker that computed it, as the
// listing's (x * x, os.getpid()).
var poolSquare = primitives.RegisterTask("pool.square", func(rt *primitives.Runtime, x int) ([2]int, error) {
	at := poolListing.At
	rt.Line(at("work"))
	rt.Sleep(poolWork)
	rt.Line(at("return"))
	return [2]int{x * x, rt.Pid()}, nil
})

func poolMain(rt *primitives.Runtime, v Vars) error {
	at := poolListing.At
	rt.Line(at("pool"))
	pool, err := rt.NewPool("pool", primitives.PoolOptions{Processes: v.Int("processes")})
	if err != nil {
		return err
	}
	pairs := make([][2]int, poolTasks)
	if v["mode"] == "sync" {
		for i := range pairs {
			rt.Line(at("apply"))
			if pairs[i], err = primitives.Apply(pool, poolSquare, i); err != nil {
				return err
			}
		}
	} else {
		results := make([]*primitives.AsyncResult[[2]int], poolTasks)
		rt.Line(at("apply_async"))
		for i := range results {
			if results[i], err = primitives.ApplyAsync(pool, poolSquare, i, primitives.Callbacks[[2]int]{}); err != nil {
				return err
			}
		}
		rt.Line(at("get"))
		for i, r := range results {
			if pairs[i], err = r.Get(); err != nil {
				return err
			}
		}
	}
	rt.Line(at("close"))
	pool.Close()
	rt.Line(at("join"))
	if err := pool.Join(); err != nil {
		return err
	}
	squares := make([]int, len(pairs))
	var pids []int
	for i, p := range pairs {
		squares[i] = p[0]
		if !slices.Contains(pids, p[1]) {
			pids = append(pids, p[1])
		}
	}
	slices.Sort(pids)
	rt.Line(at("results"))
	rt.Print("results:", poolInts(squares))
	rt.Line(at("pids"))
	rt.Printf("%d tasks ran in %d workers: %s", len(pairs), len(pids), poolInts(pids))
	return nil
}

// poolInts is a list of ints as Python prints it: [0, 1, 4].
func poolInts(xs []int) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.Itoa(x)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
