package lessons

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

var semaphoreListing = NewListing(`
PEOPLE = {people}
SLOTS = {slots}

import time
from multiprocessing import Process, Semaphore

def use_toilet(name, stay, toilets):
    print(f'{name} arrives')                           #@arrive
    with toilets:       # acquire() here, release() after  #@enter
        print(f'{name} is in')                          #@in
        time.sleep(stay)                                #@stay
        print(f'{name} leaves')                         #@leave

if __name__ == '__main__':
    toilets = Semaphore(SLOTS)                          #@sem
    people = [Process(target=use_toilet,
                      args=(f'person-{i}', (3 + i * 7 % 8) / 10, toilets))
              for i in range(PEOPLE)]
    for p in people:
        p.start()                                       #@start
    for p in people:
        p.join()                                        #@join
    print('everyone has been')                          #@done
`)

// Semaphore is lesson 6's toilets: PEOPLE processes share SLOTS toilets
// through a Semaphore, so at most SLOTS are ever inside while the others
// queue for a free one.
var Semaphore = register(&Scenario{
	ID:        "semaphore",
	Lesson:    6,
	Summary:   "13 people, Semaphore(3) toilets: never more than 3 inside",
	SummaryZh: "13 个人，Semaphore(3) 管着厕所：里面从不超过 3 个人",
	Listing:   semaphoreListing,
	ListingZh: map[string]string{
		"acquire() here, release() after": "此处 acquire()，之后 release()",
	},
	Variants: []Variant{
		{Key: "people", Default: "13", Min: 1, Max: 50, Help: "how many person processes", HelpZh: "多少个 person 进程"},
		{Key: "slots", Default: "3", Min: 1, Max: 10, Help: "the semaphore's value: toilets free at the start", HelpZh: "信号量的值：开始时空着的厕所数"},
	},
	Budget: 20 * time.Second,
	Measures: map[string]func([]trace.Record) (int, bool){
		// the most people inside the toilets at once; told once everyone
		// has been
		"max_inside": func(events []trace.Record) (int, bool) {
			done := false
			for _, e := range events {
				var text string
				if e.Kind == trace.KindStdout && e.Proc == "MainProcess" && json.Unmarshal(e.Val, &text) == nil && text == "everyone has been" {
					done = true
				}
			}
			for _, s := range sim.Fold(events).Sems {
				if s.Name == "toilets" {
					return s.MaxInside, done
				}
			}
			return 0, false
		},
	},
	Main: semaphoreMain,
})

type toiletArgs struct {
	Name    string
	Stay    float64 // listing seconds inside
	Toilets *primitives.Semaphore
}

var semaphorePerson = primitives.Register("semaphore.use_toilet", func(rt *primitives.Runtime, a toiletArgs) error {
	at := semaphoreListing.At
	rt.Line(at("arrive"))
	rt.Printf("%s arrives", a.Name)
	rt.Line(at("enter"))
	a.Toilets.Acquire()
	rt.Line(at("in"))
	rt.Printf("%s is in", a.Name)
	rt.Line(at("stay"))
	rt.Sleep(a.Stay)
	rt.Line(at("leave"))
	rt.Printf("%s leaves", a.Name)
	rt.Line(at("enter"))
	return a.Toilets.Release()
})

// toiletStay is how long person i stays, in listing seconds: a spread from
// 0.3 to 1.0 that depends only on i, so that every run is the same story.
func toiletStay(i int) float64 { return float64(3+i*7%8) / 10 }

func semaphoreMain(rt *primitives.Runtime, v Vars) error {
	at := semaphoreListing.At
	rt.Line(at("sem"))
	toilets, err := rt.NewSemaphore("toilets", v.Int("slots"))
	if err != nil {
		return err
	}
	people := make([]*primitives.Process, v.Int("people"))
	rt.Line(at("start"))
	for i := range people {
		name := fmt.Sprintf("person-%d", i)
		people[i] = primitives.NewProcess(rt, semaphorePerson, toiletArgs{Name: name, Stay: toiletStay(i), Toilets: toilets})
		people[i].Name = name
		if err := people[i].Start(); err != nil {
			return err
		}
	}
	rt.Line(at("join"))
	for _, p := range people {
		p.Join()
	}
	rt.Line(at("done"))
	rt.Print("everyone has been")
	return nil
}
