package primitives

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/proctour/proctour/trace"
)

// handleResults is the result handler: it runs in this process, takes each
// chunk's results and completes its job, callbacks included.
func (p *Pool) handleResults() {
	defer close(p.handled)
	defer recoverStopped()
	for {
		var raw rawItem
		if err := p.results.Get(&raw); err != nil {
			return
		}
		m, err := parsePoolMsg(raw)
		if err != nil {
			p.rt.Report(err)
			return
		}
		res := poolResult{Job: m.Job, I: m.I, N: m.N, Vals: m.Args, Err: m.err}
		if res.Job < 0 {
			return
		}
		p.mu.Lock()
		j := p.jobs[res.Job]
		p.mu.Unlock()
		if j != nil {
			j.deliver(res)
		}
		p.rt.notice(OpPoolDelivered, p.name)
	}
}

// job is one submission: its items' results, its callbacks, and a channel
// closed once it is complete (callbacks run).
type job struct {
	pool    *Pool
	id      int
	items   int
	single  bool                    // apply_async: the value is the one item's result
	chunks  map[int]json.RawMessage // results by first item: JSON arrays
	missing int
	err     *Error
	cb      func(rt *Runtime, v json.RawMessage)
	errCb   func(rt *Runtime, err *Error)
	cbName  string
	errName string
	done    chan struct{}
	hookMu  sync.Mutex
	hooks   []doneHook
}

func (j *job) deliver(res poolResult) {
	if j.isDone() {
		return // a failed map ignores its later chunks
	}
	if res.Err != nil {
		j.err = res.Err
		j.finish()
		return
	}
	j.chunks[res.I] = res.Vals
	j.missing -= res.N
	if j.missing <= 0 {
		j.finish()
	}
}

func (j *job) isDone() bool {
	select {
	case <-j.done:
		return true
	default:
		return false
	}
}

// finish runs the callback (or the error callback) in this process, as
// Python's result handler thread does, then marks the job ready.
func (j *job) finish() {
	rt := j.pool.rt.ungated()
	defer func() {
		j.hookMu.Lock()
		hooks := j.hooks
		j.hooks = nil
		close(j.done)
		j.hookMu.Unlock()
		for _, h := range hooks { // a future's done callbacks: after it is done
			j.runHook(rt, h)
		}
	}()
	defer func() {
		if r := recover(); r != nil {
			if r == ErrStopped {
				panic(r)
			}
			rt.Report(fmt.Errorf("exception in callback: %v", r))
		}
	}()
	switch {
	case j.err != nil && j.errCb != nil:
		rt.Emit(trace.KindPoolCallback, j.pool.name, trace.PoolCallback{Job: j.id, Callback: j.errName, Value: errText(j.err)})
		j.errCb(rt, j.err)
	case j.err == nil && j.cb != nil:
		v := j.value()
		rt.Emit(trace.KindPoolCallback, j.pool.name, trace.PoolCallback{Job: j.id, Callback: j.cbName, Value: v})
		j.cb(rt, v)
	}
}

// doneHook is a callback run once the job is done (a future's
// add_done_callback).
type doneHook struct {
	name string
	fn   func(rt *Runtime)
}

// onDone runs h once the job is done: at once, in the caller, if it is
// already; otherwise in the result handler, after the job is marked done.
func (j *job) onDone(rt *Runtime, h doneHook) {
	j.hookMu.Lock()
	if !j.isDone() {
		j.hooks = append(j.hooks, h)
		j.hookMu.Unlock()
		return
	}
	j.hookMu.Unlock()
	j.runHook(rt, h)
}

func (j *job) runHook(rt *Runtime, h doneHook) {
	defer func() {
		if r := recover(); r != nil {
			if r == ErrStopped {
				panic(r)
			}
			rt.Report(fmt.Errorf("exception calling callback for future: %v", r))
		}
	}()
	v := j.value()
	if j.err != nil {
		v = errText(j.err)
	}
	rt.Emit(trace.KindPoolCallback, j.pool.name, trace.PoolCallback{Job: j.id, Callback: h.name, Value: v, How: "future"})
	h.fn(rt)
}

// errText is a task's exception as a payload's value: the string
// "Type: message".
func errText(e *Error) json.RawMessage {
	if e.Msg == "" {
		return encodeVal(e.Type)
	}
	return encodeVal(e.Type + ": " + e.Msg)
}

// value is the job's result: one item's, or the list of all, spliced
// from the chunks' arrays in order without decoding them.
func (j *job) value() json.RawMessage {
	if j.single {
		c := j.chunks[0]
		return c[1 : len(c)-1]
	}
	starts := make([]int, 0, len(j.chunks))
	size := 2
	for i, c := range j.chunks {
		starts = append(starts, i)
		size += len(c)
	}
	slices.Sort(starts)
	b := make([]byte, 0, size)
	b = append(b, '[')
	for k, i := range starts {
		c := j.chunks[i]
		if k > 0 && len(c) > 2 {
			b = append(b, ',')
		}
		b = append(b, c[1:len(c)-1]...)
	}
	return append(b, ']')
}
