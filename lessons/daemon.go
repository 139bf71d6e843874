package lessons

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

var daemonListing = NewListing(`
DAEMON = {daemon}
START_HELPER = {child}

import time
from multiprocessing import Process

def helper():
    print('helper: a grandchild, started by a child')  #@helper

def start_helper():
    h = Process(target=helper)
    h.start()                                          #@spawn
    h.join()                                           #@spawnjoin

def heartbeat(spawn):
    if spawn:
        start_helper()
    n = 0
    while True:  # a daemon may loop forever
        print(f'heartbeat {n}')                        #@beat
        time.sleep(0.5)                                #@beatsleep
        n += 1

def countdown(spawn):
    if spawn:
        start_helper()
    for n in range(8, 0, -1):
        print(f'countdown {n}')                        #@count
        time.sleep(0.5)                                #@countsleep
    print('countdown: done')                           #@countdone

if __name__ == '__main__':
    if DAEMON:
        p = Process(target=heartbeat, args=(START_HELPER,))
        p.daemon = True  # before start()              #@daemon
    else:
        p = Process(target=countdown, args=(START_HELPER,))   #@plain
    p.start()                                          #@start
    print(f'main: started {p.name}, daemon={p.daemon}')   #@started
    time.sleep(2.2)  # the main code's own work        #@work
    print(f'main: main code ends, {p.name} alive: {p.is_alive()}')   #@end
    # here daemonic children are terminated, the others joined
`)

// Daemon is lesson 4: a daemonic child is terminated as soon as the main
// code ends, however long it meant to run; a non-daemonic one is waited
// for. child=on makes the child start a child of its own, which a daemon may
// not do.
var Daemon = register(&Scenario{
	ID:        "daemon",
	Lesson:    4,
	Summary:   "a daemon is terminated when the main code ends, a non-daemon is joined; a daemon cannot start children",
	SummaryZh: "主代码结束时守护进程被终止，非守护进程则被 join；守护进程不能创建子进程",
	Listing:   daemonListing,
	ListingZh: map[string]string{
		"a daemon may loop forever": "守护进程可以永远循环",
		"before start()":            "start() 之前",
		"the main code's own work":  "主代码自己的工作",
		"here daemonic children are terminated, the others joined": "在这里，守护子进程被终止，其余的被 join",
	},
	Variants: []Variant{
		{Key: "daemon", Default: "on", Values: []string{"on", "off"}, Help: "make the child a daemon (p.daemon = True)", HelpZh: "把子进程设为守护进程（p.daemon = True）"},
		{Key: "child", Default: "off", Values: []string{"off", "on"}, Help: "the child first starts a child of its own", HelpZh: "子进程先启动一个自己的子进程"},
	},
	Budget: 10 * time.Second,
	Measures: map[string]func([]trace.Record) (int, bool){
		// lines the child printed after the main code's last line ("main:
		// main code ends"); told once the child has exited
		"child_prints_after_end": func(events []trace.Record) (int, bool) {
			ended, exited, n := false, false, 0
			for _, e := range events {
				var text string
				switch {
				case e.Kind == trace.KindStdout && e.Proc == "MainProcess" && json.Unmarshal(e.Val, &text) == nil &&
					strings.HasPrefix(text, "main: main code ends"):
					ended = true
				case e.Kind == trace.KindStdout && e.Proc == "Process-1" && ended:
					n++
				case e.Kind == trace.KindProcExit && e.Proc == "Process-1":
					exited = true
				}
			}
			return n, ended && exited
		},
	},
	Main: daemonMain,
})

var (
	daemonHelper = primitives.Register("daemon.helper", func(rt *primitives.Runtime, _ struct{}) error {
		rt.Line(daemonListing.At("helper"))
		rt.Print("helper: a grandchild, started by a child")
		return nil
	})
	daemonHeartbeat = primitives.Register("daemon.heartbeat", func(rt *primitives.Runtime, spawn bool) error {
		at := daemonListing.At
		if spawn {
			if err := daemonStartHelper(rt); err != nil {
				return err
			}
		}
		for n := 0; ; n++ {
			rt.Line(at("beat"))
			rt.Printf("heartbeat %d", n)
			rt.Line(at("beatsleep"))
			rt.Sleep(0.5)
		}
	})
	daemonCountdown = primitives.Register("daemon.countdown", func(rt *primitives.Runtime, spawn bool) error {
		at := daemonListing.At
		if spawn {
			if err := daemonStartHelper(rt); err != nil {
				return err
			}
		}
		for n := 8; n > 0; n-- {
			rt.Line(at("count"))
			rt.Printf("countdown %d", n)
			rt.Line(at("countsleep"))
			rt.Sleep(0.5)
		}
		rt.Line(at("countdone"))
		rt.Print("countdown: done")
		return nil
	})
)

// daemonStartHelper is start_helper(): in a daemon, start() raises
// AssertionError, which ends the daemon as an uncaught exception would.
func daemonStartHelper(rt *primitives.Runtime) error {
	at := daemonListing.At
	h := primitives.NewProcess(rt, daemonHelper, struct{}{})
	rt.Line(at("spawn"))
	if err := h.Start(); err != nil {
		return err
	}
	rt.Line(at("spawnjoin"))
	return h.Join()
}

func daemonMain(rt *primitives.Runtime, v Vars) error {
	at := daemonListing.At
	spawn := v.On("child")
	var p *primitives.Process
	if v.On("daemon") {
		rt.Line(at("daemon"))
		p = primitives.NewProcess(rt, daemonHeartbeat, spawn)
		p.Daemon = true
	} else {
		rt.Line(at("plain"))
		p = primitives.NewProcess(rt, daemonCountdown, spawn)
	}
	rt.Line(at("start"))
	if err := p.Start(); err != nil {
		return err
	}
	rt.Line(at("started"))
	rt.Printf("main: started %s, daemon=%s", p.Name, daemonBool(p.Daemon))
	rt.Line(at("work"))
	rt.Sleep(2.2)
	rt.Line(at("end"))
	rt.Printf("main: main code ends, %s alive: %s", p.Name, daemonBool(p.IsAlive()))
	return nil
}

// daemonBool is how Python prints a bool.
func daemonBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}
