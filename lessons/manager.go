package lessons

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

var managerListing = NewListing(`
USE_LOCK = {lock}
PROCS = {procs}

import os
from multiprocessing import Process, Manager, Event

def take_one(start, d, pids, lock):
    start.wait()                 # every process sets off at once  #@wait
    if USE_LOCK:
        with lock:               # lock.acquire() … lock.release() #@acquire
            d['count'] -= 1      # two calls: d['count'], then d['count'] = …  #@locked
    else:
        d['count'] -= 1          # two calls: another process's can come between  #@unlocked
    pids.append(os.getpid())                                       #@append

if __name__ == '__main__':
    with Manager() as manager:   # starts the server process       #@manager
        d = manager.dict({'count': PROCS})                         #@dict
        pids = manager.list()                                      #@list
        lock = manager.Lock()                                      #@lock
        start = Event()
        procs = [Process(target=take_one, args=(start, d, pids, lock))
                 for _ in range(PROCS)]
        for p in procs:
            p.start()                                              #@start
        start.set()                                                #@set
        for p in procs:
            p.join()                                               #@join
        print('count:', d['count'])                                #@final
        print(len(pids), 'pids in the list')                       #@pids
    # leaving the with block shuts the manager's server down       #@shutdown
`)

// Manager is lesson 10's shared counter: PROCS processes each take one from
// d['count'] in a Manager's dict. The proxy turns `d['count'] -= 1` into two
// calls to the server, a get and a set, so without a lock the processes'
// calls interleave and updates are lost; with the manager's Lock the count
// ends at exactly 0. Each process also appends its pid to a managed list.
var Manager = register(&Scenario{
	ID:        "manager",
	Lesson:    10,
	Summary:   "processes each do d['count'] -= 1 on a Manager dict; lock=off loses updates, lock=on ends at 0",
	SummaryZh: "每个进程对 Manager 字典执行 d['count'] -= 1；lock=off 会丢失更新，lock=on 最后恰好是 0",
	Listing:   managerListing,
	ListingZh: map[string]string{
		"every process sets off at once":                         "所有进程同时出发",
		"lock.acquire() … lock.release()":                        "即 lock.acquire() … release()",
		"two calls: d['count'], then d['count'] = …":             "两次调用：d['count']，再 d['count'] = …",
		"two calls: another process's can come between":          "两次调用：别的进程的调用可能插在中间",
		"starts the server process":                              "启动服务进程",
		"leaving the with block shuts the manager's server down": "离开 with 块时，管理器的服务进程随之关闭",
	},
	Variants: []Variant{
		{Key: "lock", Default: "off", Values: []string{"off", "on"}, Help: "guard d['count'] -= 1 with the manager's Lock", HelpZh: "用管理器的 Lock 保护 d['count'] -= 1"},
		{Key: "procs", Default: "100", Min: 1, Max: 200, Help: "how many processes take one from the count", HelpZh: "多少个进程各把计数减一"},
	},
	Budget: 30 * time.Second,
	Outcome: &Outcome{Label: "final count", LabelZh: "最终计数", Measure: func(events []trace.Record) (int, bool) {
		_, d := sim.Fold(events).FindManaged("d")
		if d == nil {
			return 0, false
		}
		var v map[string]int
		if json.Unmarshal(d.Value, &v) != nil {
			return 0, false
		}
		n, ok := v["count"]
		return n, ok
	}, Correct: func(Vars) int { return 0 }},
	Main: managerMain,
})

type takeOneArgs struct {
	Start   *primitives.Event
	D, Pids *primitives.Proxy
	Lock    *primitives.Proxy // nil: lock=off
}

var managerTakeOne = primitives.Register("manager.take_one", func(rt *primitives.Runtime, a takeOneArgs) error {
	at := managerListing.At
	rt.Line(at("wait"))
	a.Start.Wait()
	decrement := func() error {
		var n int
		if err := a.D.Get("count", &n); err != nil {
			return err
		}
		return a.D.Set("count", n-1)
	}
	if a.Lock != nil {
		rt.Line(at("acquire"))
		if err := a.Lock.Acquire(); err != nil {
			return err
		}
		rt.Line(at("locked"))
		if err := decrement(); err != nil {
			return err
		}
		rt.Line(at("acquire"))
		if err := a.Lock.Release(); err != nil {
			return err
		}
	} else {
		rt.Line(at("unlocked"))
		if err := decrement(); err != nil {
			return err
		}
	}
	rt.Line(at("append"))
	return a.Pids.Append(rt.Pid())
})

func managerMain(rt *primitives.Runtime, v Vars) error {
	at := managerListing.At
	n := v.Int("procs")
	rt.Line(at("manager"))
	return rt.UseManager(func(m *primitives.Manager) error {
		rt.Line(at("dict"))
		d, err := m.Dict("d", map[string]int{"count": n})
		if err != nil {
			return err
		}
		rt.Line(at("list"))
		pids, err := m.List("pids", nil)
		if err != nil {
			return err
		}
		rt.Line(at("lock"))
		lock, err := m.Lock("lock")
		if err != nil {
			return err
		}
		start, err := rt.NewEvent("start")
		if err != nil {
			return err
		}
		args := takeOneArgs{Start: start, D: d, Pids: pids}
		if v.On("lock") {
			args.Lock = lock
		}
		procs := make([]*primitives.Process, n)
		for i := range procs {
			procs[i] = primitives.NewProcess(rt, managerTakeOne, args)
		}
		rt.Line(at("start"))
		for _, p := range procs {
			if err := p.Start(); err != nil {
				return err
			}
		}
		rt.Line(at("set"))
		start.Set()
		rt.Line(at("join"))
		for _, p := range procs {
			p.Join()
		}
		rt.Line(at("final"))
		var count int
		if err := d.Get("count", &count); err != nil {
			return err
		}
		rt.Print(fmt.Sprintf("count: %d", count))
		rt.Line(at("pids"))
		got, err := pids.Len()
		if err != nil {
			return err
		}
		rt.Print(fmt.Sprintf("%d pids in the list", got))
		rt.Line(at("shutdown"))
		return nil
	})
}
