package lessons

import (
	"fmt"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

var eventListing = NewListing(`
POLICE_WAIT = {police_wait}

import time
from multiprocessing import Process, Event

RED, GREEN, CYCLES = 2, 1.5, 2       # seconds of red, of green; cycles
ARRIVALS = [0.5, 1, 2.75, 4.5]       # when each car reaches the light

def traffic_light(light):
    for cycle in range(CYCLES):
        light.clear()                                   #@clear
        print('light: red')                             #@red
        time.sleep(RED)                                 #@redtime
        light.set()                                     #@set
        print('light: green')                           #@green
        time.sleep(GREEN)                               #@greentime

def car(name, arrive, light):
    time.sleep(arrive)                                  #@drive
    if not light.is_set():
        print(f'{name} stops at the red light')         #@stops
    light.wait()   # returns at once on green           #@wait
    print(f'{name} passes')                             #@passes

def police_car(arrive, light):
    time.sleep(arrive)                                  #@pdrive
    if light.wait(POLICE_WAIT):                         #@pwait
        print('police: green, passes')                  #@pgreen
    else:
        print('police: still red, goes anyway')         #@panyway

if __name__ == '__main__':
    light = Event()                  # a new Event is clear: red from the start
    procs = [Process(target=car, args=(f'car-{i}', t, light), name=f'car-{i}')
             for i, t in enumerate(ARRIVALS, 1)]
    procs.append(Process(target=police_car, args=(0.2, light), name='police'))
    # the cars are on their way before the light is switched on
    procs.append(Process(target=traffic_light, args=(light,), name='light'))
    for p in procs:
        p.start()                                       #@start
    for p in procs:
        p.join()                                        #@join
    print('every car is through')                       #@done
`)

// The traffic light's timing and the arrivals, in listing seconds: the
// listing's constants. The cars and the police car start before the light,
// so a slow start only makes them arrive earlier on the light's clock, and
// the story is the same in every run: the police car waits from 0.2 and
// gives up at 1.2 (POLICE_WAIT=1), before the first green at 2; cars 1 and
// 2 stop at the first red; car 3 usually meets the first green (2–3.5) and
// car 4 the second red (3.5–5.5). Every arrival sits well inside a phase.
const (
	lightRed, lightGreen = 2, 1.5
	lightCycles          = 2
	policeArrives        = 0.2
)

var carArrivals = []float64{0.5, 1, 2.75, 4.5}

// Event is lesson 6's traffic light: an Event is the light (set is green),
// cars wait() for it, and a police car waits at most POLICE_WAIT seconds.
var Event = register(&Scenario{
	ID:        "event",
	Lesson:    6,
	Summary:   "a traffic light Event: cars wait() for green, the police car waits at most 1 s",
	SummaryZh: "红绿灯 Event：汽车 wait() 等绿灯，警车最多等 1 秒",
	Listing:   eventListing,
	ListingZh: map[string]string{
		"seconds of red, of green; cycles":                          "红灯秒数，绿灯秒数；周期数",
		"when each car reaches the light":                           "每辆车到达路口的时刻",
		"returns at once on green":                                  "绿灯时立即返回",
		"a new Event is clear: red from the start":                  "新建的 Event 为假：一开始就是红灯",
		"the cars are on their way before the light is switched on": "信号灯打开之前，车辆已经在路上了",
	},
	Variants: []Variant{
		{Key: "police_wait", Default: "1", Min: 1, Max: 5, Help: "seconds the police car waits for green before going anyway", HelpZh: "警车等绿灯的秒数，等不到就照样开走"},
	},
	Budget: 10 * time.Second,
	Measures: map[string]func([]trace.Record) (int, bool){
		// whether the police car's wait(timeout) ran out on red
		"police_on_red": func(events []trace.Record) (int, bool) {
			for _, text := range printedBy(events, "police") {
				switch text {
				case "police: still red, goes anyway":
					return 1, true
				case "police: green, passes":
					return 0, true
				}
			}
			return 0, false
		},
	},
	Main: eventMain,
})

type lightArgs struct {
	Light *primitives.Event
}

type carArgs struct {
	Name   string
	Arrive float64
	Wait   float64 // the police car's timeout; unused by cars
	Light  *primitives.Event
}

var (
	eventLight = primitives.Register("event.traffic_light", func(rt *primitives.Runtime, a lightArgs) error {
		at := eventListing.At
		for range lightCycles {
			rt.Line(at("clear"))
			a.Light.Clear()
			rt.Line(at("red"))
			rt.Print("light: red")
			rt.Line(at("redtime"))
			rt.Sleep(lightRed)
			rt.Line(at("set"))
			a.Light.Set()
			rt.Line(at("green"))
			rt.Print("light: green")
			rt.Line(at("greentime"))
			rt.Sleep(lightGreen)
		}
		return nil
	})
	eventCar = primitives.Register("event.car", func(rt *primitives.Runtime, a carArgs) error {
		at := eventListing.At
		rt.Line(at("drive"))
		rt.Sleep(a.Arrive)
		if !a.Light.IsSet() {
			rt.Line(at("stops"))
			rt.Printf("%s stops at the red light", a.Name)
		}
		rt.Line(at("wait"))
		a.Light.Wait()
		rt.Line(at("passes"))
		rt.Printf("%s passes", a.Name)
		return nil
	})
	eventPolice = primitives.Register("event.police_car", func(rt *primitives.Runtime, a carArgs) error {
		at := eventListing.At
		rt.Line(at("pdrive"))
		rt.Sleep(a.Arrive)
		rt.Line(at("pwait"))
		if a.Light.WaitTimeout(a.Wait) {
			rt.Line(at("pgreen"))
			rt.Print("police: green, passes")
		} else {
			rt.Line(at("panyway"))
			rt.Print("police: still red, goes anyway")
		}
		return nil
	})
)

func eventMain(rt *primitives.Runtime, v Vars) error {
	at := eventListing.At
	light, err := rt.NewEvent("light")
	if err != nil {
		return err
	}
	var procs []*primitives.Process
	for i, t := range carArrivals {
		name := fmt.Sprintf("car-%d", i+1)
		p := primitives.NewProcess(rt, eventCar, carArgs{Name: name, Arrive: t, Light: light})
		p.Name = name
		procs = append(procs, p)
	}
	police := primitives.NewProcess(rt, eventPolice, carArgs{Name: "police", Arrive: policeArrives, Wait: float64(v.Int("police_wait")), Light: light})
	police.Name = "police"
	signal := primitives.NewProcess(rt, eventLight, lightArgs{Light: light})
	signal.Name = "light"
	procs = append(procs, police, signal)
	rt.Line(at("start"))
	for _, p := range procs {
		if err := p.Start(); err != nil {
			return err
		}
	}
	rt.Line(at("join"))
	for _, p := range procs {
		p.Join()
	}
	rt.Line(at("done"))
	rt.Print("every car is through")
	return nil
}
