package lessons

import (
	"strings"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

var zombieListing = NewListing(`
WAIT = {wait}

import os, subprocess, time
from multiprocessing import get_context

def state(pid):
    # What the OS says of the process: R running, S sleeping, Z zombie;
    # once it is gone there is no such process at all.
    if not os.path.exists('/proc'):  # macOS, the BSDs: ask ps
        ps = subprocess.run(['ps', '-o', 'stat=', '-p', str(pid)],
                            capture_output=True, text=True)
        return ps.stdout.strip()[:1] or 'gone'
    try:
        with open(f'/proc/{pid}/stat') as f:
            return f.read().rsplit(')', 1)[1].split()[0]
    except FileNotFoundError:
        return 'gone'

def child():
    print('child: my work is done, exiting')                  #@work

if __name__ == '__main__':
    # fork: main itself is the child's parent. (Under forkserver, the
    # default on Linux from Python 3.14, a fork server is, and it waits
    # for its children at once: no zombie to see.)
    p = get_context('fork').Process(target=child, name='child')
    p.start()                                                  #@start
    print('child is', state(p.pid))   # still starting or working   #@first
    time.sleep(1)     # the child exits meanwhile; nobody waits for it  #@sleep
    print('child is', state(p.pid))   # Z: a zombie             #@zombie
    time.sleep(WAIT)  # a zombie for as long as its parent does not wait  #@wait
    print('child is', state(p.pid))                            #@still
    p.join()          # the parent waits: the OS can forget the child  #@join
    print('child is', state(p.pid), '- exit code', p.exitcode)  #@gone
`)

// Zombie is lesson 1's zombie: a child that has exited stays in the process
// table, a zombie holding its exit status, until its parent waits for it;
// join() is that wait. The states are read from the OS (/proc).
var Zombie = register(&Scenario{
	ID:        "zombie",
	Lesson:    1,
	Summary:   "a child that has exited is a zombie until its parent waits for it (join)",
	SummaryZh: "已退出的子进程在父进程等待它（join）之前是僵尸进程",
	Listing:   zombieListing,
	ListingZh: map[string]string{
		"fork: main itself is the child's parent. (Under forkserver, the":   "fork：主进程本身就是子进程的父进程。（用 forkserver 时，",
		"default on Linux from Python 3.14, a fork server is, and it waits": "即 Python 3.14 起 Linux 上的默认方式，父进程是 fork 服务器，",
		"for its children at once: no zombie to see.)":                      "它会立刻等待子进程：看不到僵尸。）",
		"What the OS says of the process: R running, S sleeping, Z zombie;": "操作系统给出的进程状态：R 运行，S 睡眠，Z 僵尸；",
		"once it is gone there is no such process at all.":                  "进程彻底消失后，就根本没有这个进程了。",
		"macOS, the BSDs: ask ps":                                           "macOS、BSD：问 ps",
		"still starting or working":                                         "还在启动或工作中",
		"the child exits meanwhile; nobody waits for it":                    "子进程在这期间退出；没有人等它",
		"Z: a zombie": "Z：僵尸",
		"a zombie for as long as its parent does not wait": "父进程不等它，它就一直是僵尸",
		"the parent waits: the OS can forget the child":    "父进程等待它：操作系统就能忘掉这个子进程",
	},
	Variants: []Variant{
		{Key: "wait", Default: "1", Min: 0, Max: 5, Help: "seconds the parent lets its exited child stay a zombie before join()", HelpZh: "父进程在 join() 之前让已退出的子进程当几秒僵尸"},
	},
	Budget: 8 * time.Second,
	Measures: map[string]func([]trace.Record) (int, bool){
		// whether main saw its exited child as a zombie before join();
		// told once the child is gone
		"zombie_seen": func(events []trace.Record) (int, bool) {
			seen := false
			for _, text := range printedBy(events, "MainProcess") {
				if strings.HasPrefix(text, "child is Z") {
					seen = true
				}
				if strings.HasPrefix(text, "child is gone") {
					return boolInt(seen), true
				}
			}
			return 0, false
		},
	},
	Main: zombieMain,
})

var zombieChild = primitives.Register("zombie.child", func(rt *primitives.Runtime, _ struct{}) error {
	rt.Line(zombieListing.At("work"))
	rt.Print("child: my work is done, exiting")
	return nil
})

// procState says a process's state as the listing's state() does.
func procState(pid int) string {
	st, err := primitives.ProcState(pid)
	switch {
	case err != nil:
		return "unknown (" + err.Error() + ")"
	case st == "":
		return "gone"
	}
	return st
}

func zombieMain(rt *primitives.Runtime, v Vars) error {
	at := zombieListing.At
	p := primitives.NewProcess(rt, zombieChild, struct{}{})
	p.Name, p.KeepZombie = "child", true
	rt.Line(at("start"))
	if err := p.Start(); err != nil {
		return err
	}
	rt.Line(at("first"))
	rt.Print("child is", procState(p.Pid()))
	rt.Line(at("sleep"))
	rt.Sleep(1)
	rt.Line(at("zombie"))
	rt.Print("child is", procState(p.Pid()))
	rt.Line(at("wait"))
	rt.Sleep(float64(v.Int("wait")))
	rt.Line(at("still"))
	rt.Print("child is", procState(p.Pid()))
	rt.Line(at("join"))
	p.Join()
	code, _ := p.ExitCode()
	rt.Line(at("gone"))
	rt.Printf("child is %s - exit code %d", procState(p.Pid()), code)
	return nil
}
