package primitives

import (
	"encoding/json"
	"errors"
	"sync"

	"github.com/proctour/proctour/trace"
)

type workerArgs struct {
	Pool           string
	Tasks, Results *Queue
	Init           string
	InitArgs       initArgs
	MaxTasks       int
}

// initArgs are the initializer's arguments: encoded as each worker starts,
// so that they may hold descriptors (a File) for the worker to inherit.
type initArgs struct {
	v   any
	raw json.RawMessage
}

func (a initArgs) MarshalJSON() ([]byte, error) {
	if a.raw != nil {
		return a.raw, nil
	}
	return json.Marshal(a.v)
}

func (a *initArgs) UnmarshalJSON(b []byte) error {
	a.raw = append(json.RawMessage(nil), b...)
	return nil
}

// poolWorker is a worker's target: take a chunk, run its items, put the
// results, until told to exit or MaxTasks chunks are done.
var poolWorker = Register(trace.TargetPoolWorker, func(rt *Runtime, a workerArgs) error {
	rt.Emit(trace.KindPoolWorker, a.Pool, nil)
	if a.Init != "" {
		arg := a.InitArgs.raw
		if len(arg) == 0 {
			arg = json.RawMessage("null")
		}
		if _, err := runTask(rt, a.Init, append(append(json.RawMessage("["), arg...), ']'), nil); err != nil {
			return err
		}
	}
	for done := 0; a.MaxTasks == 0 || done < a.MaxTasks; done++ {
		rt.await(trace.KindPoolTaskStart, a.Pool, IntentVal{})
		var raw rawItem
		if err := a.Tasks.Get(&raw); err != nil {
			return err
		}
		t, err := parsePoolMsg(raw)
		if err != nil {
			return err
		}
		if t.Func == "" {
			return nil
		}
		res := poolResult{Job: t.Job, I: t.I}
		rt.Line(0) // the task sets its own lines; its start has none
		var each *itemEvents
		if rt.trace != nil {
			each = &itemEvents{
				start: func(k int, arg json.RawMessage) {
					rt.Emit(trace.KindPoolTaskStart, a.Pool, trace.PoolTask{Job: t.Job, I: t.I + k, Func: t.Func, Args: arg, Take: k == 0})
				},
				done: func(k int, result json.RawMessage, e *Error) {
					if e != nil {
						rt.emitErr(trace.KindPoolTaskDone, a.Pool, trace.PoolTask{Job: t.Job, I: t.I + k, Func: t.Func, Msg: e.Msg}, e.Type)
						return
					}
					rt.Emit(trace.KindPoolTaskDone, a.Pool, trace.PoolTask{Job: t.Job, I: t.I + k, Func: t.Func, Result: result})
				},
			}
		}
		vals, err := runTask(rt, t.Func, t.Args, each)
		if err != nil {
			res.Err = asPyErr(err)
		} else {
			res.Vals, res.N = vals, t.N
		}
		if err := a.Results.Put(res.encode()); err != nil {
			return err
		}
		// After the put, so that a worker killed before it owes nothing;
		// the handler's notice may come first, while this worker is still
		// away from the gate: either way nothing moves until both are in.
		rt.notice(OpPoolHandoff, a.Pool)
	}
	return nil
})

func (p *Pool) startWorker(replacement bool) error {
	init := ""
	if p.opts.Initializer != nil {
		init = p.opts.Initializer.Name()
	}
	w := NewProcess(p.rt, poolWorker, workerArgs{Pool: p.name, Tasks: p.tasks, Results: p.results,
		Init: init, InitArgs: initArgs{v: p.opts.InitArgs}, MaxTasks: p.opts.MaxTasksPerChild})
	w.Name = "SpawnPoolWorker-" + w.identity
	if p.ctor == "ProcessPoolExecutor" {
		w.Name = "SpawnProcess-" + w.identity // as Python names an executor's workers
	}
	w.Daemon = true
	w.ungated = replacement
	// Under mu, so that close() counts every worker that will take a task.
	p.mu.Lock()
	defer p.mu.Unlock()
	if replacement && p.state != poolRun {
		return errors.New("pool closed")
	}
	if err := w.Start(); err != nil {
		return err
	}
	p.workers = append(p.workers, w)
	return nil
}

// maintain replaces workers that exit after maxtasksperchild tasks, as
// long as the pool runs.
func (p *Pool) maintain() {
	defer recoverStopped()
	for {
		p.mu.Lock()
		var alive []*Process
		for _, w := range p.workers {
			if w.IsAlive() {
				alive = append(alive, w)
			}
		}
		missing := p.n - len(alive)
		running := p.state == poolRun
		p.mu.Unlock()
		if !running {
			return
		}
		if missing > 0 {
			for range missing {
				if p.startWorker(true) != nil {
					return
				}
			}
			continue // wait for the new ones too
		}
		cases := make([]<-chan struct{}, 0, len(alive)+1)
		for _, w := range alive {
			cases = append(cases, w.done)
		}
		waitAny(cases, p.gone)
	}
}

// waitAny waits until one of chs, or stop, is closed.
func waitAny(chs []<-chan struct{}, stop <-chan struct{}) {
	done := make(chan struct{})
	var once sync.Once
	for _, c := range chs {
		go func() {
			select {
			case <-c:
				once.Do(func() { close(done) })
			case <-done:
			}
		}()
	}
	select {
	case <-done:
	case <-stop:
		once.Do(func() { close(done) })
	}
}
