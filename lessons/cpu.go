package lessons

import (
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

var cpuListing = NewListing(`
PROCS = {procs}

import os, time
from multiprocessing import Process

WORK = 5_000_000  # loop steps: about half a second of one CPU in CPython

def burn(name, pin):
    if pin:
        try:
            os.sched_setaffinity(0, {0})    # this process may run on CPU 0 only  #@pin
        except (AttributeError, OSError) as e:  # no affinity on macOS, Windows
            print(f'{name}: cannot pin to CPU 0 here ({e!r}); it runs unpinned')
    if hasattr(os, 'sched_getaffinity'):
        print(f'{name} may run on CPUs {sorted(os.sched_getaffinity(0))}')  #@cpus
    start, cpu = time.perf_counter(), time.process_time()
    n = 0
    for i in range(WORK):               # pure computation: no I/O, no waiting  #@burn
        n += i * i
    print(f'{name}: {time.process_time() - cpu:.2f} s of CPU '
          f'in {time.perf_counter() - start:.2f} s')            #@done

def run_all(pin):
    procs = [Process(target=burn, args=(f'worker-{i}', pin), name=f'worker-{i}')
             for i in range(PROCS)]
    start = time.perf_counter()
    for p in procs:
        p.start()                                               #@start
    for p in procs:
        p.join()                                                #@join
    return time.perf_counter() - start

if __name__ == '__main__':
    print('CPUs:', os.cpu_count())                              #@count
    one = run_all(pin=True)      # time-slicing: they take turns on CPU 0  #@one
    print(f'{PROCS} workers on one CPU: {one:.2f} s')           #@onetime
    spread = run_all(pin=False)  # parallelism: one CPU each, if there are enough  #@spread
    print(f'{PROCS} workers spread over the CPUs: {spread:.2f} s')  #@spreadtime
`)

// CPU is lesson 1's concurrency against parallelism, measured: PROCS
// CPU-bound workers run first all pinned to CPU 0 (sched_setaffinity), where
// they can only take turns, then free to spread over every CPU. Each worker
// reports its CPU time and wall time; main reports both runs' wall times.
var CPU = register(&Scenario{
	ID:        "cpu",
	Lesson:    1,
	Summary:   "CPU-bound workers pinned to one CPU take turns; spread over the CPUs they run in parallel",
	SummaryZh: "CPU 密集的工作进程绑在一个 CPU 上时轮流运行；分散到多个 CPU 上时并行运行",
	Listing:   cpuListing,
	ListingZh: map[string]string{
		"this process may run on CPU 0 only":                    "本进程只能在 CPU 0 上运行",
		"loop steps: about half a second of one CPU in CPython": "循环步数：CPython 里约占一个 CPU 半秒",
		"no affinity on macOS, Windows":                         "macOS、Windows 没有 CPU 亲和性",
		"pure computation: no I/O, no waiting":                  "纯计算：没有 I/O，也不等待",
		"time-slicing: they take turns on CPU 0":                "时间片：它们轮流在 CPU 0 上运行",
		"parallelism: one CPU each, if there are enough":        "并行：CPU 够多时，每个进程占一个",
	},
	Variants: []Variant{
		{Key: "procs", Default: "2", Min: 1, Max: 8, Help: "how many CPU-bound workers", HelpZh: "CPU 密集的工作进程有几个"},
	},
	Budget: 30 * time.Second,
	Measures: map[string]func([]trace.Record) (int, bool){
		// the pinned run's wall time as a percentage of the spread run's,
		// from the two timings main reports
		"pinned_vs_spread_pct": func(events []trace.Record) (int, bool) {
			secs := timings(events)
			if len(secs) < 2 || secs[1] <= 0 {
				return 0, false
			}
			return int(100*secs[0]/secs[1] + 0.5), true
		},
	},
	Main: cpuMain,
})

// cpuWork is the loop's length: about a quarter of a second of one CPU
// here. It is computation, so the speed factor does not shorten it.
const cpuWork = 400_000_000

type burnArgs struct {
	Name string
	Pin  bool
}

var cpuSink int

var cpuBurn = primitives.Register("cpu.burn", func(rt *primitives.Runtime, a burnArgs) error {
	at := cpuListing.At
	// Affinity belongs to a thread: keep the computation on this one, which
	// is the one pinned (Python's process is one thread).
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if a.Pin {
		rt.Line(at("pin"))
		if err := primitives.PinToCPU(0); err != nil {
			rt.Printf("%s: cannot pin to CPU 0 here (%v); it runs unpinned", a.Name, err)
		}
	}
	rt.Line(at("cpus"))
	cpus, err := primitives.AllowedCPUs()
	if err != nil {
		rt.Printf("%s may run on CPUs unknown (%v)", a.Name, err)
	} else {
		rt.Printf("%s may run on CPUs %s", a.Name, pyIntList(cpus))
	}
	start, cpu := time.Now(), primitives.CPUTime()
	rt.Line(at("burn"))
	n := 0
	for i := range cpuWork {
		n += i * i
	}
	cpuSink = n
	rt.Line(at("done"))
	rt.Printf("%s: %.2f s of CPU in %.2f s", a.Name, (primitives.CPUTime() - cpu).Seconds(), time.Since(start).Seconds())
	return nil
})

func pyIntList(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = fmt.Sprint(n)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func cpuMain(rt *primitives.Runtime, v Vars) error {
	at := cpuListing.At
	n := v.Int("procs")
	rt.Line(at("count"))
	rt.Print("CPUs:", runtime.NumCPU())
	runAll := func(pin bool) (time.Duration, error) {
		procs := make([]*primitives.Process, n)
		for i := range procs {
			name := fmt.Sprintf("worker-%d", i)
			procs[i] = primitives.NewProcess(rt, cpuBurn, burnArgs{Name: name, Pin: pin})
			procs[i].Name = name
		}
		start := time.Now()
		rt.Line(at("start"))
		for _, p := range procs {
			if err := p.Start(); err != nil {
				return 0, err
			}
		}
		rt.Line(at("join"))
		for _, p := range procs {
			p.Join()
		}
		return time.Since(start), nil
	}
	rt.Line(at("one"))
	one, err := runAll(true)
	if err != nil {
		return err
	}
	rt.Line(at("onetime"))
	rt.Timing(fmt.Sprintf("%d on one CPU", n), one)
	rt.Printf("%d workers on one CPU: %.2f s", n, one.Seconds())
	rt.Line(at("spread"))
	spread, err := runAll(false)
	if err != nil {
		return err
	}
	rt.Line(at("spreadtime"))
	rt.Timing(fmt.Sprintf("%d spread out", n), spread)
	rt.Printf("%d workers spread over the CPUs: %.2f s", n, spread.Seconds())
	return nil
}
