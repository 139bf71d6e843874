package lessons

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

var isolationListing = NewListing(`
import os, shutil, tempfile
from multiprocessing import Process

n = 100  # a global: every process has its own copy

def child(path):
    global n
    n = 0                                              #@change
    print(f'child: n = {n}')                           #@childsees
    with open(path, 'a') as f:
        f.write(f'child (pid {os.getpid()}) was here\n')   #@childwrite

if __name__ == '__main__':
    tmp = tempfile.mkdtemp()                           #@mkdtemp
    path = os.path.join(tmp, 'shared.txt')
    p = Process(target=child, args=(path,))
    p.start()                                          #@start
    p.join()                                           #@join
    print(f'parent: n = {n}')  # still 100             #@parentsees
    with open(path, 'a') as f:
        f.write(f'parent (pid {os.getpid()}) was here\n')  #@parentwrite
    with open(path) as f:
        for line in f:                                 #@read
            print('shared.txt:', line, end='')         #@show
    shutil.rmtree(tmp)                                 #@rmtree
`)

// Isolation is lesson 3: a child that changes a global changes its own copy
// only; the parent's is untouched. The file system is shared: what both
// append to one file, both find there.
var Isolation = register(&Scenario{
	ID:        "isolation",
	Lesson:    3,
	Summary:   "a global changed in the child is unchanged in the parent; a file both append to holds both lines",
	SummaryZh: "子进程改了全局变量，父进程里的不变；两个进程都追加写入的文件里两行都在",
	Listing:   isolationListing,
	ListingZh: map[string]string{
		"a global: every process has its own copy": "全局变量：每个进程各有一份副本",
		"still 100": "仍是 100",
	},
	Budget: 10 * time.Second,
	Measures: map[string]func([]trace.Record) (int, bool){
		// the n the parent prints after joining the child, "parent: n = 100"
		"parent_n": func(events []trace.Record) (int, bool) {
			for _, e := range events {
				var text string
				var n int
				if e.Kind == trace.KindStdout && e.Proc == "MainProcess" && json.Unmarshal(e.Val, &text) == nil {
					if _, err := fmt.Sscanf(text, "parent: n = %d", &n); err == nil {
						return n, true
					}
				}
			}
			return 0, false
		},
	},
	Main: isolationMain,
})

// isolationN is the listing's global n. Each process has its own: the child
// sets its copy to 0, the parent's stays 100.
var isolationN = 100

var isolationChild = primitives.Register("isolation.child", func(rt *primitives.Runtime, path string) error {
	at := isolationListing.At
	rt.Line(at("change"))
	isolationN = 0
	rt.Line(at("childsees"))
	rt.Printf("child: n = %d", isolationN)
	rt.Line(at("childwrite"))
	return rt.AppendFile(path, fmt.Appendf(nil, "child (pid %d) was here\n", rt.Pid()))
})

func isolationMain(rt *primitives.Runtime, _ Vars) error {
	at := isolationListing.At
	rt.Line(at("mkdtemp"))
	tmp, err := scratchDir("isolation")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	path := filepath.Join(tmp, "shared.txt")
	p := primitives.NewProcess(rt, isolationChild, path)
	rt.Line(at("start"))
	if err := p.Start(); err != nil {
		return err
	}
	rt.Line(at("join"))
	p.Join()
	rt.Line(at("parentsees"))
	rt.Printf("parent: n = %d", isolationN)
	rt.Line(at("parentwrite"))
	if err := rt.AppendFile(path, fmt.Appendf(nil, "parent (pid %d) was here\n", rt.Pid())); err != nil {
		return err
	}
	rt.Line(at("read"))
	b, err := rt.ReadFile(path)
	if err != nil {
		return err
	}
	rt.Line(at("show"))
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		rt.Print("shared.txt:", sc.Text())
	}
	rt.Line(at("rmtree"))
	return os.RemoveAll(tmp)
}
