package primitives

import (
	"strconv"
	"sync"
	"time"

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

// Close is close(): no more tasks; the workers exit once the queued ones
// are done.
func (p *Pool) Close() { p.close(trace.PoolClose{}) }

func (p *Pool) close(v trace.PoolClose) {
	p.rt.awaitOp(trace.KindPoolClose, p.name)
	p.mu.Lock()
	if p.state != poolRun {
		p.mu.Unlock()
		return
	}
	p.state = poolClose
	n := 0
	for _, w := range p.workers {
		if w.IsAlive() {
			n++
		}
	}
	p.mu.Unlock()
	p.once.Do(func() { close(p.gone) })
	if v.How != "" {
		p.rt.Emit(trace.KindPoolClose, p.name, v)
	} else {
		p.rt.Emit(trace.KindPoolClose, p.name, nil)
	}
	for range n {
		p.tasks.Put(poolTask{}.encode()) // one "exit" per worker, after every task
	}
}

// Terminate is terminate(): the workers are stopped at once (SIGTERM);
// jobs not done never complete.
func (p *Pool) Terminate() {
	p.rt.awaitOp(trace.KindPoolTerminate, p.name)
	p.terminate(true)
}

func (p *Pool) terminate(events bool) {
	p.mu.Lock()
	again := p.state == poolTerminate
	p.state = poolTerminate
	workers := append([]*Process(nil), p.workers...)
	p.mu.Unlock()
	p.once.Do(func() { close(p.gone) })
	if !again {
		if events {
			p.rt.Emit(trace.KindPoolTerminate, p.name, nil)
		}
		for _, w := range workers {
			if w.IsAlive() {
				w.Terminate()
			}
		}
	}
	// A second call (the end of the main code, after a terminate that the
	// session's stop interrupted) still waits, so that nothing of the pool
	// is left running when it returns.
	for _, w := range workers {
		<-w.done
	}
	p.stopHandlerOnce()
}

// Join is join(): it waits for the workers to exit. The pool must be
// closed or terminated first, or it is Python's ValueError.
func (p *Pool) Join() error { return p.join(true) }

// join waits for the workers; event says whether it is the listing's own
// join() (an executor's shutdown joins silently).
func (p *Pool) join(event bool) error {
	p.mu.Lock()
	state := p.state
	p.mu.Unlock()
	if state == poolRun {
		e := pyErr("ValueError", "Pool is still running")
		p.rt.emitErr(trace.KindPoolJoin, p.name, nil, e.Type)
		return e
	}
	p.rt.awaitOp(trace.KindPoolJoin, p.name)
	if event {
		p.rt.Emit(trace.KindPoolJoin, p.name, nil)
	}
	for {
		p.mu.Lock()
		workers := append([]*Process(nil), p.workers...)
		p.mu.Unlock()
		for _, w := range workers {
			select {
			case <-w.done:
			case <-p.rt.stop:
				panic(ErrStopped)
			}
		}
		p.mu.Lock()
		more := len(p.workers) > len(workers)
		p.mu.Unlock()
		if !more {
			break
		}
	}
	p.stopHandlerOnce()
	return nil
}

// stopHandlerOnce ends the result handler once no worker is left to send.
func (p *Pool) stopHandlerOnce() {
	select {
	case <-p.handled:
	default:
		p.results.Put(poolResult{Job: -1}.encode())
		<-p.handled
	}
}

// terminatePools is what the end of the main code does to pools left
// running, as Python's finalizers do: terminate them. The pools stay listed,
// so that a second call (after a stop interrupted the first) finishes the
// job and Close can wait for their result handlers.
func (rt *Runtime) terminatePools() {
	for _, p := range rt.poolList() {
		select {
		case <-p.handled:
			continue // joined
		default:
		}
		p.terminate(false)
	}
}

func (rt *Runtime) poolList() []*Pool {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return append([]*Pool(nil), rt.pools...)
}

// awaitPoolHandlers waits, at most d, until every pool's result handler has
// ended: after that no callback of a pool can emit an event.
func (rt *Runtime) awaitPoolHandlers(d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	for _, p := range rt.poolList() {
		select {
		case <-p.handled:
		case <-t.C:
			return
		}
	}
}

// String names the pool as Python's repr does.
func (p *Pool) String() string {
	state := [...]string{"RUN", "CLOSE", "TERMINATE"}[p.state]
	return "<multiprocessing.pool.Pool state=" + state + " pool_size=" + strconv.Itoa(p.n) + ">"
}
