package lessons

import (
	"os"
	"strings"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

var orphanListing = NewListing(`
import os, time
from multiprocessing import get_context

# fork: every process is the child of the one that starts it. (Under
# forkserver, the default on Linux from Python 3.14, a fork server is
# every child's parent: the orphan would never be orphaned.)
fork = get_context('fork')

def orphan():
    print('orphan: my parent is', os.getppid())                 #@before
    time.sleep(1)              # meanwhile its parent exits        #@sleep
    # Its new parent: init (1), or the nearest "subreaper" (systemd on a
    # desktop; in proctour's demo, proctour, to keep the orphan in view).
    print('orphan: now my parent is', os.getppid())             #@after

def parent():
    p = fork.Process(target=orphan, name='orphan')
    p.start()                                                    #@start
    time.sleep(0.5)            # the child is running by now       #@psleep
    print('parent: exiting without waiting for my child')        #@leave
    os._exit(0)                # no clean-up, no join: the child is left  #@exit

if __name__ == '__main__':
    print('main: my pid is', os.getpid())                        #@main
    p = fork.Process(target=parent, name='parent')
    p.start()                                                    #@pstart
    p.join()                   # the parent is gone; its child is not  #@join
    time.sleep(2)              # the orphan lives on, then exits    #@wait
    print('main: done')                                          #@done
`)

// Orphan is lesson 1's orphan: a parent exits (os._exit, so without joining)
// while its child runs on. The child's parent pid changes to the process
// that adopts it: proctour makes itself the subreaper (Linux), so that is
// MainProcess here, which then reaps it.
var Orphan = register(&Scenario{
	ID:        "orphan",
	Lesson:    1,
	Summary:   "a parent exits first: its child, an orphan, is adopted and its parent pid changes",
	SummaryZh: "父进程先退出：它的子进程成了孤儿，被收养，父进程 pid 随之改变",
	Listing:   orphanListing,
	ListingZh: map[string]string{
		"fork: every process is the child of the one that starts it. (Under":   "fork：每个进程都是启动它的那个进程的子进程。（用",
		"forkserver, the default on Linux from Python 3.14, a fork server is":  "forkserver 时，即 Python 3.14 起 Linux 上的默认方式，",
		"every child's parent: the orphan would never be orphaned.)":           "每个子进程的父进程都是 fork 服务器：孤儿永远成不了孤儿。）",
		"meanwhile its parent exits":                                           "这期间它的父进程退出了",
		"Its new parent: init (1), or the nearest \"subreaper\" (systemd on a": "新的父进程：init (1)，或离它最近的 subreaper",
		"desktop; in proctour's demo, proctour, to keep the orphan in view).":  "（桌面上是 systemd；proctour 的演示里是 proctour，好让孤儿留在视野中）。",
		"the child is running by now":                                          "此时子进程已在运行",
		"no clean-up, no join: the child is left":                              "不做清理，也不 join：子进程被撇下",
		"the parent is gone; its child is not":                                 "父进程已退出，它的子进程还在",
		"the orphan lives on, then exits":                                      "孤儿继续运行，然后退出",
	},
	Budget: 8 * time.Second,
	Measures: map[string]func([]trace.Record) (int, bool){
		// whether the orphan's parent pid changed after its parent exited
		"ppid_changed": func(events []trace.Record) (int, bool) {
			var before, after string
			for _, text := range printedBy(events, "orphan") {
				if v, ok := strings.CutPrefix(text, "orphan: my parent is "); ok {
					before = v
				}
				if v, ok := strings.CutPrefix(text, "orphan: now my parent is "); ok {
					after = v
				}
			}
			if before == "" || after == "" {
				return 0, false
			}
			return boolInt(before != after), true
		},
	},
	Main: orphanMain,
})

var (
	orphanChild = primitives.Register("orphan.orphan", func(rt *primitives.Runtime, _ struct{}) error {
		at := orphanListing.At
		rt.Line(at("before"))
		rt.Print("orphan: my parent is", os.Getppid())
		rt.Line(at("sleep"))
		rt.Sleep(1)
		rt.Line(at("after"))
		rt.Print("orphan: now my parent is", os.Getppid())
		return nil
	})
	orphanParent = primitives.Register("orphan.parent", func(rt *primitives.Runtime, _ struct{}) error {
		at := orphanListing.At
		p := primitives.NewProcess(rt, orphanChild, struct{}{})
		p.Name, p.Orphanable = "orphan", true
		rt.Line(at("start"))
		if err := p.Start(); err != nil {
			return err
		}
		rt.Line(at("psleep"))
		rt.Sleep(0.5)
		rt.Line(at("leave"))
		rt.Print("parent: exiting without waiting for my child")
		rt.Line(at("exit"))
		rt.ExitNow(0)
		return nil
	})
)

func orphanMain(rt *primitives.Runtime, _ Vars) error {
	at := orphanListing.At
	rt.Line(at("main"))
	rt.Print("main: my pid is", rt.Pid())
	p := primitives.NewProcess(rt, orphanParent, struct{}{})
	p.Name = "parent"
	rt.Line(at("pstart"))
	if err := p.Start(); err != nil {
		return err
	}
	rt.Line(at("join"))
	p.Join()
	rt.Line(at("wait"))
	rt.Sleep(2)
	rt.Line(at("done"))
	rt.Print("main: done")
	return nil
}
