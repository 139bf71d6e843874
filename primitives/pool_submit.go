package primitives

import (
	"encoding/json"
	"time"

	"github.com/proctour/proctour/trace"
)

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
