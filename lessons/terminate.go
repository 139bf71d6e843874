package lessons

import (
	"fmt"
	"strings"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

var terminateListing = NewListing(`
KILL = {kill}
WORKERS = {workers}

import time
from multiprocessing import Process, Lock, Event

def hold(lock, ready):
    with lock:                                          #@hold
        print('holder: I have the lock')                #@have
        ready.set()   # tell main the lock is taken     #@ready
        time.sleep(2)   # a long job inside the lock    #@work
        print('holder: done, releasing the lock')       #@done

def use(name, lock):
    print(f'{name} wants the lock')                     #@want
    with lock:                                          #@use
        print(f'{name} got the lock')                   #@got

if __name__ == '__main__':
    lock = Lock()                                       #@lock
    ready = Event()
    holder = Process(target=hold, args=(lock, ready), name='holder')
    holder.start()                                      #@start
    ready.wait()                  # until the holder is inside   #@wait
    if KILL:
        holder.terminate()        # SIGTERM: no clean-up runs    #@terminate
    holder.join()                                       #@join
    print(f'holder exitcode: {holder.exitcode}')        #@exitcode
    workers = [Process(target=use, args=(f'worker-{i}', lock),
                       name=f'worker-{i}') for i in range(WORKERS)]
    for p in workers:
        p.start()                                       #@start2
    for p in workers:
        p.join()                                        #@join2
    print('all workers done')                           #@end
`)

// Terminate is lesson 5's warning: a process terminated while it holds a
// lock never releases it, so everyone who wants the lock afterwards waits
// forever. The demo is the hang; the watchdog stops it and names the dead
// holder. With kill=off the holder finishes its job and all goes well.
var Terminate = register(&Scenario{
	ID:        "terminate",
	Lesson:    5,
	Summary:   "terminate() a child holding the lock: it is never released and the others hang",
	SummaryZh: "对持有锁的子进程调用 terminate()：锁永远不会被释放，其他进程都卡住",
	Listing:   terminateListing,
	ListingZh: map[string]string{
		"tell main the lock is taken": "告诉主进程：锁已拿到",
		"a long job inside the lock":  "锁内一项很长的工作",
		"until the holder is inside":  "直到 holder 进入锁内",
		"SIGTERM: no clean-up runs":   "SIGTERM：不做任何清理",
	},
	Variants: []Variant{
		{Key: "kill", Default: "on", Values: []string{"on", "off"}, Help: "terminate the holder while it is inside the lock", HelpZh: "在持有锁的进程还在锁里时 terminate() 它"},
		{Key: "workers", Default: "3", Min: 1, Max: 20, Help: "processes that want the lock afterwards", HelpZh: "之后想要获取这把锁的进程数"},
	},
	Budget: 10 * time.Second,
	Hangs:  func(v Vars) bool { return v.On("kill") },
	Measures: map[string]func([]trace.Record) (int, bool){
		// how many workers got the lock after the holder ended; told when
		// they are all done, or the watchdog stopped them waiting
		"workers_got_lock": func(events []trace.Record) (int, bool) {
			holderGone, n := false, 0
			for _, e := range events {
				text, _ := printed(e)
				switch {
				case strings.HasPrefix(text, "holder exitcode"):
					holderGone = true
				case holderGone && strings.HasSuffix(text, " got the lock"):
					n++
				case holderGone && (text == "all workers done" || e.Kind == trace.KindWatchdog):
					return n, true
				}
			}
			return 0, false
		},
	},
	Main: terminateMain,
})

type holdArgs struct {
	Lock  *primitives.Lock
	Ready *primitives.Event
}

type useArgs struct {
	Name string
	Lock *primitives.Lock
}

var (
	terminateHold = primitives.Register("terminate.hold", func(rt *primitives.Runtime, a holdArgs) error {
		at := terminateListing.At
		rt.Line(at("hold"))
		a.Lock.Acquire()
		rt.Line(at("have"))
		rt.Print("holder: I have the lock")
		rt.Line(at("ready"))
		a.Ready.Set()
		rt.Line(at("work"))
		rt.Sleep(2)
		rt.Line(at("done"))
		rt.Print("holder: done, releasing the lock")
		rt.Line(at("hold"))
		return a.Lock.Release()
	})
	terminateUse = primitives.Register("terminate.use", func(rt *primitives.Runtime, a useArgs) error {
		at := terminateListing.At
		rt.Line(at("want"))
		rt.Printf("%s wants the lock", a.Name)
		rt.Line(at("use"))
		a.Lock.Acquire()
		rt.Line(at("got"))
		rt.Printf("%s got the lock", a.Name)
		rt.Line(at("use"))
		return a.Lock.Release()
	})
)

func terminateMain(rt *primitives.Runtime, v Vars) error {
	at := terminateListing.At
	rt.Line(at("lock"))
	lock, err := rt.NewLock("lock")
	if err != nil {
		return err
	}
	ready, err := rt.NewEvent("ready")
	if err != nil {
		return err
	}
	holder := primitives.NewProcess(rt, terminateHold, holdArgs{Lock: lock, Ready: ready})
	holder.Name = "holder"
	rt.Line(at("start"))
	if err := holder.Start(); err != nil {
		return err
	}
	rt.Line(at("wait"))
	ready.Wait()
	if v.On("kill") {
		rt.Line(at("terminate"))
		if err := holder.Terminate(); err != nil {
			return err
		}
	}
	rt.Line(at("join"))
	holder.Join()
	code, _ := holder.ExitCode()
	rt.Line(at("exitcode"))
	rt.Printf("holder exitcode: %d", code)

	workers := make([]*primitives.Process, v.Int("workers"))
	rt.Line(at("start2"))
	for i := range workers {
		name := fmt.Sprintf("worker-%d", i)
		workers[i] = primitives.NewProcess(rt, terminateUse, useArgs{Name: name, Lock: lock})
		workers[i].Name = name
		if err := workers[i].Start(); err != nil {
			return err
		}
	}
	rt.Line(at("join2"))
	for _, p := range workers {
		p.Join()
	}
	rt.Line(at("end"))
	rt.Print("all workers done")
	return nil
}
