package lessons

import (
	"fmt"
	"strings"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

var philosophersListing = NewListing(`
PHILOSOPHERS = {philosophers}
FIX = {fix}

from multiprocessing import Process, Lock, Semaphore, Event

def dine(i, left, right, has_left, next_has_left, waiter, served):
    served.wait()   # until every philosopher has come           #@served
    if FIX == 'ordered' and i == PHILOSOPHERS - 1:
        left, right = right, left  # the last one reaches right first
    if FIX == 'waiter':
        waiter.acquire()   # at most PHILOSOPHERS - 1 at the table  #@sit
    with left:                                               #@left
        print(f'philosopher {i} has one fork')               #@one
        has_left.set()                                       #@set
        next_has_left.wait(3)    # the worst moment, on purpose  #@next
        with right:                                          #@right
            print(f'philosopher {i} eats')                   #@eats
    if FIX == 'waiter':
        waiter.release()                                     #@leave
    print(f'philosopher {i} is done')                        #@done

if __name__ == '__main__':
    forks = [Lock() for _ in range(PHILOSOPHERS)]            #@forks
    has_left = [Event() for _ in range(PHILOSOPHERS)]
    waiter = Semaphore(PHILOSOPHERS - 1)                     #@waiter
    served = Event()
    ps = []
    for i in range(PHILOSOPHERS):
        j = (i + 1) % PHILOSOPHERS   # the neighbour on the right
        ps.append(Process(target=dine, name=f'philosopher-{i}',
                  args=(i, forks[i], forks[j], has_left[i], has_left[j],
                        waiter, served)))
    for p in ps:
        p.start()                                            #@start
    served.set()   # dinner is served                        #@serve
    for p in ps:
        p.join()                                             #@join
    print('everyone ate')                                    #@end
`)

// Philosophers is the dining philosophers: each takes the fork on its
// left, then the one on its right, which its neighbour holds as its left:
// with no fix, a cycle of waits around the table. Each waits (at most
// 3 s) for its right neighbour to hold its own left fork before reaching
// for the right one, so that the cycle closes in every run and mode.
// fix=ordered: the last philosopher reaches right first, and the cycle
// cannot close; fix=waiter: a Semaphore lets at most n-1 sit at once.
var Philosophers = register(&Scenario{
	ID:        "philosophers",
	Lesson:    15,
	Summary:   "dining philosophers: each holds its left fork and waits for its right; fix=ordered or fix=waiter breaks the cycle",
	SummaryZh: "哲学家就餐：每人拿着左手的叉子等右手的；fix=ordered 或 fix=waiter 打破这个环",
	Listing:   philosophersListing,
	ListingZh: map[string]string{
		"the last one reaches right first":      "最后一位先拿右手的叉子",
		"at most PHILOSOPHERS - 1 at the table": "桌边最多坐 PHILOSOPHERS - 1 位",
		"the worst moment, on purpose":          "故意挑最糟的时刻",
		"the neighbour on the right":            "右手边的邻座",
		"until every philosopher has come":      "等到所有哲学家都到齐",
		"dinner is served":                      "开饭了",
	},
	Variants: []Variant{
		{Key: "philosophers", Default: "5", Min: 2, Max: 9, Help: "philosophers, and forks, around the table", HelpZh: "桌边的哲学家人数，也是叉子数"},
		{Key: "fix", Default: "none", Values: []string{"none", "ordered", "waiter"}, Help: "none: everyone takes left first; ordered: the last takes right first; waiter: a Semaphore seats at most n-1", HelpZh: "none：人人先拿左边；ordered：最后一位先拿右边；waiter：一个 Semaphore 最多让 n-1 位入座"},
	},
	Budget: 12 * time.Second,
	Hangs:  func(v Vars) bool { return v["fix"] == "none" },
	Measures: map[string]func([]trace.Record) (int, bool){
		// how many philosophers ate; told at the end of the run
		"ate": func(events []trace.Record) (int, bool) {
			n := 0
			for _, e := range events {
				text, _ := printed(e)
				if strings.HasSuffix(text, " eats") {
					n++
				}
				if text == "everyone ate" || e.Kind == trace.KindWatchdog {
					return n, true
				}
			}
			return 0, false
		},
	},
	Main: philosophersMain,
})

type dineArgs struct {
	I, N                 int
	Fix                  string
	Left, Right          *primitives.Lock
	HasLeft, NextHasLeft *primitives.Event
	Waiter               *primitives.Semaphore
	Served               *primitives.Event
}

var philosophersDine = primitives.Register("philosophers.dine", func(rt *primitives.Runtime, a dineArgs) error {
	at := philosophersListing.At
	rt.Line(at("served"))
	a.Served.Wait()
	left, right := a.Left, a.Right
	if a.Fix == "ordered" && a.I == a.N-1 {
		left, right = right, left
	}
	if a.Fix == "waiter" {
		rt.Line(at("sit"))
		a.Waiter.Acquire()
	}
	rt.Line(at("left"))
	left.Acquire()
	rt.Line(at("one"))
	rt.Printf("philosopher %d has one fork", a.I)
	rt.Line(at("set"))
	a.HasLeft.Set()
	rt.Line(at("next"))
	a.NextHasLeft.WaitTimeout(3)
	rt.Line(at("right"))
	right.Acquire()
	rt.Line(at("eats"))
	rt.Printf("philosopher %d eats", a.I)
	rt.Line(at("right"))
	if err := right.Release(); err != nil {
		return err
	}
	rt.Line(at("left"))
	if err := left.Release(); err != nil {
		return err
	}
	if a.Fix == "waiter" {
		rt.Line(at("leave"))
		if err := a.Waiter.Release(); err != nil {
			return err
		}
	}
	rt.Line(at("done"))
	rt.Printf("philosopher %d is done", a.I)
	return nil
})

func philosophersMain(rt *primitives.Runtime, v Vars) error {
	at := philosophersListing.At
	n := v.Int("philosophers")
	forks := make([]*primitives.Lock, n)
	hasLeft := make([]*primitives.Event, n)
	rt.Line(at("forks"))
	for i := range n {
		var err error
		if forks[i], err = rt.NewLock(fmt.Sprintf("forks[%d]", i)); err != nil {
			return err
		}
		if hasLeft[i], err = rt.NewEvent(fmt.Sprintf("has_left[%d]", i)); err != nil {
			return err
		}
	}
	rt.Line(at("waiter"))
	waiter, err := rt.NewSemaphore("waiter", n-1)
	if err != nil {
		return err
	}
	served, err := rt.NewEvent("served")
	if err != nil {
		return err
	}
	ps := make([]*primitives.Process, n)
	for i := range n {
		j := (i + 1) % n
		ps[i] = primitives.NewProcess(rt, philosophersDine, dineArgs{I: i, N: n, Fix: v["fix"],
			Left: forks[i], Right: forks[j], HasLeft: hasLeft[i], NextHasLeft: hasLeft[j], Waiter: waiter, Served: served})
		ps[i].Name = fmt.Sprintf("philosopher-%d", i)
	}
	rt.Line(at("start"))
	for _, p := range ps {
		if err := p.Start(); err != nil {
			return err
		}
	}
	rt.Line(at("serve"))
	served.Set()
	rt.Line(at("join"))
	for _, p := range ps {
		p.Join()
	}
	rt.Line(at("end"))
	rt.Print("everyone ate")
	return nil
}
