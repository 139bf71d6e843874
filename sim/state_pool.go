package sim

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/proctour/proctour/i18n"
	"github.com/proctour/proctour/trace"
)

// PoolState is a process pool: its workers and what each runs, the chunks
// of work queued, and its jobs.
type PoolState struct {
	Name       string
	Executor   bool // a ProcessPoolExecutor's pool: its jobs are futures
	Processes  int
	MaxTasks   int
	Workers    []int             // pids, in order of joining
	Running    map[int]*PoolItem // what each busy worker runs
	Queued     int               // chunks submitted and not yet taken
	Closed     bool
	Terminated bool
	Jobs       []*PoolJob
}

// PoolItem is one item of a job, run by a worker.
type PoolItem struct {
	Job, I int
	Func   string
	Args   json.RawMessage
}

// PoolJob is one submission: apply_async (one item) or map_async (many).
type PoolJob struct {
	ID        int
	Func      string
	How       string
	Args      json.RawMessage // apply_async's argument
	Items     int
	Started   int
	Done      int
	Failed    string // the exception, once an item raised
	Callbacks int
	Callback  string // the last callback's name
	Got       bool
	Value     json.RawMessage // the value get() returned
	Delivered int             // imap's items the iterator has handed out
}

// Ready reports whether the job is complete: every item done, or one failed.
func (j *PoolJob) Ready() bool { return j.Done >= j.Items || j.Failed != "" }

// FindPool finds a pool by name.
func (s *State) FindPool(name string) *PoolState {
	for _, p := range s.Pools {
		if p.Name == name {
			return p
		}
	}
	return nil
}

func (p *PoolState) job(id int) *PoolJob {
	for _, j := range p.Jobs {
		if j.ID == id {
			return j
		}
	}
	return nil
}

// applyPool folds a pool event of process pr.
func (s *State) applyPool(pr *Proc, e trace.Record) {
	if e.Kind == trace.KindPoolNew {
		v := payload[trace.PoolNew](e)
		s.Pools = append(s.Pools, &PoolState{Name: e.Obj, Executor: v.Ctor == "ProcessPoolExecutor", Processes: v.Processes, MaxTasks: v.MaxTasks, Running: map[int]*PoolItem{}})
		return
	}
	p := s.FindPool(e.Obj)
	if p == nil {
		return
	}
	switch e.Kind {
	case trace.KindPoolWorker:
		p.Workers = append(p.Workers, pr.Pid)
	case trace.KindPoolSubmit:
		if e.Err != "" {
			return
		}
		v := payload[trace.PoolSubmit](e)
		p.Jobs = append(p.Jobs, &PoolJob{ID: v.Job, Func: v.Func, How: v.How, Args: v.Args, Items: v.Items})
		p.Queued += v.Chunks
	case trace.KindPoolTaskStart:
		v := payload[trace.PoolTask](e)
		if v.Take {
			p.Queued--
			if p.Queued < 0 {
				s.violate(e, "%s took a task from %s, which had none queued", pr.Name, p.Name)
				p.Queued = 0
			}
		}
		p.Running[pr.Pid] = &PoolItem{Job: v.Job, I: v.I, Func: v.Func, Args: v.Args}
		if j := p.job(v.Job); j != nil {
			j.Started++
		}
	case trace.KindPoolTaskDone:
		delete(p.Running, pr.Pid)
		v := payload[trace.PoolTask](e)
		j := p.job(v.Job)
		if j == nil {
			s.violate(e, "%s finished a task of job %d, which was never submitted", pr.Name, v.Job)
			return
		}
		if e.Err != "" {
			j.Failed = e.Err
		} else {
			j.Done++
			if j.Items == 1 {
				j.Value = v.Result
			}
		}
	case trace.KindPoolCallback:
		v := payload[trace.PoolCallback](e)
		if j := p.job(v.Job); j != nil {
			j.Callbacks++
			j.Callback = v.Callback
		}
	case trace.KindPoolGet:
		v := payload[trace.PoolGet](e)
		if j := p.job(v.Job); j != nil && v.Item != nil {
			s.poolDeliver(e, j, v)
		} else if j != nil && e.Err != "multiprocessing.TimeoutError" {
			j.Got, j.Value = true, v.Value
			if !j.Ready() {
				s.violate(e, "get() of job %d returned before its tasks were done", j.ID)
			}
		}
	case trace.KindPoolClose:
		p.Closed = true
	case trace.KindPoolTerminate:
		p.Closed, p.Terminated = true, true
	}
}

// poolDeliver folds one item of an imap handed out by its iterator: no
// more items are handed out than were done (or failed).
func (s *State) poolDeliver(e trace.Record, j *PoolJob, v trace.PoolGet) {
	j.Delivered++
	if j.Delivered > j.Done && j.Failed == "" && e.Err == "" {
		s.violate(e, "%s of job %d handed out %d items, %d of which were done", v.How, j.ID, j.Delivered, j.Done)
	}
	if j.Delivered >= j.Items {
		j.Got = true
	}
	j.Value = v.Value
}

// poolExit forgets what an exited worker was running.
func (s *State) poolExit(pid int) {
	for _, p := range s.Pools {
		delete(p.Running, pid)
	}
}

// poolBlocked says why a pool operation would wait now, or nothing.
func (s *State) poolBlocked(op, obj string, job int) i18n.T {
	p := s.FindPool(obj)
	if p == nil {
		return i18n.T{}
	}
	switch op {
	case trace.KindPoolTaskStart: // a worker about to take a task
		if p.Queued == 0 && !p.Closed {
			return i18n.Tf("%s, no task queued", obj)
		}
	case trace.KindPoolGet:
		if j := p.job(job); j != nil && !j.Ready() {
			return i18n.Tf("job %d of %s, %d of %d done", j.ID, obj, j.Done, j.Items)
		}
	case trace.KindPoolJoin:
		for _, pr := range s.Procs {
			if pr.Target == trace.TargetPoolWorker && pr.Status != Exited {
				return i18n.Tf("%s, %s still running", obj, pr.Name)
			}
		}
	}
	return i18n.T{}
}

// describePool says a pool event in Python terms.
func describePool(r trace.Record) i18n.T {
	code := i18n.Code
	switch r.Kind {
	case trace.KindPoolNew:
		v := payload[trace.PoolNew](r)
		if v.Ctor == "ProcessPoolExecutor" {
			return code(fmt.Sprintf("%s = ProcessPoolExecutor(max_workers=%d)", r.Obj, v.Processes))
		}
		args := strconv.Itoa(v.Processes)
		if v.MaxTasks > 0 {
			args = "processes=" + args + ", maxtasksperchild=" + strconv.Itoa(v.MaxTasks)
		}
		return code(r.Obj + " = Pool(" + args + ")")
	case trace.KindPoolWorker:
		return i18n.Tf("a worker of %s, waiting for tasks", r.Obj)
	case trace.KindPoolSubmit:
		return poolSubmitText(r.Obj, payload[trace.PoolSubmit](r))
	case trace.KindPoolTaskStart:
		v := payload[trace.PoolTask](r)
		return i18n.Tf("%s  # job %d, item %d", fmt.Sprintf("%s(%s)", funcName(v.Func), valText(v.Args)), v.Job, v.I)
	case trace.KindPoolTaskDone:
		v := payload[trace.PoolTask](r)
		if r.Err != "" {
			return i18n.Tf("%s raised %s: %s  # job %d, item %d", funcName(v.Func), r.Err, v.Msg, v.Job, v.I)
		}
		return i18n.Tf("%s  # job %d, item %d", funcName(v.Func)+" → "+valText(v.Result), v.Job, v.I)
	case trace.KindPoolCallback:
		v := payload[trace.PoolCallback](r)
		if v.How == "future" {
			return i18n.Tf("%s  # done callback of job %d → %s, in the main process", v.Callback+"(future)", v.Job, valText(v.Value))
		}
		return i18n.Tf("%s  # callback of job %d, in the main process", v.Callback+"("+valText(v.Value)+")", v.Job)
	case trace.KindPoolGet:
		return poolGetText(r, payload[trace.PoolGet](r))
	case trace.KindPoolClose:
		v := payload[trace.PoolClose](r)
		if v.How == "shutdown" {
			return code(fmt.Sprintf("%s.shutdown(wait=%s)", r.Obj, pyBool(strconv.FormatBool(v.Wait))))
		}
		return code(r.Obj + ".close()")
	case trace.KindPoolJoin, trace.KindPoolTerminate:
		return code(r.Obj + "." + strings.TrimPrefix(r.Kind, "pool.") + "()")
	}
	return code(r.Kind)
}

// funcName is a task's Python name: tasks are registered as
// scenario.func.
func funcName(registered string) string {
	if i := strings.LastIndex(registered, "."); i >= 0 {
		return registered[i+1:]
	}
	return registered
}

// poolSubmitText is work handed to a pool: apply, apply_async, submit, or
// a map in chunks.
func poolSubmitText(pool string, v trace.PoolSubmit) i18n.T {
	v.Func = funcName(v.Func)
	switch v.How {
	case "apply_async", "apply":
		return i18n.Tf("%s  # job %d", fmt.Sprintf("%s.%s(%s, (%s,))", pool, v.How, v.Func, valText(v.Args)), v.Job)
	case "submit":
		return i18n.Tf("%s  # job %d", fmt.Sprintf("%s.submit(%s, %s)", pool, v.Func, valText(v.Args)), v.Job)
	}
	call := fmt.Sprintf("%s.%s(%s, <%d items>)", pool, v.How, v.Func, v.Items)
	if v.Chunks == 1 {
		return i18n.Tf("%s  # job %d, %d chunk", call, v.Job, v.Chunks)
	}
	return i18n.Tf("%s  # job %d, %d chunks", call, v.Job, v.Chunks)
}

// poolGetText is a result collected: result.get(), future.result(), or
// what apply returns.
func poolGetText(r trace.Record, v trace.PoolGet) i18n.T {
	call := "result.get()"
	switch v.How {
	case "result":
		call = "future.result()"
	case "imap", "imap_unordered":
		item := 0
		if v.Item != nil {
			item = *v.Item
		}
		if r.Err != "" {
			return i18n.Tf("%s  # job %d, item %d", "next("+r.Obj+"."+v.How+"(...)) → "+r.Err, v.Job, item)
		}
		return i18n.Tf("%s  # job %d, item %d", "next("+r.Obj+"."+v.How+"(...)) → "+valText(v.Value), v.Job, item)
	case "apply":
		if r.Err != "" {
			return i18n.Tf("%s returns  # job %d → %s", r.Obj+".apply(...)", v.Job, r.Err)
		}
		return i18n.Tf("%s returns %s  # job %d", r.Obj+".apply(...)", valText(v.Value), v.Job)
	}
	if r.Err != "" {
		return i18n.Tf("%s  # job %d → %s", call, v.Job, r.Err)
	}
	return i18n.Tf("%s  # job %d", call+" → "+valText(v.Value), v.Job)
}
