package pytrace

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

var methods = []string{"fork", "spawn", "forkserver"}

// methodsFor is the start methods a test runs its program under: all three,
// or with -short one of them, a different one from test to test.
func methodsFor(t *testing.T) []string {
	if !testing.Short() {
		return methods
	}
	h := 0
	for _, c := range t.Name() {
		h += int(c)
	}
	return methods[h%3 : h%3+1]
}

// forkServers is how many fork servers a run under method has: under
// forkserver, one, with a lane of its own.
func forkServers(method string) int {
	if method == "forkserver" {
		return 1
	}
	return 0
}

// needPython skips a test where there is no CPython to trace.
func needPython(t testing.TB) {
	t.Helper()
	if _, err := FindPython(""); err != nil {
		t.Skipf("no CPython to trace, so the real-Python tests are skipped: %v", err)
	}
}

// traced runs src (a program written the way tutorials write them) under
// the tracer with the start method and returns its timeline, after checking
// the trace's invariants and that no process of the run is left.
func traced(t *testing.T, src, method string, files map[string]string) []trace.Record {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	prog := filepath.Join(dir, "prog.py")
	if err := os.WriteFile(prog, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	tl, err := Trace(context.Background(), Options{Program: prog, Dir: dir, StartMethod: method, Timeout: 90 * time.Second})
	if err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	if v := sim.Check(tl); len(v) > 0 {
		t.Errorf("%s: broken invariants: %v\n%s", method, v, dump(tl))
	}
	var b trace.RunBegin
	if json.Unmarshal(tl[0].Val, &b); b.Program != "prog.py" || b.StartMethod != method || !strings.HasPrefix(b.Python, "3.") {
		t.Errorf("%s: run.begin %s", method, tl[0].Val)
	}
	for _, r := range tl {
		if r.Kind == trace.KindProcStart && alive(r.Pid) {
			t.Errorf("%s: %s (pid %d) is still running after the run", method, r.Proc, r.Pid)
		}
	}
	return tl
}

// alive reports whether pid is a live process (not a zombie).
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	b, err := os.ReadFile("/proc/" + itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	return len(f) == 0 || f[0] != "Z"
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func dump(tl []trace.Record) string {
	var b strings.Builder
	for _, r := range tl {
		line, _ := json.Marshal(r)
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.String()
}

func str(raw json.RawMessage) string {
	var s string
	json.Unmarshal(raw, &s)
	return s
}

func prints(tl []trace.Record, sub string) []trace.Record {
	var out []trace.Record
	for _, r := range tl {
		if r.Kind == trace.KindStdout && strings.Contains(str(r.Val), sub) {
			out = append(out, r)
		}
	}
	return out
}

func kinds(tl []trace.Record, kind string) []trace.Record {
	var out []trace.Record
	for _, r := range tl {
		if r.Kind == kind {
			out = append(out, r)
		}
	}
	return out
}

const ticketsSrc = `import json, os, time
from multiprocessing import Process, Lock

def search(name):
    with open('db.json') as f:
        count = json.load(f)['count']
    print(f'{name} 查询到剩余票数: {count}')

def buy(name):
    with open('db.json') as f:
        dic = json.load(f)
    time.sleep(0.05)
    if dic['count'] > 0:
        dic['count'] -= 1
        with open(f'db.{name}.tmp', 'w') as f:
            json.dump(dic, f)
        os.replace(f'db.{name}.tmp', 'db.json')
        print(f'{name} 购票成功')
    else:
        print(f'{name} 没有票了')

def task(name, lock):
    search(name)
    if USE_LOCK:
        with lock:
            buy(name)
    else:
        buy(name)

if __name__ == '__main__':
    with open('db.json', 'w') as f:
        json.dump({'count': 1}, f)
    lock = Lock()
    ps = [Process(target=task, args=(f'用户{i}', lock)) for i in range(4)]
    for p in ps:
        p.start()
    for p in ps:
        p.join()
`

func TestTicketsWithLockSellsExactlyOne(t *testing.T) {
	needPython(t)
	for _, m := range methodsFor(t) {
		t.Run(m, func(t *testing.T) {
			tl := traced(t, "USE_LOCK = True\n"+ticketsSrc, m, nil)
			if n := len(prints(tl, "购票成功")); n != 1 {
				t.Errorf("%d tickets sold with the lock, want exactly 1\n%s", n, dump(tl))
			}
			if n := len(prints(tl, "没有票了")); n != 3 {
				t.Errorf("%d buyers told 'sold out', want 3", n)
			}
			if n := len(kinds(tl, trace.KindLockAcquire)); n != 4 {
				t.Errorf("%d lock.acquire events, want one per buyer (4)", n)
			}
			for _, r := range kinds(tl, trace.KindLockAcquire) {
				if r.Obj != "lock" || r.Line != 26 {
					t.Errorf("lock.acquire named %q at line %d, want the program's name lock at line 26 (with lock:)", r.Obj, r.Line)
				}
			}
			// os.replace(tmp, 'db.json') is told, at its line, by the
			// buyer who got the ticket
			if rs := kinds(tl, trace.KindFileReplace); len(rs) != 1 || rs[0].Obj != "db.json" || rs[0].Line != 18 ||
				!strings.HasPrefix(string(rs[0].Val), `"db.用户`) || !strings.HasSuffix(string(rs[0].Val), `.tmp"`) {
				t.Errorf("file.replace events %+v, want one at line 18, db.json replaced by db.用户N.tmp", rs)
			}
			st := sim.Fold(tl)
			if len(st.Files) != 1 || st.Files[0].Name != "db.json" || st.Files[0].Content != `{"count": 0}` {
				t.Errorf("files = %+v, want db.json alone (the temporary file renamed over it) holding {\"count\": 0}", st.Files)
			}
			if len(st.Procs) != 5+forkServers(m) {
				t.Errorf("%d processes, want MainProcess and 4 buyers (and the fork server under forkserver)", len(st.Procs))
			}
		})
	}
}

func TestTicketsWithoutLockStillATrace(t *testing.T) {
	needPython(t)
	// How many tickets are sold without the lock is the scheduler's
	// choice: only what holds in every run is checked.
	tl := traced(t, "USE_LOCK = False\n"+ticketsSrc, "fork", nil)
	if n := len(prints(tl, "购票成功")); n < 1 || n > 4 {
		t.Errorf("%d tickets sold, want 1 to 4", n)
	}
	if n := len(kinds(tl, trace.KindLockAcquire)); n != 0 {
		t.Errorf("%d lock.acquire events without the lock", n)
	}
}

const daemonSrc = `import time
from multiprocessing import Process

def forever():
    print('守护进程 start')
    while True:
        time.sleep(0.05)

def once():
    print('普通进程 done')

if __name__ == '__main__':
    d = Process(target=forever, daemon=True, name='guard')
    d.start()
    p = Process(target=once)
    p.start()
    p.join()
    time.sleep(0.2)
    print('main ends')
`

func TestDaemonIsTerminatedWhenTheMainCodeEnds(t *testing.T) {
	needPython(t)
	for _, m := range methodsFor(t) {
		t.Run(m, func(t *testing.T) {
			tl := traced(t, daemonSrc, m, nil)
			st := sim.Fold(tl)
			var guard *sim.Proc
			for _, p := range st.Procs {
				if p.Name == "guard" {
					guard = p
				}
			}
			if guard == nil || !guard.Daemon {
				t.Fatalf("no daemon process named guard in\n%s", dump(tl))
			}
			if guard.ExitCode != -int(syscall.SIGTERM) {
				t.Errorf("the daemon's exit code is %d, want -15 (terminated as the main code ends)", guard.ExitCode)
			}
			main := st.Procs[0]
			if main.Name != "MainProcess" || main.ExitCode != 0 {
				t.Errorf("main = %s exit %d", main.Name, main.ExitCode)
			}
		})
	}
}

const joinableSrc = `import time
from multiprocessing import Process, JoinableQueue

def consumer(q):
    while True:
        item = q.get()
        time.sleep(0.01)
        print(f'吃了 {item}')
        q.task_done()

def producer(q):
    for i in range(4):
        q.put(f'包子{i}')
    q.join()
    print('生产者: 全部吃完')

if __name__ == '__main__':
    q = JoinableQueue()
    for _ in range(2):
        Process(target=consumer, args=(q,), daemon=True).start()
    p = Process(target=producer, args=(q,))
    p.start()
    p.join()
`

func TestJoinableQueueJoinReturnsAfterTheLastTaskDone(t *testing.T) {
	needPython(t)
	for _, m := range methodsFor(t) {
		t.Run(m, func(t *testing.T) {
			tl := traced(t, joinableSrc, m, nil)
			var lastDone, joined, after int64
			for _, r := range tl {
				switch {
				case r.Kind == "queue.task_done":
					lastDone = r.Seq
				case r.Kind == "queue.join":
					joined = r.Seq
				case r.Kind == trace.KindStdout && str(r.Val) == "生产者: 全部吃完":
					after = r.Seq
				}
			}
			if joined == 0 || after == 0 || lastDone == 0 {
				t.Fatalf("missing events (join %d, print %d, task_done %d)\n%s", joined, after, lastDone, dump(tl))
			}
			if !(lastDone < after) {
				t.Errorf("the producer went on (seq %d) before the last task_done (seq %d)", after, lastDone)
			}
			if n := len(kinds(tl, "queue.get")); n != 4 {
				t.Errorf("%d items got, want 4", n)
			}
			for _, r := range kinds(tl, "queue.put") {
				if r.Obj != "q" {
					t.Errorf("queue.put on %q, want q", r.Obj)
				}
			}
		})
	}
}

const managerSrc = `from multiprocessing import Process, Manager, Lock

def work(dic, lock):
    with lock:
        dic['count'] -= 1

if __name__ == '__main__':
    lock = Lock()
    with Manager() as m:
        dic = m.dict({'count': 10})
        ps = [Process(target=work, args=(dic, lock)) for _ in range(10)]
        for p in ps:
            p.start()
        for p in ps:
            p.join()
        print('剩余', dic['count'])
`

func TestManagerDictWithLockEndsAtZero(t *testing.T) {
	needPython(t)
	for _, m := range methodsFor(t) {
		t.Run(m, func(t *testing.T) {
			tl := traced(t, managerSrc, m, nil)
			if len(prints(tl, "剩余 0")) != 1 {
				t.Errorf("main did not print 剩余 0\n%s", dump(tl))
			}
			st := sim.Fold(tl)
			_, o := st.FindManaged("dic")
			if o == nil || string(o.Value) != `{"count":0}` {
				t.Errorf("managed dic = %+v, want {\"count\":0}", o)
			}
			server := 0
			for _, p := range st.Procs {
				if p.Server && p.Target == trace.TargetManagerServer {
					server++
				}
			}
			if server != 1 {
				t.Errorf("%d manager server lanes, want 1", server)
			}
			if n := len(kinds(tl, "manager.call")); n != 21 {
				t.Errorf("%d manager.call events, want 21 (a get and a set per worker, and main's read)", n)
			}
		})
	}
}

const poolSrc = `import os, time
from multiprocessing import Pool

def square(x):
    time.sleep(0.01)
    return x * x

def show(res):
    print(f'回调 {res} 在 {os.getpid()}')

if __name__ == '__main__':
    pool = Pool(2)
    rs = [pool.apply_async(square, (i,), callback=show) for i in range(4)]
    pool.close()
    pool.join()
    print(sorted(r.get() for r in rs))
    with Pool(2) as p2:
        print(p2.map(square, range(5)))
`

func TestPoolCallbacksRunInTheMainProcess(t *testing.T) {
	needPython(t)
	for _, m := range methodsFor(t) {
		t.Run(m, func(t *testing.T) {
			tl := traced(t, poolSrc, m, nil)
			main := tl[1].Pid // (after run.begin)
			cbs := kinds(tl, "pool.callback")
			if len(cbs) != 4 {
				t.Fatalf("%d callbacks, want 4\n%s", len(cbs), dump(tl))
			}
			for _, r := range cbs {
				if r.Pid != main || r.Obj != "pool" {
					t.Errorf("callback in pid %d on %q, want the main process %d on pool", r.Pid, r.Obj, main)
				}
			}
			for _, r := range prints(tl, "回调") {
				if r.Pid != main || !strings.HasSuffix(str(r.Val), itoa(main)) {
					t.Errorf("a callback printed %q in pid %d, want the main process %d", str(r.Val), r.Pid, main)
				}
			}
			if len(prints(tl, "[0, 1, 4, 9]")) != 1 || len(prints(tl, "[0, 1, 4, 9, 16]")) != 1 {
				t.Errorf("results missing\n%s", dump(tl))
			}
			st := sim.Fold(tl)
			if len(st.Pools) != 2 || st.Pools[0].Name != "pool" || st.Pools[1].Name != "p2" {
				t.Fatalf("pools = %v", st.Pools)
			}
			for _, j := range st.Pools[0].Jobs {
				if !j.Ready() || j.Callbacks != 1 {
					t.Errorf("job %d: ready %v, %d callbacks", j.ID, j.Ready(), j.Callbacks)
				}
			}
		})
	}
}

const chunkedMapSrc = `from multiprocessing import Pool

def square(x):
    return x * x

if __name__ == '__main__':
    with Pool(2) as pool:
        print(sum(pool.map(square, range(20))))
        print(sum(pool.starmap(pow, [(i, 2) for i in range(7)], chunksize=3)))
`

// A map in chunks (20 items in chunks of 3 for Pool(2)) is told item by
// item, as the Go pool tells it: the fold counts a job's items.
func TestPoolMapInChunksIsToldItemByItem(t *testing.T) {
	needPython(t)
	for _, m := range methodsFor(t) {
		t.Run(m, func(t *testing.T) {
			tl := traced(t, chunkedMapSrc, m, nil)
			// the with block ends in pool.terminate(): a worker's SIGTERM
			// that came while it sent its exit once deadlocked it
			if wd := kinds(tl, trace.KindWatchdog); len(wd) > 0 {
				t.Fatalf("the watchdog stopped it: %s\n%s", wd[0].Val, dump(tl))
			}
			if len(prints(tl, "2470")) != 1 || len(prints(tl, "91")) != 1 {
				t.Errorf("sums missing\n%s", dump(tl))
			}
			results := map[int][]int{}
			takes := map[int]int{}
			for _, r := range kinds(tl, "pool.task_done") {
				var v trace.PoolTask
				json.Unmarshal(r.Val, &v)
				var n int
				json.Unmarshal(v.Result, &n)
				results[v.Job] = append(results[v.Job], n)
			}
			for _, r := range kinds(tl, "pool.task_start") {
				var v trace.PoolTask
				json.Unmarshal(r.Val, &v)
				if v.Take {
					takes[v.Job]++
				}
			}
			for job, want := range map[int]int{0: 20, 1: 7} {
				got := slices.Sorted(slices.Values(results[job]))
				if len(got) != want || got[len(got)-1] != (want-1)*(want-1) {
					t.Errorf("job %d: results %v, want one per item, the squares of 0..%d", job, got, want-1)
				}
			}
			if takes[0] != 7 || takes[1] != 3 {
				t.Errorf("chunks taken: %v, want 7 of job 0 and 3 of job 1", takes)
			}
			for _, j := range sim.Fold(tl).Pools[0].Jobs {
				if !j.Ready() || j.Done != j.Items {
					t.Errorf("job %d: %d of %d items done", j.ID, j.Done, j.Items)
				}
			}
		})
	}
}

const executorSrc = `import os, time
from concurrent.futures import ProcessPoolExecutor

def slow_square(x):
    time.sleep(0.01)
    return x * x

def report(fut):
    print('完成', fut.result(), os.getpid())

if __name__ == '__main__':
    with ProcessPoolExecutor(max_workers=2) as ex:
        futs = [ex.submit(slow_square, i) for i in range(3)]
        for f in futs:
            f.add_done_callback(report)
    print('结果', [f.result() for f in futs])
`

func TestExecutorDoneCallbacks(t *testing.T) {
	needPython(t)
	for _, m := range methodsFor(t) {
		t.Run(m, func(t *testing.T) {
			tl := traced(t, executorSrc, m, nil)
			main := tl[1].Pid // (after run.begin)
			if n := len(kinds(tl, "pool.submit")); n != 3 {
				t.Errorf("%d submits, want 3", n)
			}
			cbs := kinds(tl, "pool.callback")
			if len(cbs) != 3 {
				t.Fatalf("%d done callbacks, want 3\n%s", len(cbs), dump(tl))
			}
			for _, r := range cbs {
				if r.Pid != main || r.Obj != "ex" {
					t.Errorf("callback in pid %d on %q, want main %d on ex", r.Pid, r.Obj, main)
				}
			}
			if len(prints(tl, "结果 [0, 1, 4]")) != 1 {
				t.Errorf("no result line\n%s", dump(tl))
			}
			st := sim.Fold(tl)
			if len(st.Pools) != 1 || !st.Pools[0].Executor {
				t.Errorf("pools = %v, want one executor", st.Pools)
			}
		})
	}
}

const pipeHangSrc = `from multiprocessing import Process, Pipe

def reader(r):
    while True:
        try:
            print('got', r.recv())
        except EOFError:
            print('EOF')
            break

if __name__ == '__main__':
    r, w = Pipe(duplex=False)
    p = Process(target=reader, args=(r,))
    p.start()
    w.send('hello')
    w.close()
    p.join()
`

func TestPipeThatNeverReachesEOFIsStoppedByTheWatchdog(t *testing.T) {
	needPython(t)
	// Under fork the child inherits the write end w and never closes it:
	// its recv waits forever, and main waits for it.
	tl := traced(t, pipeHangSrc, "fork", nil)
	wd := kinds(tl, trace.KindWatchdog)
	if len(wd) != 1 || wd[0].Obj != "deadlock" {
		t.Fatalf("watchdog events %v, want one deadlock\n%s", wd, dump(tl))
	}
	msg := str(wd[0].Val)
	for _, want := range []string{"MainProcess waits for join Process-1", "Process-1 waits for"} {
		if !strings.Contains(msg, want) {
			t.Errorf("watchdog says %q, want it to say %q", msg, want)
		}
	}
	if len(prints(tl, "got hello")) != 1 || len(prints(tl, "EOF")) != 0 {
		t.Errorf("the reader should get hello and never EOF")
	}
	// Under spawn the child gets only r: EOF comes, no hang.
	tl = traced(t, pipeHangSrc, "spawn", nil)
	if len(kinds(tl, trace.KindWatchdog)) != 0 || len(prints(tl, "EOF")) != 1 {
		t.Errorf("under spawn the reader should see EOFError\n%s", dump(tl))
	}
	if n := len(kinds(tl, "pipe.eof")); n != 1 {
		t.Errorf("%d pipe.eof events, want 1", n)
	}
}

func TestChildTracebackInItsLane(t *testing.T) {
	needPython(t)
	src := "from multiprocessing import Process\n\ndef f():\n    raise KeyError('坏')\n\nif __name__ == '__main__':\n    p = Process(target=f)\n    p.start()\n    p.join()\n    print('exitcode', p.exitcode)\n"
	for _, m := range methodsFor(t) {
		t.Run(m, func(t *testing.T) {
			tl := traced(t, src, m, nil)
			st := sim.Fold(tl)
			last := st.Procs[len(st.Procs)-1]
			if len(st.Procs) != 2+forkServers(m) || last.ExitCode != 1 {
				t.Fatalf("want a child that exits with 1\n%s", dump(tl))
			}
			child := last.Pid
			var errLines []string
			for _, r := range tl {
				if r.Kind == trace.KindStdout && r.Obj == "stderr" && r.Pid == child {
					errLines = append(errLines, str(r.Val))
				}
			}
			if len(errLines) == 0 || errLines[len(errLines)-1] != "KeyError: '坏'" {
				t.Errorf("the child's stderr lines are %q, want its traceback ending in KeyError: '坏'", errLines)
			}
			if len(prints(tl, "exitcode 1")) != 1 {
				t.Errorf("main did not print exitcode 1")
			}
		})
	}
}

func TestBadInputIsOneLine(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o600)
		return p
	}
	noGuard := write("noguard.py", "import multiprocessing as mp\n\ndef f():\n    print('child')\n\np = mp.Process(target=f)\np.start()\np.join()\n")
	cases := []struct {
		name, prog, method, want string
	}{
		{"missing", filepath.Join(dir, "nope.py"), "", "nope.py: no such file"},
		{"directory", dir, "", "is a directory"},
		{"binary", write("bin.py", "\x7fELF\x00\x00binary"), "", "is not a Python program"},
		{"syntax", write("syn.py", "print('hi'\n"), "", "SyntaxError: "}, // the message depends on the version
		{"no main guard under spawn", noGuard, "spawn", "under if __name__ == '__main__':"},
		{"start method", write("ok.py", "pass\n"), "threads", "start method"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Trace(context.Background(), Options{Program: c.prog, Dir: dir, StartMethod: c.method, Timeout: 60 * time.Second})
			var in *InputError
			if !errors.As(err, &in) {
				t.Fatalf("err = %v, want an input error", err)
			}
			if !strings.Contains(in.Msg, c.want) || strings.Contains(in.Msg, "\n") {
				t.Errorf("error %q, want one line with %q", in.Msg, c.want)
			}
		})
	}
	t.Run("no python", func(t *testing.T) {
		_, err := Start(Options{Python: filepath.Join(dir, "python-not-here"), Program: noGuard})
		var in *InputError
		if !errors.As(err, &in) || !strings.Contains(in.Msg, "no such interpreter") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestTracerDirectoryIsRemoved(t *testing.T) {
	needPython(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	traced(t, "print('hi')\n", "", nil)
	left, _ := os.ReadDir(tmp)
	var names []string
	for _, e := range left {
		if strings.HasPrefix(e.Name(), "proctour-py-") {
			names = append(names, e.Name())
		}
	}
	if len(names) > 0 {
		t.Errorf("tracer directories left behind: %v", names)
	}
}

func TestIsProgram(t *testing.T) {
	f := filepath.Join(t.TempDir(), "script")
	os.WriteFile(f, []byte("pass\n"), 0o600)
	for arg, want := range map[string]bool{"tickets": false, "my_prog.py": true, f: true, "pipe-eof": false} {
		if got := IsProgram(arg); got != want {
			t.Errorf("IsProgram(%q) = %v, want %v", arg, got, want)
		}
	}
	if !slices.Contains(methods, "forkserver") {
		t.Fatal("methods")
	}
}

const hangSrc = `import time
from multiprocessing import Process, Queue

def worker(q):
    print('worker waits')
    q.get()

if __name__ == '__main__':
    q = Queue()
    for _ in range(3):
        Process(target=worker, args=(q,)).start()
    time.sleep(1000)
`

func TestStopLeavesNoProcess(t *testing.T) {
	needPython(t)
	for _, m := range methodsFor(t) {
		t.Run(m, func(t *testing.T) {
			dir := t.TempDir()
			prog := filepath.Join(dir, "hang.py")
			os.WriteFile(prog, []byte(hangSrc), 0o600)
			r, err := Start(Options{Program: prog, Dir: dir, StartMethod: m})
			if err != nil {
				t.Fatal(err)
			}
			var pids []int
			waiting := 0
			for rec := range r.Events() {
				if rec.Kind == trace.KindProcStart {
					pids = append(pids, rec.Pid)
				}
				if rec.Kind == "queue.block" {
					if waiting++; waiting == 3 {
						r.Stop()
					}
				}
			}
			<-r.Done()
			tl := r.Timeline()
			if v := sim.Check(tl); len(v) > 0 {
				t.Errorf("broken invariants: %v", v)
			}
			if len(pids) != 4+forkServers(m) {
				t.Fatalf("%d processes started, want 4 (and the fork server under forkserver)\n%s", len(pids), dump(tl))
			}
			for _, pid := range pids {
				if alive(pid) {
					t.Errorf("pid %d still running after Stop", pid)
				}
			}
			if last := tl[len(tl)-2]; last.Kind != trace.KindProcExit || str(last.Val) != "" || string(last.Val) != "-9" {
				t.Errorf("event before run.end %s %s, want MainProcess's exit -9 (killed)", last.Kind, last.Val)
			}
			if end := tl[len(tl)-1]; end.Kind != trace.KindRunEnd || string(end.Val) != `{"exit":-9,"stopped_by":"user"}` {
				t.Errorf("last event %s %s, want run.end: exit -9, stopped by the user", end.Kind, end.Val)
			}
		})
	}
}

// Under forkserver the fork server has a lane: main starts it, it is the
// parent of the children it forks, it serves (so it never counts as
// waiting), and it ends by itself once main has gone, with exit code 0.
// Under fork and spawn there is none, and main is the children's parent.
func TestForkServerHasALane(t *testing.T) {
	needPython(t)
	src := "import os\nfrom multiprocessing import Process\n\ndef f():\n    print('parent', os.getppid())\n\nif __name__ == '__main__':\n    for _ in range(2):\n        p = Process(target=f)\n        p.start()\n        p.join()\n"
	for _, m := range methodsFor(t) {
		t.Run(m, func(t *testing.T) {
			tl := traced(t, src, m, nil)
			if v := sim.Check(tl); len(v) > 0 {
				t.Errorf("broken invariants: %v", v)
			}
			st := sim.Fold(tl)
			main := st.Procs[0].Pid
			var servers, children []*sim.Proc
			for _, p := range st.Procs[1:] {
				if p.Target == trace.TargetForkServer {
					servers = append(servers, p)
				} else {
					children = append(children, p)
				}
			}
			if len(servers) != forkServers(m) || len(children) != 2 {
				t.Fatalf("%d fork servers and %d children, want %d and 2\n%s", len(servers), len(children), forkServers(m), dump(tl))
			}
			parent := main
			if len(servers) == 1 {
				fs := servers[0]
				if fs.Name != "ForkServer" || fs.PPid != main || !fs.Server || fs.Status != sim.Exited || fs.ExitCode != 0 {
					t.Errorf("fork server %+v: want ForkServer, started by main (%d), serving, exited 0", fs, main)
				}
				parent = fs.Pid
			}
			for _, c := range children {
				if c.PPid != parent || len(prints(tl, fmt.Sprintf("parent %d", parent))) != 2 {
					t.Errorf("%s's parent is %d, want %d (and both children to print it)\n%s", c.Name, c.PPid, parent, dump(tl))
				}
			}
		})
	}
}

// A child's start is told when its parent called start(), whenever the
// child itself booted: what the parent does after start() (the next
// start(), a join) comes after it in the trace, under every start method
// (spawn boots a child in tens of milliseconds, after the parent's next
// lines ran).
func TestStartComesBeforeWhatFollowsIt(t *testing.T) {
	needPython(t)
	src := `from multiprocessing import Process

def task(n):
    print('child', n)

if __name__ == '__main__':
    ps = [Process(target=task, args=(i,)) for i in range(3)]
    for p in ps:
        p.start()
    print('all started')
    for p in ps:
        p.join()
`
	for _, m := range methodsFor(t) {
		t.Run(m, func(t *testing.T) {
			tl := traced(t, src, m, nil)
			var main int
			for _, r := range tl {
				if r.Kind == trace.KindProcStart && r.Proc == "MainProcess" {
					main = r.Pid
				}
			}
			started := map[string]bool{}
			var order []string
			for _, r := range tl {
				switch {
				case r.Kind == trace.KindProcStart && strings.HasPrefix(r.Proc, "Process-"):
					started[r.Proc] = true
					order = append(order, r.Proc)
				case r.Pid == main && r.Kind == trace.KindStdout && len(started) < 3:
					t.Errorf("MainProcess printed 'all started' before every start (%v):\n%s", order, dump(tl))
				case r.Pid == main && r.Kind == trace.KindProcJoin && !started[r.Obj]:
					t.Errorf("MainProcess joined %s before its start:\n%s", r.Obj, dump(tl))
				}
			}
			if strings.Join(order, " ") != "Process-1 Process-2 Process-3" {
				t.Errorf("the starts came in the order %v, not the order of the start() calls", order)
			}
		})
	}
}
