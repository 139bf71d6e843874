package lessons

import (
	"os"
	"strings"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

var helloListing = NewListing(`
import os
from multiprocessing import Process

def greet(name):
    # its parent: main (under forkserver, the fork server that forked it)
    print(f'hello {name}: pid {os.getpid()}, parent {os.getppid()}')   #@greet

class Greeter(Process):
    def __init__(self, who):
        super().__init__()
        self.who = who

    def run(self):
        print(f'{self.who} runs in pid {os.getpid()}')                 #@run

if __name__ == '__main__':
    p = Process(target=greet, args=('bob',))   # args is a tuple: note the comma
    p.start()                                                           #@start
    print(f'main: start() returned, main is pid {os.getpid()}')        #@returned
    p.join()                                                            #@join
    g = Greeter('alice')
    g.start()                                                           #@start2
    g.join()                                                            #@join2
    print(f'main: exit codes {p.exitcode} and {g.exitcode}')            #@done
`)

// Hello is lesson 2's first process: start() only asks the OS for a child,
// so the parent's next line usually runs first; the child has a pid of its
// own and proctour's pid as its parent.
var Hello = register(&Scenario{
	ID:        "hello",
	Lesson:    2,
	Summary:   "start a Process with args, and a Process subclass; real pid and ppid",
	SummaryZh: "用 args 启动一个 Process，再启动一个 Process 子类；真实的 pid 和 ppid",
	Listing:   helloListing,
	ListingZh: map[string]string{
		"its parent: main (under forkserver, the fork server that forked it)": "它的父进程：主进程（forkserver 下是 fork 出它的 fork 服务器）",
		"args is a tuple: note the comma":                                     "args 是元组：注意那个逗号",
	},
	Budget: 10 * time.Second,
	Measures: map[string]func([]trace.Record) (int, bool){
		// whether the child printed before main's line after start();
		// told once main has printed it
		"child_first": func(events []trace.Record) (int, bool) {
			child := false
			for _, e := range events {
				text, ok := printed(e)
				switch {
				case !ok:
				case e.Proc != "MainProcess":
					child = true
				case strings.HasPrefix(text, "main: start() returned"):
					return boolInt(child), true
				}
			}
			return 0, false
		},
	},
	Main: helloMain,
})

var (
	helloGreet = primitives.Register("hello.greet", func(rt *primitives.Runtime, name string) error {
		rt.Line(helloListing.At("greet"))
		rt.Printf("hello %s: pid %d, parent %d", name, os.Getpid(), os.Getppid())
		return nil
	})
	helloGreeter = primitives.Register("hello.Greeter.run", func(rt *primitives.Runtime, who string) error {
		rt.Line(helloListing.At("run"))
		rt.Printf("%s runs in pid %d", who, os.Getpid())
		return nil
	})
)

func helloMain(rt *primitives.Runtime, _ Vars) error {
	at := helloListing.At
	p := primitives.NewProcess(rt, helloGreet, "bob")
	rt.Line(at("start"))
	if err := p.Start(); err != nil {
		return err
	}
	rt.Line(at("returned"))
	rt.Printf("main: start() returned, main is pid %d", rt.Pid())
	rt.Line(at("join"))
	p.Join()
	g := primitives.NewProcess(rt, helloGreeter, "alice")
	rt.Line(at("start2"))
	if err := g.Start(); err != nil {
		return err
	}
	rt.Line(at("join2"))
	g.Join()
	pc, _ := p.ExitCode()
	gc, _ := g.ExitCode()
	rt.Line(at("done"))
	rt.Printf("main: exit codes %d and %d", pc, gc)
	return nil
}
