package lessons

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

var startmethodsListing = NewListing(`
METHOD = {method}

import os, time
import multiprocessing as mp

# Top-level code: it runs each time the module is imported.
print(f'{__name__} imported in pid {os.getpid()}')            #@import
SETTING = 'set at import'

def child(name, main_pid, asked):
    took = time.monotonic() - asked
    parent = os.getppid()
    who = 'main' if parent == main_pid else 'not main'
    print(f'{name}: started {took:.3f} s after start()')     #@took
    print(f'{name}: my parent is pid {parent} ({who})')       #@parent
    print(f'{name}: SETTING = {SETTING!r}')                   #@setting

if __name__ == '__main__':
    SETTING = 'changed in main'   # after the import          #@change
    ctx = mp.get_context(METHOD)  # or mp.set_start_method(METHOD)
    print(f'main: pid {os.getpid()}, start method {METHOD}')  #@main
    for i in (1, 2):
        p = ctx.Process(target=child, name=f'child-{i}',
                        args=(f'child-{i}', os.getpid(), time.monotonic()))
        p.start()                                             #@start
        p.join()                                              #@join
    try:
        p = ctx.Process(target=lambda: print('lambda: I ran'))   #@lambda
        p.start()   # spawn and forkserver pickle the target first  #@lstart
        p.join()                                              #@ljoin
    except Exception as e:
        print(f'main: {type(e).__name__}: {e}')               #@lerr
    print('main: done')                                       #@done
`)

// StartMethods is lesson 16's demo: one program run under fork, spawn or
// forkserver (method=…), whose children say how long their start took,
// who their parent is and which value of a global they see; then a lambda
// as a target, which only fork can start. Under CPython (P, or run
// startmethods --python) the listing picks its method with get_context,
// and the differences show in the lanes: under forkserver the fork server
// has a lane of its own and is the children's parent.
//
// The Go demo cannot fork: proctour re-executes itself for every child,
// which is spawn, whatever method says, and main says so. What it shows
// is spawn's, honestly: each child runs the program from its start (the
// "imported" line), its parent is main, and the package-level setting it
// sees is the one the binary starts with, not the one main changed.
var StartMethods = register(&Scenario{
	ID:        "startmethods",
	Lesson:    16,
	Summary:   "one program under fork, spawn or forkserver: who imports it, who is the children's parent, which global they see, whether a lambda can be a target (the Go demo is spawn-like: P runs the listing under CPython)",
	SummaryZh: "同一个程序分别用 fork、spawn、forkserver 运行：谁导入它、谁是子进程的父进程、子进程看到哪个全局变量、lambda 能否作为 target（Go 演示类似 spawn：按 P 用 CPython 运行这段代码）",
	Listing:   startmethodsListing,
	ListingZh: map[string]string{
		"Top-level code: it runs each time the module is imported.": "顶层代码：模块每被导入一次，它就运行一次。",
		"after the import":                             "在导入之后",
		"or mp.set_start_method(METHOD)":               "或 mp.set_start_method(METHOD)",
		"spawn and forkserver pickle the target first": "spawn 和 forkserver 会先 pickle 这个 target",
	},
	Variants: []Variant{
		{Key: "method", Default: "spawn", Values: []string{"spawn", "fork", "forkserver"},
			Help:   "the start method the listing asks for (the Go demo always starts its children as spawn does: P runs the listing under CPython)",
			HelpZh: "这段代码请求的启动方式（Go 演示总是像 spawn 那样启动子进程：按 P 用 CPython 运行这段代码）"},
	},
	Budget: 5 * time.Second,
	Measures: map[string]func([]trace.Record) (int, bool){
		// how many processes ran the program's top-level code ("imported
		// in pid"); told once main is done
		"imports": startmethodsCount(func(e trace.Record, text string) bool {
			return strings.Contains(text, " imported in pid ")
		}),
		// how many children saw the value main gave SETTING after the import
		"saw_change": startmethodsCount(func(e trace.Record, text string) bool {
			return strings.HasSuffix(text, ": SETTING = 'changed in main'")
		}),
		// how many children had main as their parent
		"parent_main": startmethodsCount(func(e trace.Record, text string) bool {
			return strings.HasPrefix(text, "child-") && strings.HasSuffix(text, " (main)")
		}),
		// whether the lambda ran as a child's target
		"lambda_ran": startmethodsCount(func(e trace.Record, text string) bool {
			return text == "lambda: I ran"
		}),
	},
	Main: startmethodsMain,
})

// startmethodsCount is a measure counting the lines printed that match,
// told once main has printed "main: done".
func startmethodsCount(match func(e trace.Record, text string) bool) func([]trace.Record) (int, bool) {
	return func(events []trace.Record) (int, bool) {
		n := 0
		for _, e := range events {
			text, ok := printed(e)
			if !ok {
				continue
			}
			if e.Proc == "MainProcess" && text == "main: done" {
				return n, true
			}
			if match(e, text) {
				n++
			}
		}
		return 0, false
	}
}

// startmethodsSetting is the listing's SETTING as the binary starts with
// it: what a child, which runs the binary from its start, sees.
const startmethodsSetting = "set at import"

type startmethodsArgs struct {
	Name    string
	MainPid int
	Asked   int64 // when main asked for the child, in Unix nanoseconds
}

var startmethodsChild = primitives.Register("startmethods.child", func(rt *primitives.Runtime, a startmethodsArgs) error {
	at := startmethodsListing.At
	// This process is the proctour binary run again from its start: what
	// spawn's child does with the program.
	rt.Line(at("import"))
	rt.Printf("__mp_main__ imported in pid %d", rt.Pid())
	took := time.Duration(time.Now().UnixNano() - a.Asked)
	parent := os.Getppid()
	who := "not main"
	if parent == a.MainPid {
		who = "main"
	}
	rt.Line(at("took"))
	rt.Printf("%s: started %.3f s after start()", a.Name, took.Seconds())
	rt.Line(at("parent"))
	rt.Printf("%s: my parent is pid %d (%s)", a.Name, parent, who)
	rt.Line(at("setting"))
	rt.Printf("%s: SETTING = '%s'", a.Name, startmethodsSetting)
	return nil
})

func startmethodsMain(rt *primitives.Runtime, v Vars) error {
	at := startmethodsListing.At
	rt.Line(at("import"))
	rt.Printf("__main__ imported in pid %d", rt.Pid())
	// main's SETTING = 'changed in main' changes main's memory only (here
	// a local: runs of the demo share proctour's process); a child reads
	// the package's startmethodsSetting as the binary starts with it.
	rt.Line(at("change"))
	rt.Line(at("main"))
	rt.Printf("main: pid %d, start method %s", rt.Pid(), v["method"])
	rt.Printf("main: the Go demo starts its children as spawn does; P runs this listing under CPython with %s", v["method"])
	for i := 1; i <= 2; i++ {
		name := fmt.Sprintf("child-%d", i)
		p := primitives.NewProcess(rt, startmethodsChild, startmethodsArgs{Name: name, MainPid: rt.Pid(), Asked: time.Now().UnixNano()})
		p.Name = name
		rt.Line(at("start"))
		if err := p.Start(); err != nil {
			return err
		}
		rt.Line(at("join"))
		p.Join()
	}
	rt.Line(at("lambda"))
	rt.Print("main: no lambda in the Go demo (a child finds its target by name, as under spawn); P tries one under CPython")
	rt.Line(at("done"))
	rt.Print("main: done")
	return nil
}
