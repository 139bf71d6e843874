package lessons

import (
	"fmt"
	"strings"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

var conditionListing = NewListing(`
LOOP = {loop}

from multiprocessing import Process, Condition, Manager, Semaphore

def consumer(name, cond, buf, hungry):
    with cond:                                                    #@with
        if LOOP == 'while':
            while len(buf) == 0:   # checked again after every wake-up   #@while
                hungry.release()   # the lock is mine until wait() lets it go   #@hungry
                cond.wait()                                       #@wait
        elif len(buf) == 0:        # checked once, and trusted after   #@if
            hungry.release()                                      #@hungry_if
            cond.wait()                                           #@wait_if
        bun = buf.pop(0)           # IndexError if it is empty again   #@pop
        print(f'{name} eats {bun}')                               #@eats

def put(cond, buf, bun):
    with cond:                                                    #@put
        buf.append(bun)                                           #@append
        cond.notify_all()          # wakes every waiter           #@notify

def producer(cond, buf, hungry):
    hungry.acquire()               # until both consumers wait    #@both
    hungry.acquire()
    put(cond, buf, 'bun-1')        # one bun for two: both wake up   #@bun1
    hungry.acquire()               # until one of them waits again   #@again
    put(cond, buf, 'bun-2')                                       #@bun2

if __name__ == '__main__':
    with Manager() as manager:
        buf = manager.list()       # the buffer, empty            #@buf
        cond = Condition()         # with an RLock of its own     #@cond
        hungry = Semaphore(0)      # a consumer is about to wait
        ps = [Process(target=consumer, name=f'consumer-{i}',
                      args=(f'consumer-{i}', cond, buf, hungry))
              for i in (1, 2)]
        ps.append(Process(target=producer, name='producer',
                          args=(cond, buf, hungry)))
        for p in ps:
            p.start()                                             #@start
        for p in ps:
            p.join()                                              #@join
        print('buns left:', len(buf))                             #@left
`)

// Condition is a bounded buffer — one bun at a time — built from a
// Condition and a Manager's list, and why wait() sits in a loop. Both
// consumers wait for a bun (each says so, holding the lock, before its
// wait, so that the producer's put comes when both wait, in every run
// and mode); the producer puts one bun and notify_all() wakes both. The
// first to take the lock back eats it; the second finds the buffer empty
// again. With loop=while it checks, waits again and eats bun-2; with
// loop=if it trusts the wake-up and pops from an empty list: IndexError,
// and the producer waits for ever for a consumer to ask for bun-2 (the
// watchdog stops the demo).
var Condition = register(&Scenario{
	ID:        "condition",
	Lesson:    15,
	Summary:   "two consumers wait on a Condition for one bun and notify_all wakes both: loop=while waits again, loop=if pops from an empty list",
	SummaryZh: "两个消费者在 Condition 上等一个包子，notify_all 把两个都叫醒：loop=while 会再等，loop=if 从空列表里 pop",
	Listing:   conditionListing,
	ListingZh: map[string]string{
		"checked again after every wake-up":        "每次醒来都再检查一遍",
		"the lock is mine until wait() lets it go": "在 wait() 放开之前，锁一直是我的",
		"checked once, and trusted after":          "只检查一次，之后就信了",
		"IndexError if it is empty again":          "如果又空了，就是 IndexError",
		"wakes every waiter":                       "叫醒所有等待者",
		"the buffer, empty":                        "缓冲区，一开始是空的",
		"with an RLock of its own":                 "自带一把 RLock",
		"a consumer is about to wait":              "有个消费者马上要等了",
		"until both consumers wait":                "等到两个消费者都在等",
		"one bun for two: both wake up":            "一个包子，两个人：两个都醒",
		"until one of them waits again":            "等到其中一个又在等",
	},
	Variants: []Variant{
		{Key: "loop", Default: "while", Values: []string{"while", "if"}, Help: "while: check the buffer again after every wake-up; if: check it once", HelpZh: "while：每次醒来都再检查缓冲区；if：只检查一次"},
	},
	Budget: 10 * time.Second,
	Hangs:  func(v Vars) bool { return v["loop"] == "if" },
	Measures: map[string]func([]trace.Record) (int, bool){
		// how many buns were eaten; told at the end of the run
		"eaten": func(events []trace.Record) (int, bool) {
			n := 0
			for _, e := range events {
				text, _ := printed(e)
				if strings.Contains(text, " eats bun-") {
					n++
				}
				if strings.HasPrefix(text, "buns left: ") || e.Kind == trace.KindWatchdog {
					return n, true
				}
			}
			return 0, false
		},
	},
	Main: conditionMain,
})

type consumerArgs struct {
	Name   string
	Loop   string
	Cond   *primitives.Condition
	Buf    *primitives.Proxy
	Hungry *primitives.Semaphore
}

var conditionConsumer = primitives.Register("condition.consumer", func(rt *primitives.Runtime, a consumerArgs) error {
	at := conditionListing.At
	empty := func() (bool, error) {
		n, err := a.Buf.Len()
		return n == 0, err
	}
	rt.Line(at("with"))
	a.Cond.Acquire()
	if a.Loop == "while" {
		for {
			rt.Line(at("while"))
			e, err := empty()
			if err != nil {
				return err
			}
			if !e {
				break
			}
			rt.Line(at("hungry"))
			if err := a.Hungry.Release(); err != nil {
				return err
			}
			rt.Line(at("wait"))
			if err := a.Cond.Wait(); err != nil {
				return err
			}
		}
	} else {
		rt.Line(at("if"))
		e, err := empty()
		if err != nil {
			return err
		}
		if e {
			rt.Line(at("hungry_if"))
			if err := a.Hungry.Release(); err != nil {
				return err
			}
			rt.Line(at("wait_if"))
			if err := a.Cond.Wait(); err != nil {
				return err
			}
		}
	}
	rt.Line(at("pop"))
	var bun string
	if err := a.Buf.Call("pop", &bun, 0); err != nil {
		rt.Line(at("with"))
		a.Cond.Release() // leaving the with block, by the exception
		return err
	}
	rt.Line(at("eats"))
	rt.Printf("%s eats %s", a.Name, bun)
	rt.Line(at("with"))
	return a.Cond.Release()
})

// conditionPut is put(): the bun in the buffer, and every waiter woken.
func conditionPut(rt *primitives.Runtime, cond *primitives.Condition, buf *primitives.Proxy, bun string) error {
	at := conditionListing.At
	rt.Line(at("put"))
	cond.Acquire()
	rt.Line(at("append"))
	if err := buf.Append(bun); err != nil {
		return err
	}
	rt.Line(at("notify"))
	if err := cond.NotifyAll(); err != nil {
		return err
	}
	rt.Line(at("put"))
	return cond.Release()
}

type producerArgs struct {
	Cond   *primitives.Condition
	Buf    *primitives.Proxy
	Hungry *primitives.Semaphore
}

var conditionProducer = primitives.Register("condition.producer", func(rt *primitives.Runtime, a producerArgs) error {
	at := conditionListing.At
	rt.Line(at("both"))
	a.Hungry.Acquire()
	rt.Line(at("both") + 1)
	a.Hungry.Acquire()
	rt.Line(at("bun1"))
	if err := conditionPut(rt, a.Cond, a.Buf, "bun-1"); err != nil {
		return err
	}
	rt.Line(at("again"))
	a.Hungry.Acquire()
	rt.Line(at("bun2"))
	return conditionPut(rt, a.Cond, a.Buf, "bun-2")
})

func conditionMain(rt *primitives.Runtime, v Vars) error {
	at := conditionListing.At
	return rt.UseManager(func(m *primitives.Manager) error {
		rt.Line(at("buf"))
		buf, err := m.List("buf", nil)
		if err != nil {
			return err
		}
		rt.Line(at("cond"))
		cond, err := rt.NewCondition("cond", nil)
		if err != nil {
			return err
		}
		hungry, err := rt.NewSemaphore("hungry", 0)
		if err != nil {
			return err
		}
		var ps []*primitives.Process
		for _, i := range []int{1, 2} {
			name := fmt.Sprintf("consumer-%d", i)
			p := primitives.NewProcess(rt, conditionConsumer, consumerArgs{Name: name, Loop: v["loop"], Cond: cond, Buf: buf, Hungry: hungry})
			p.Name = name
			ps = append(ps, p)
		}
		p := primitives.NewProcess(rt, conditionProducer, producerArgs{Cond: cond, Buf: buf, Hungry: hungry})
		p.Name = "producer"
		ps = append(ps, p)
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
		rt.Line(at("left"))
		n, err := buf.Len()
		if err != nil {
			return err
		}
		rt.Printf("buns left: %d", n)
		return nil
	})
}
