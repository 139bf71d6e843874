package primitives

import (
	"strconv"
	"sync"

	"github.com/proctour/proctour/trace"
)

// PoolOptions are Pool's arguments.
type PoolOptions struct {
	// Processes is the number of workers, at least 1 as in Python
	// (Pool(0) is ValueError). Python's default, None, is
	// os.cpu_count(): pass runtime.NumCPU().
	Processes int
	// Initializer, if set, runs in each worker as it starts, with
	// InitArgs.
	Initializer      interface{ Name() string }
	InitArgs         any
	MaxTasksPerChild int // 0: a worker lives as long as the pool
}

// The pool's states, as Python's.
const (
	poolRun = iota
	poolClose
	poolTerminate
)

// Pool is multiprocessing.Pool: worker processes (daemons) that take tasks
// from a task queue and put results on a result queue, and, in this
// process, a result handler that hands each result to its AsyncResult and
// runs its callback — one at a time, in this process. Both queues are the
// pool's machinery and, as in Python, do not show.
type Pool struct {
	rt      *Runtime
	name    string
	ctor    string // "Pool" or "ProcessPoolExecutor"
	n       int
	opts    PoolOptions
	tasks   *Queue
	results *Queue

	mu      sync.Mutex
	state   int
	workers []*Process
	jobs    map[int]*job
	nextJob int
	gone    chan struct{} // closed when the pool is closed or terminated
	handled chan struct{} // closed when the result handler has ended
	once    sync.Once
}

// NewPool is Pool(processes, initializer, initargs, maxtasksperchild): it
// starts the workers and the result handler. name labels its events.
func (rt *Runtime) NewPool(name string, o PoolOptions) (*Pool, error) {
	return rt.newPool(name, o, "Pool")
}

// newPool makes a Pool, or the pool of a ProcessPoolExecutor (ctor says
// which, for the events).
func (rt *Runtime) newPool(name string, o PoolOptions, ctor string) (*Pool, error) {
	if o.Processes < 1 {
		return nil, pyErr("ValueError", "Number of processes must be at least 1")
	}
	if o.MaxTasksPerChild < 0 {
		return nil, pyErr("ValueError", "maxtasksperchild must be a positive int or None")
	}
	p := &Pool{rt: rt, name: name, ctor: ctor, n: o.Processes, opts: o, jobs: map[int]*job{},
		gone: make(chan struct{}), handled: make(chan struct{})}
	q := rt.quiet()
	var err error
	if p.tasks, err = q.NewQueue(name+".tasks", 0); err != nil {
		return nil, err
	}
	if p.results, err = q.NewQueue(name+".results", 0); err != nil {
		return nil, err
	}
	rt.Emit(trace.KindPoolNew, name, trace.PoolNew{Ctor: ctor, MaxTasks: o.MaxTasksPerChild, Processes: p.n})
	go p.handleResults() // before the workers: Terminate below waits for it
	for range p.n {
		if err := p.startWorker(false); err != nil {
			p.Terminate()
			return nil, err
		}
	}
	if o.MaxTasksPerChild > 0 {
		go p.maintain()
	}
	rt.mu.Lock()
	rt.pools = append(rt.pools, p)
	rt.mu.Unlock()
	return p, nil
}

// Processes is the number of workers.
func (p *Pool) Processes() int { return p.n }

// Workers lists the worker processes started so far.
func (p *Pool) Workers() []*Process {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]*Process(nil), p.workers...)
}

// recoverStopped ends a pool goroutine quietly when its session stops.
func recoverStopped() {
	if r := recover(); r != nil && r != ErrStopped {
		panic(r)
	}
}

// String names the pool as Python's repr does.
func (p *Pool) String() string {
	state := [...]string{"RUN", "CLOSE", "TERMINATE"}[p.state]
	return "<multiprocessing.pool.Pool state=" + state + " pool_size=" + strconv.Itoa(p.n) + ">"
}
