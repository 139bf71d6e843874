package primitives

import (
	"encoding/json"
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

// Callbacks are apply_async's and map_async's callback and error_callback,
// with the names the events show them by.
type Callbacks[R any] struct {
	Callback          func(rt *Runtime, v R)
	CallbackName      string
	ErrorCallback     func(rt *Runtime, err error)
	ErrorCallbackName string
}

// chunk is a run of a job's items: their arguments as a JSON array.
type chunk struct {
	args json.RawMessage
	n    int
}

// submit queues a job of items in chunks. arg is a single item's argument,
// for the event.
func submit[R any](p *Pool, fn string, chunks []chunk, single bool, arg json.RawMessage, cbs Callbacks[R], how string) (*AsyncResult[R], error) {
	rt := p.rt
	rt.awaitOp(trace.KindPoolSubmit, p.name)
	items := 0
	for _, c := range chunks {
		items += c.n
	}
	p.mu.Lock()
	if p.state != poolRun {
		p.mu.Unlock()
		e := pyErr("ValueError", "Pool not running")
		rt.emitErr(trace.KindPoolSubmit, p.name, nil, e.Type)
		return nil, e
	}
	p.nextJob++
	j := &job{pool: p, id: p.nextJob, items: items, single: single, chunks: map[int]json.RawMessage{},
		missing: items, done: make(chan struct{}), cbName: cbs.CallbackName, errName: cbs.ErrorCallbackName}
	if cbs.Callback != nil {
		j.cb = func(rt *Runtime, raw json.RawMessage) {
			var v R
			json.Unmarshal(raw, &v)
			cbs.Callback(rt, v)
		}
	}
	if cbs.ErrorCallback != nil {
		j.errCb = func(rt *Runtime, e *Error) { cbs.ErrorCallback(rt, e) }
	}
	p.jobs[j.id] = j
	p.mu.Unlock()
	if rt.trace != nil {
		rt.Emit(trace.KindPoolSubmit, p.name, trace.PoolSubmit{Job: j.id, Func: fn, Items: items, Chunks: len(chunks), How: how, Args: arg})
	}
	if items == 0 {
		j.finish()
	}
	i := 0
	for _, c := range chunks {
		t := poolTask{Job: j.id, I: i, N: c.n, Func: fn, Args: c.args}
		if err := p.tasks.Put(t.encode()); err != nil {
			return nil, err
		}
		i += c.n
	}
	return &AsyncResult[R]{j: j}, nil
}

// chunksOf encodes items in chunks of chunksize, each in one go.
func chunksOf[A any](items []A, chunksize int) ([]chunk, error) {
	var out []chunk
	for i := 0; i < len(items); i += chunksize {
		part := items[i:min(i+chunksize, len(items))]
		b, err := encodeList(part)
		if err != nil {
			return nil, pyErr("TypeError", "cannot send to a worker: %v", err)
		}
		out = append(out, chunk{args: b, n: len(part)})
	}
	return out, nil
}

// oneItem is a chunk of one argument, and the argument.
func oneItem(arg any) ([]chunk, json.RawMessage, error) {
	b, err := json.Marshal(arg)
	if err != nil {
		return nil, nil, pyErr("TypeError", "cannot send %T to a worker: %v", arg, err)
	}
	return []chunk{{args: append(append(json.RawMessage("["), b...), ']'), n: 1}}, b, nil
}

// ApplyAsync is pool.apply_async(func, (args,), callback=…,
// error_callback=…).
func ApplyAsync[A, R any](p *Pool, t Task[A, R], args A, cbs Callbacks[R]) (*AsyncResult[R], error) {
	return applyAsync(p, t, args, cbs, "apply_async")
}

func applyAsync[A, R any](p *Pool, t Task[A, R], args A, cbs Callbacks[R], how string) (*AsyncResult[R], error) {
	chunks, arg, err := oneItem(args)
	if err != nil {
		return nil, err
	}
	return submit(p, t.name, chunks, true, arg, cbs, how)
}

// Apply is pool.apply(func, (args,)): it waits for the result, as
// apply_async(...).get() does.
func Apply[A, R any](p *Pool, t Task[A, R], args A) (R, error) {
	r, err := applyAsync(p, t, args, Callbacks[R]{}, "apply")
	if err != nil {
		var zero R
		return zero, err
	}
	r.how = "apply"
	return r.Get()
}

// MapAsync is pool.map_async(func, items, chunksize); chunksize 0 is
// Python's default, len(items) / (4 × processes), rounded up.
func MapAsync[A, R any](p *Pool, t Task[A, R], items []A, chunksize int, cbs Callbacks[[]R]) (*AsyncResult[[]R], error) {
	if chunksize <= 0 {
		chunksize = DefaultChunksize(len(items), p.n)
	}
	chunks, err := chunksOf(items, chunksize)
	if err != nil {
		return nil, err
	}
	return submit(p, t.name, chunks, false, nil, cbs, "map_async")
}

// Map is pool.map(func, items, chunksize): the results in the items' order.
func Map[A, R any](p *Pool, t Task[A, R], items []A, chunksize int) ([]R, error) {
	r, err := MapAsync(p, t, items, chunksize, Callbacks[[]R]{})
	if err != nil {
		return nil, err
	}
	return r.Get()
}

// DefaultChunksize is Python's: divmod(len(items), 4 × processes), plus one
// if there is a remainder.
func DefaultChunksize(items, processes int) int {
	c, extra := items/(4*processes), items%(4*processes)
	if extra > 0 {
		c++
	}
	return max(c, 1)
}

// AsyncResult is apply_async's and map_async's result.
type AsyncResult[R any] struct {
	j   *job
	rt  *Runtime // who waits on it: the pool's process, or a callback's view of it
	how string   // what get() is called in the listing: "get" or "result"
}

// runtime is who waits: the pool's runtime unless a callback's.
func (r *AsyncResult[R]) runtime() *Runtime {
	if r.rt != nil {
		return r.rt
	}
	return r.j.pool.rt
}

// Job is the result's job number in events.
func (r *AsyncResult[R]) Job() int { return r.j.id }

// Ready is ready(): whether the job is complete.
func (r *AsyncResult[R]) Ready() bool { return r.j.isDone() }

// Successful is successful(): whether the job completed without raising;
// Python's ValueError if it is not ready yet.
func (r *AsyncResult[R]) Successful() (bool, error) {
	if !r.Ready() {
		return false, pyErr("ValueError", "%d not ready", r.j.id)
	}
	return r.j.err == nil, nil
}

// Wait is wait(timeout) in listing seconds (negative: no limit).
func (r *AsyncResult[R]) Wait(seconds float64) {
	r.wait(seconds)
}

// Get is get(): it waits for the job and returns its value, or the
// exception its task raised.
func (r *AsyncResult[R]) Get() (R, error) { return r.GetTimeout(-1) }

// GetTimeout is get(timeout) in listing seconds; a job not ready by then is
// Python's multiprocessing.TimeoutError.
func (r *AsyncResult[R]) GetTimeout(seconds float64) (R, error) {
	var v R
	p, rt := r.j.pool, r.runtime()
	rt.await(trace.KindPoolGet, p.name, IntentVal{Timeout: seconds >= 0, Job: r.j.id})
	if !r.wait(seconds) {
		e := pyErr("multiprocessing.TimeoutError", "")
		rt.emitErr(trace.KindPoolGet, p.name, trace.PoolGet{Job: r.j.id, How: r.how}, e.Type)
		return v, e
	}
	if r.j.err != nil {
		rt.emitErr(trace.KindPoolGet, p.name, trace.PoolGet{Job: r.j.id, Value: errText(r.j.err), How: r.how}, r.j.err.Type)
		return v, r.j.err
	}
	raw := r.j.value()
	rt.Emit(trace.KindPoolGet, p.name, trace.PoolGet{Job: r.j.id, Value: raw, How: r.how})
	return v, decodeInto(raw, &v)
}

// wait waits for the job, in a main script unwinding when the session
// stops; it reports whether the job is done.
func (r *AsyncResult[R]) wait(seconds float64) bool {
	var timeout <-chan time.Time
	if seconds >= 0 {
		t := time.NewTimer(r.j.pool.rt.Real(seconds))
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-r.j.done:
		return true
	case <-timeout:
		return false
	case <-r.runtime().stop:
		panic(ErrStopped)
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
