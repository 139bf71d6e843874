package primitives

import (
	"time"

	"github.com/proctour/proctour/trace"
)

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
