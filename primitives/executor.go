package primitives

import "github.com/proctour/proctour/trace"

// Executor is concurrent.futures.ProcessPoolExecutor, built on a Pool:
// Submit returns a Future, Map keeps the items' order, Shutdown ends it.
// Its events are the pool's, with the executor's name.
type Executor struct {
	pool *Pool
}

// NewExecutor is ProcessPoolExecutor(max_workers): at least 1, as in Python.
// Python's default, None, is os.cpu_count(): pass runtime.NumCPU().
func (rt *Runtime) NewExecutor(name string, maxWorkers int) (*Executor, error) {
	if maxWorkers <= 0 {
		return nil, pyErr("ValueError", "max_workers must be greater than 0")
	}
	p, err := rt.newPool(name, PoolOptions{Processes: maxWorkers}, "ProcessPoolExecutor")
	if err != nil {
		return nil, err
	}
	return &Executor{pool: p}, nil
}

// Pool is the pool underneath.
func (e *Executor) Pool() *Pool { return e.pool }

// Future is a submitted call's future.
type Future[R any] struct {
	r *AsyncResult[R]
}

// Submit is executor.submit(fn, arg).
func Submit[A, R any](e *Executor, t Task[A, R], arg A) (*Future[R], error) {
	chunks, raw, err := oneItem(arg)
	if err != nil {
		return nil, err
	}
	r, err := submit(e.pool, t.name, chunks, true, raw, Callbacks[R]{}, "submit")
	if r != nil {
		r.how = "result"
	}
	if pe, ok := err.(*Error); ok && pe.Msg == "Pool not running" {
		return nil, pyErr("RuntimeError", "cannot schedule new futures after shutdown")
	}
	if err != nil {
		return nil, err
	}
	return &Future[R]{r: r}, nil
}

// Job is the future's job number in events.
func (f *Future[R]) Job() int { return f.r.j.id }

// Done is done(): whether the call has finished (or failed).
func (f *Future[R]) Done() bool { return f.r.Ready() }

// Result is result(): it waits and returns the value or the exception.
func (f *Future[R]) Result() (R, error) { return f.r.GetTimeout(-1) }

// ResultTimeout is result(timeout) in listing seconds; not done by then is
// Python's TimeoutError.
func (f *Future[R]) ResultTimeout(seconds float64) (R, error) {
	v, err := f.r.GetTimeout(seconds)
	if pe, ok := err.(*Error); ok && pe.Type == "multiprocessing.TimeoutError" {
		pe.Type = "TimeoutError"
	}
	return v, err
}

// Exception is exception(): it waits and returns the call's exception, or
// nil.
func (f *Future[R]) Exception() error {
	f.r.wait(-1)
	if f.r.j.err != nil {
		return f.r.j.err
	}
	return nil
}

// AddDoneCallback is add_done_callback(fn): fn runs once the future is done
// — at once, here, if it already is; otherwise in this process's result
// handler. name is what the events call it.
func (f *Future[R]) AddDoneCallback(name string, fn func(rt *Runtime, f *Future[R])) {
	j := f.r.j
	j.onDone(j.pool.rt, doneHook{name: name, fn: func(rt *Runtime) {
		// The callback's own view of the future: its result() waits (it
		// does not: the future is done) in the callback's runtime.
		fn(rt, &Future[R]{r: &AsyncResult[R]{j: j, rt: rt, how: "result"}})
	}})
}

// ExecutorMap is executor.map(fn, items): the results in the items' order.
func ExecutorMap[A, R any](e *Executor, t Task[A, R], items []A) ([]R, error) {
	chunks, err := chunksOf(items, 1) // executor.map's chunksize is 1
	if err != nil {
		return nil, err
	}
	r, err := submit(e.pool, t.name, chunks, false, nil, Callbacks[[]R]{}, "map")
	if err != nil {
		return nil, err
	}
	return r.Get()
}

// Shutdown is shutdown(wait): no more submissions; with wait, it returns
// once every pending call is done and the workers have exited.
func (e *Executor) Shutdown(wait bool) error {
	e.pool.close(trace.PoolClose{How: "shutdown", Wait: wait})
	if !wait {
		return nil
	}
	return e.pool.join(false)
}
