package lessons

import (
	"fmt"
	"slices"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

var poolVsProcessListing = NewListing(`
TASKS = {tasks}

import time
from multiprocessing import Pool, Process, Queue

def square(x):
    return x * x  # a tiny task: starting a process costs far more   #@square

def square_into(q, i, x):
    q.put((i, square(x)))  # a Process returns nothing: send it back   #@put

if __name__ == '__main__':
    numbers = list(range(TASKS))

    t0 = time.perf_counter()                                    #@t0
    pool = Pool(5)  # five processes for all the tasks           #@pool
    by_pool = pool.map(square, numbers)  # in chunks, in order   #@map
    pool.close()                                                 #@close
    pool.join()                                                  #@join
    pool_time = time.perf_counter() - t0

    t0 = time.perf_counter()                                    #@t1
    q = Queue()  # the way back for the results                 #@queue
    procs = [Process(target=square_into, args=(q, i, x))
             for i, x in enumerate(numbers)]
    for p in procs:
        p.start()  # one new process per task                   #@start
    by_process = [None] * TASKS
    for _ in procs:
        i, sq = q.get()  # in whatever order they finish        #@get
        by_process[i] = sq
    for p in procs:
        p.join()                                                #@pjoin
    process_time = time.perf_counter() - t0

    print('same results:', by_pool == by_process)               #@same
    print(f'pool: {pool_time:.3f} s')                           #@pooltime
    print(f'processes: {process_time:.3f} s')                   #@proctime
    print(f'{TASKS} tasks: 5 processes started with the pool, {len(procs)} without')   #@count
`)

// PoolVsProcess is lesson 11's measurement: the same TASKS tiny tasks run
// by Pool(5).map and by one Process each (results sent back on a Queue).
// Both ways are timed with the wall clock, pool start and join included;
// the times are real seconds, not stretched by the speed factor, since
// nothing in either way sleeps. Starting a process costs far more than the
// task, so the pool's five processes are quicker than TASKS of them.
//
// The two times are printed as "pool: N.NNN s" and "processes: N.NNN s",
// a fixed format a widget may read.
var PoolVsProcess = register(&Scenario{
	ID:        "pool-vs-process",
	Lesson:    11,
	Summary:   "100 tiny tasks with Pool(5).map vs one Process each: both timed; starting processes is the cost",
	SummaryZh: "100 个小任务，用 Pool(5).map 还是每个任务一个 Process：两种都计时；开销在于启动进程",
	Listing:   poolVsProcessListing,
	ListingZh: map[string]string{
		"a tiny task: starting a process costs far more": "很小的任务：启动一个进程的开销要大得多",
		"a Process returns nothing: send it back":        "Process 没有返回值：把结果送回来",
		"five processes for all the tasks":               "五个进程承担全部任务",
		"in chunks, in order":                            "分块执行，顺序不变",
		"the way back for the results":                   "结果回传的通道",
		"one new process per task":                       "每个任务一个新进程",
		"in whatever order they finish":                  "按它们完成的先后顺序",
	},
	Variants: []Variant{
		{Key: "tasks", Default: "100", Min: 10, Max: 300, Help: "how many squares; the Process way starts one process for each", HelpZh: "算多少个平方数；Process 的做法为每一个启动一个进程"},
	},
	// Nothing sleeps: a run is as long as starting the processes takes,
	// about 0.4 s for the default live and 1 s in step mode; 300 tasks take
	// about 1 s live and 3 s in step mode.
	Budget: 10 * time.Second,
	Measures: map[string]func([]trace.Record) (int, bool){
		// whether the pool was faster than a process per task
		"pool_faster": func(events []trace.Record) (int, bool) {
			secs := timings(events)
			if len(secs) < 2 {
				return 0, false
			}
			return boolInt(secs[0] < secs[1]), true
		},
	},
	Main: poolVsProcessMain,
})

const poolVsProcessWorkers = 5

var pvpSquare = primitives.RegisterTask("pool-vs-process.square", func(rt *primitives.Runtime, x int) (int, error) {
	rt.Line(poolVsProcessListing.At("square"))
	return x * x, nil
})

type pvpArgs struct {
	Q    *primitives.Queue
	I, X int
}

var pvpSquareInto = primitives.Register("pool-vs-process.square_into", func(rt *primitives.Runtime, a pvpArgs) error {
	rt.Line(poolVsProcessListing.At("put"))
	return a.Q.Put([2]int{a.I, a.X * a.X})
})

func poolVsProcessMain(rt *primitives.Runtime, v Vars) error {
	at := poolVsProcessListing.At
	n := v.Int("tasks")
	numbers := make([]int, n)
	for i := range numbers {
		numbers[i] = i
	}

	rt.Line(at("t0"))
	t0 := time.Now()
	rt.Line(at("pool"))
	pool, err := rt.NewPool("pool", primitives.PoolOptions{Processes: poolVsProcessWorkers})
	if err != nil {
		return err
	}
	rt.Line(at("map"))
	byPool, err := primitives.Map(pool, pvpSquare, numbers, 0)
	if err != nil {
		return err
	}
	rt.Line(at("close"))
	pool.Close()
	rt.Line(at("join"))
	if err := pool.Join(); err != nil {
		return err
	}
	poolTime := time.Since(t0)

	rt.Line(at("t1"))
	t0 = time.Now()
	rt.Line(at("queue"))
	q, err := rt.NewQueue("q", 0)
	if err != nil {
		return err
	}
	procs := make([]*primitives.Process, n)
	for i, x := range numbers {
		procs[i] = primitives.NewProcess(rt, pvpSquareInto, pvpArgs{Q: q, I: i, X: x})
	}
	rt.Line(at("start"))
	for _, p := range procs {
		if err := p.Start(); err != nil {
			return err
		}
	}
	byProcess := make([]int, n)
	rt.Line(at("get"))
	for range procs {
		var r [2]int
		if err := q.Get(&r); err != nil {
			return err
		}
		byProcess[r[0]] = r[1]
	}
	rt.Line(at("pjoin"))
	for _, p := range procs {
		p.Join()
	}
	processTime := time.Since(t0)

	rt.Line(at("same"))
	rt.Print("same results:", poolBool(slices.Equal(byPool, byProcess)))
	rt.Line(at("pooltime"))
	rt.Timing("Pool(5).map", poolTime)
	rt.Printf("pool: %.3f s", poolTime.Seconds())
	rt.Line(at("proctime"))
	rt.Timing(fmt.Sprintf("%d Process()es", n), processTime)
	rt.Printf("processes: %.3f s", processTime.Seconds())
	rt.Line(at("count"))
	rt.Printf("%d tasks: %d processes started with the pool, %d without", n, len(pool.Workers()), len(procs))
	return nil
}

// poolBool is a bool as Python prints it.
func poolBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}
