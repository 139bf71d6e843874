package lessons

import (
	"strings"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

var deadlockListing = NewListing(`
ORDER = {order}

from multiprocessing import Process, Lock, Event

def transfer(name, first, second, mine, theirs):
    with first:                                            #@first
        print(f'{name}: holds its first lock')             #@holds
        mine.set()        # I hold my first lock           #@mine
        theirs.wait(3)    # let the other take its first too   #@theirs
        print(f'{name}: wants its second lock')            #@wants
        with second:                                       #@second
            print(f'{name}: holds both, moves the money')  #@both

if __name__ == '__main__':
    lock_a, lock_b = Lock(), Lock()   # one per account    #@locks
    ready_1, ready_2 = Event(), Event()
    if ORDER == 'same':
        other = (lock_a, lock_b)   # the cure: lock_a first, always
    else:
        other = (lock_b, lock_a)   # the opposite order
    p1 = Process(target=transfer, name='a_to_b',
                 args=('a_to_b', lock_a, lock_b, ready_1, ready_2))
    p2 = Process(target=transfer, name='b_to_a',
                 args=('b_to_a', *other, ready_2, ready_1))
    p1.start()                                             #@start1
    p2.start()                                             #@start2
    p1.join()                                              #@join1
    p2.join()                                              #@join2
    print('both transfers done')                           #@end
`)

// Deadlock is lesson 15's first demo: two transfers, each locking the two
// accounts it touches. Taken in opposite orders, each holds one lock and
// waits for the other's, forever: a cycle in the wait-for graph, which the
// watchdog reports. Each waits (at most 3 s) for the other to hold its
// first lock before it asks for its second, so that the unlucky moment
// comes in every run, in every mode; with order=same both take lock_a
// first, and whoever gets it finishes.
var Deadlock = register(&Scenario{
	ID:        "deadlock",
	Lesson:    15,
	Summary:   "two transfers lock two accounts in opposite orders: each holds one lock and waits for the other's",
	SummaryZh: "两笔转账以相反的顺序给两个账户加锁：各自拿着一把锁，等对方的那一把",
	Listing:   deadlockListing,
	ListingZh: map[string]string{
		"I hold my first lock":             "我拿到第一把锁了",
		"let the other take its first too": "让对方也拿到它的第一把锁",
		"one per account":                  "每个账户一把",
		"the cure: lock_a first, always":   "解药：永远先拿 lock_a",
		"the opposite order":               "相反的顺序",
	},
	Variants: []Variant{
		{Key: "order", Default: "opposite", Values: []string{"opposite", "same"}, Help: "opposite: b_to_a takes lock_b first; same: both take lock_a first", HelpZh: "opposite：b_to_a 先拿 lock_b；same：两者都先拿 lock_a"},
	},
	Budget: 8 * time.Second,
	Hangs:  func(v Vars) bool { return v["order"] == "opposite" },
	Measures: map[string]func([]trace.Record) (int, bool){
		// how many transfers held both locks; told at the end of the run
		"transfers_done": func(events []trace.Record) (int, bool) {
			n := 0
			for _, e := range events {
				text, _ := printed(e)
				if strings.HasSuffix(text, ": holds both, moves the money") {
					n++
				}
				if text == "both transfers done" || e.Kind == trace.KindWatchdog {
					return n, true
				}
			}
			return 0, false
		},
	},
	Main: deadlockMain,
})

type transferArgs struct {
	Name          string
	First, Second *primitives.Lock
	Mine, Theirs  *primitives.Event
}

var deadlockTransfer = primitives.Register("deadlock.transfer", func(rt *primitives.Runtime, a transferArgs) error {
	at := deadlockListing.At
	rt.Line(at("first"))
	a.First.Acquire()
	rt.Line(at("holds"))
	rt.Printf("%s: holds its first lock", a.Name)
	rt.Line(at("mine"))
	a.Mine.Set()
	rt.Line(at("theirs"))
	a.Theirs.WaitTimeout(3)
	rt.Line(at("wants"))
	rt.Printf("%s: wants its second lock", a.Name)
	rt.Line(at("second"))
	a.Second.Acquire()
	rt.Line(at("both"))
	rt.Printf("%s: holds both, moves the money", a.Name)
	rt.Line(at("second"))
	if err := a.Second.Release(); err != nil {
		return err
	}
	rt.Line(at("first"))
	return a.First.Release()
})

func deadlockMain(rt *primitives.Runtime, v Vars) error {
	at := deadlockListing.At
	rt.Line(at("locks"))
	lockA, err := rt.NewLock("lock_a")
	if err != nil {
		return err
	}
	lockB, err := rt.NewLock("lock_b")
	if err != nil {
		return err
	}
	ready1, err := rt.NewEvent("ready_1")
	if err != nil {
		return err
	}
	ready2, err := rt.NewEvent("ready_2")
	if err != nil {
		return err
	}
	first, second := lockB, lockA
	if v["order"] == "same" {
		first, second = lockA, lockB
	}
	p1 := primitives.NewProcess(rt, deadlockTransfer, transferArgs{Name: "a_to_b", First: lockA, Second: lockB, Mine: ready1, Theirs: ready2})
	p1.Name = "a_to_b"
	p2 := primitives.NewProcess(rt, deadlockTransfer, transferArgs{Name: "b_to_a", First: first, Second: second, Mine: ready2, Theirs: ready1})
	p2.Name = "b_to_a"
	rt.Line(at("start1"))
	if err := p1.Start(); err != nil {
		return err
	}
	rt.Line(at("start2"))
	if err := p2.Start(); err != nil {
		return err
	}
	rt.Line(at("join1"))
	p1.Join()
	rt.Line(at("join2"))
	p2.Join()
	rt.Line(at("end"))
	rt.Print("both transfers done")
	return nil
}
