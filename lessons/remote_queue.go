package lessons

import (
	"crypto/rand"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

var remoteQueueListing = NewListing(`
JOBS = {jobs}
MACHINES = {machines}
AUTHKEY = {authkey}
LISTEN = {listen}

import secrets, time
from multiprocessing import Process
from multiprocessing.managers import BaseManager
from queue import Queue

jobs, results = Queue(), Queue()  # used in the server process
def get_jobs(): return jobs
def get_results(): return results

class QueueManager(BaseManager):
    pass

QueueManager.register('get_jobs', callable=get_jobs)
QueueManager.register('get_results', callable=get_results)

def machine(address, key):       # stands for another computer
    if AUTHKEY == 'wrong':
        key = b'guess'
    m = QueueManager(address=address, authkey=key)
    m.connect()                  # TCP, then the HMAC challenge   #@connect
    jobs, results = m.get_jobs(), m.get_results()                #@lookup
    while True:
        n = jobs.get()           # one round trip to the server   #@get
        if n is None:
            break
        time.sleep(0.5)          # the work                       #@work
        results.put((n, n * n))                                   #@result

if __name__ == '__main__':
    host, key = '127.0.0.1', b'proctour'
    if LISTEN == 'network':      # every interface: a key made for this run
        host, key = '0.0.0.0', secrets.token_hex(5).encode()
    m = QueueManager(address=(host, 0), authkey=key)
    m.start()                    # the server process listens on TCP  #@serve
    for n in range(JOBS):
        m.get_jobs().put(n)                                       #@put
    machines = [Process(target=machine, args=(m.address, key))
                for _ in range(MACHINES)]
    for p in machines:
        p.start()                                                 #@start
    for _ in machines:
        m.get_jobs().put(None)   # one sentinel per machine       #@sentinel
    for p in machines:
        p.join()                                                  #@join
    done = m.get_results().qsize()                                #@count
    print(done, 'of', JOBS, 'jobs done')                          #@done
    m.shutdown()                                                  #@shutdown
`)

// RemoteQueue is lesson 17's manager served over TCP: the main script
// serves two queues from a manager listening on a TCP port of the
// loopback address with an authkey, and MACHINES processes, standing for
// other computers, connect to it by address (not by inheriting a proxy),
// take jobs and put results. With authkey=wrong their connection is
// refused by the HMAC challenge: the server says so, each machine raises
// AuthenticationError, and no job is done. `proctour serve-queue` runs
// the same main script on a chosen address, with machines of other
// computers joining by `proctour worker`.
var RemoteQueue = register(&Scenario{
	ID:        "remote-queue",
	Lesson:    17,
	Summary:   "a manager served over TCP with an authkey; processes standing for other machines connect by address and take jobs; authkey=wrong is refused",
	SummaryZh: "一个通过 TCP 提供服务、带 authkey 的管理器；代表其他机器的进程按地址连上来领任务；authkey=wrong 会被拒绝",
	Listing:   remoteQueueListing,
	ListingZh: map[string]string{
		"every interface: a key made for this run": "所有接口：用为这次运行生成的密钥",
		"stands for another computer":              "代表另一台电脑",
		"used in the server process":               "在服务进程里用",
		"TCP, then the HMAC challenge":             "先建 TCP 连接，再做 HMAC 质询",
		"one round trip to the server":             "到服务器的一次往返",
		"the work":                                 "干活",
		"the server process listens on TCP":        "服务进程在 TCP 上监听",
		"one sentinel per machine":                 "每台机器一个哨兵",
	},
	Variants: []Variant{
		{Key: "jobs", Default: "6", Min: 0, Max: 40, Help: "how many jobs the server holds", HelpZh: "服务器上有多少个任务"},
		{Key: "machines", Default: "2", Min: 0, Max: 8, Help: "how many processes connect as other machines (0: only proctour worker's)", HelpZh: "多少个进程作为其他机器连上来（0：只等 proctour worker）"},
		{Key: "authkey", Default: "right", Values: []string{"right", "wrong"}, Help: "the machines' authkey: the server's, or a wrong one", HelpZh: "各机器用的 authkey：与服务器相同，或者错的"},
		{Key: "listen", Default: "loopback", Values: []string{"loopback", "network"}, Help: "where the server listens: this computer only, or every network interface (machines=0: proctour worker from other computers)", HelpZh: "服务器在哪里监听：只在本机，或所有网络接口（machines=0：让其他电脑上的 proctour worker 连进来）"},
	},
	// machines=0: the server waits for proctour worker for as long as it
	// takes (q or r ends it), as serve-queue does.
	Serves: func(v Vars) bool { return v.Int("machines") == 0 },
	Budget: 30 * time.Second,
	Measures: map[string]func([]trace.Record) (int, bool){
		// the results the main script counted at the end: "N of JOBS jobs done"
		"jobs_done": func(events []trace.Record) (int, bool) {
			for _, e := range events {
				text, _ := printed(e)
				var n, of int
				if _, err := fmt.Sscanf(text, "%d of %d jobs done", &n, &of); err == nil {
					return n, true
				}
			}
			return 0, false
		},
	},
	Main: remoteQueueMain,
})

// remoteAuthkey is the demo's authkey (Python's b'proctour').
const remoteAuthkey = "proctour"

// runKey is an authkey for one run served on the network: ten letters
// and digits from the system's random source (50 bits), short
// enough to type on a student's machine.
func runKey() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyz23456789" // no l, o, 0, 1
	b := make([]byte, 10)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// ServeQueueConfig is what `proctour serve-queue` changes in the demo: the
// address to listen on (instead of a free port of the loopback), the
// authkey, and how long to wait for every remote machine to take its
// sentinel and go.
type ServeQueueConfig struct {
	Addr    string
	Authkey string
	// Secret keeps the authkey out of the trace (a key of the user's own,
	// given to serve-queue): the join command in manager.listen reads
	// "--authkey …". A key proctour made for one run is written, so that
	// the demo view can show how to join.
	Secret bool
	// Hold keeps the server up this long after the last result, for
	// workers that connect late to find the sentinels.
	Hold time.Duration
}

var (
	serveQueueMu  sync.Mutex
	serveQueueCfg *ServeQueueConfig
)

// SetServeQueue makes the next runs of remote-queue serve on cfg's
// address with its authkey (nil: the demo's own loopback port).
func SetServeQueue(cfg *ServeQueueConfig) {
	serveQueueMu.Lock()
	serveQueueCfg = cfg
	serveQueueMu.Unlock()
}

func serveQueue(v Vars) ServeQueueConfig {
	serveQueueMu.Lock()
	defer serveQueueMu.Unlock()
	if serveQueueCfg == nil {
		if v["listen"] == "network" {
			// Every computer of the network can reach it: not with the
			// key every reader of the lesson knows, but one made for
			// this run and shown on the screen.
			return ServeQueueConfig{Addr: "0.0.0.0:0", Authkey: runKey(), Hold: 10 * time.Second}
		}
		return ServeQueueConfig{Addr: "127.0.0.1:0", Authkey: remoteAuthkey, Hold: 10 * time.Second}
	}
	return *serveQueueCfg
}

type remoteMachineArgs struct {
	Address string
	Authkey string
}

var remoteMachine = primitives.Register("remote-queue.machine", func(rt *primitives.Runtime, a remoteMachineArgs) error {
	return RemoteWork(rt, a.Address, []byte(a.Authkey), nil)
})

// RemoteWork is the listing's machine(): connect to the manager at addr,
// take jobs until a None, put each job's square into results. It is what
// a demo's machine processes run, and `proctour worker` on another
// computer. done, if set, is told each job done.
func RemoteWork(rt *primitives.Runtime, addr string, authkey []byte, done func(n int)) error {
	at := remoteQueueListing.At
	rt.Line(at("connect"))
	m, err := rt.ConnectManager(addr, authkey)
	if err != nil {
		return err
	}
	defer m.Shutdown()
	rt.Line(at("lookup"))
	jobs, err := m.Lookup("jobs")
	if err != nil {
		return err
	}
	results, err := m.Lookup("results")
	if err != nil {
		return err
	}
	for {
		rt.Line(at("get"))
		var n *int
		if err := jobs.Take(&n); err != nil {
			return err
		}
		if n == nil {
			return nil
		}
		rt.Line(at("work"))
		rt.Sleep(0.5)
		rt.Line(at("result"))
		if err := results.Put([]int{*n, *n * *n}); err != nil {
			return err
		}
		if done != nil {
			done(*n)
		}
	}
}

func remoteQueueMain(rt *primitives.Runtime, v Vars) error {
	at := remoteQueueListing.At
	cfg := serveQueue(v)
	n, machines := v.Int("jobs"), v.Int("machines")
	rt.Line(at("serve"))
	m, err := rt.NewManagerAt(cfg.Addr, []byte(cfg.Authkey))
	if err != nil {
		return err
	}
	defer m.Shutdown()
	jobs, err := m.Queue("jobs", 0)
	if err != nil {
		return err
	}
	results, err := m.Queue("results", 0)
	if err != nil {
		return err
	}
	rt.Line(at("put"))
	for i := range n {
		if err := jobs.Put(i); err != nil {
			return err
		}
	}
	key := cfg.Authkey
	if v["authkey"] == "wrong" {
		key = "guess"
	}
	procs := make([]*primitives.Process, machines)
	for i := range procs {
		procs[i] = primitives.NewProcess(rt, remoteMachine, remoteMachineArgs{Address: m.Address(), Authkey: key})
		procs[i].Name = fmt.Sprintf("machine-%d", i+1)
	}
	rt.Line(at("start"))
	for _, p := range procs {
		if err := p.Start(); err != nil {
			return err
		}
	}
	if machines == 0 {
		// serve-queue: machines of other computers join by proctour
		// worker; wait for every job's result, then let them go.
		rt.Print("listening on " + m.Address())
		shown := cfg.Authkey
		if cfg.Secret {
			shown = "…"
		}
		rt.Emit(trace.KindManagerListen, "", trace.Listen{Addr: m.Address(), Join: fmt.Sprintf("proctour worker --connect %s --authkey %s", joinAddress(m.Address()), shown)})
		rt.Line(at("count"))
		got := 0
		for got < n {
			var r []int
			if err := results.Take(&r); err != nil {
				return err
			}
			got++
			if len(r) == 2 {
				rt.Print(fmt.Sprintf("result %d of %d: job %d → %d", got, n, r[0], r[1]))
			}
		}
		rt.Line(at("sentinel"))
		return remoteRelease(rt, m, jobs, n, cfg.Hold)
	}
	rt.Line(at("sentinel"))
	for range procs {
		if err := jobs.Put(nil); err != nil {
			return err
		}
	}
	rt.Line(at("join"))
	for _, p := range procs {
		p.Join()
	}
	rt.Line(at("count"))
	var done int
	if err := results.Call("qsize", &done); err != nil {
		return err
	}
	rt.Line(at("done"))
	rt.Print(fmt.Sprintf("%d of %d jobs done", done, n))
	rt.Line(at("shutdown"))
	return nil
}

// remoteRelease puts a sentinel for each remote machine joined now, and
// waits (up to hold) until they have all gone, so that their exits reach
// the trace before the server's end.
func remoteRelease(rt *primitives.Runtime, m *primitives.Manager, jobs *primitives.Proxy, n int, hold time.Duration) error {
	deadline := time.Now().Add(hold)
	sent := 0
	for {
		open, err := m.Remotes()
		if err != nil {
			return err
		}
		for ; sent < open; sent++ {
			if err := jobs.Put(nil); err != nil {
				return err
			}
		}
		if open == 0 || time.Now().After(deadline) {
			if open > 0 {
				rt.Print(fmt.Sprintf("%d machines still joined: the server goes down without them", open))
			}
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Hostname is this machine's name for a worker's lanes.
func Hostname() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "unknown"
	}
	return h
}

// joinAddress is the address a worker on another machine connects to: a
// server listening on every interface (0.0.0.0 or ::) is reached at this
// machine's first address on a network, not at its wildcard.
func joinAddress(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil || !net.ParseIP(host).IsUnspecified() {
		return listen
	}
	addrs, err := net.InterfaceAddrs()
	if err == nil {
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() && !n.IP.IsLinkLocalUnicast() {
				return net.JoinHostPort(n.IP.String(), port)
			}
		}
	}
	return net.JoinHostPort(Hostname(), port)
}
