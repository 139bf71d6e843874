package sim

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/proctour/proctour/i18n"
	"github.com/proctour/proctour/primitives"
)

// The pool kinds (primitives/pool.go).
const (
	kindPoolNew       = "pool.new"
	kindPoolWorker    = "pool.worker"
	kindPoolSubmit    = "pool.submit"
	kindPoolTaskStart = "pool.task_start"
	kindPoolTaskDone  = "pool.task_done"
	kindPoolCallback  = "pool.callback"
	kindPoolGet       = "pool.get"
	kindPoolClose     = "pool.close"
	kindPoolJoin      = "pool.join"
	kindPoolTerminate = "pool.terminate"

	poolWorkerTarget = "pool.worker"
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
}

// Ready reports whether the job is complete: every item done, or one failed.
func (j *PoolJob) Ready() bool { return j.Done >= j.Items || j.Failed != "" }

type poolVal struct {
	Processes int             `json:"processes"`
	Ctor      string          `json:"ctor"`
	MaxTasks  int             `json:"maxtasksperchild"`
	Job       int             `json:"job"`
	I         int             `json:"i"`
	Func      string          `json:"func"`
	Args      json.RawMessage `json:"args"`
	Items     int             `json:"items"`
	Chunks    int             `json:"chunks"`
	How       string          `json:"how"`
	Take      bool            `json:"take"`
	Result    json.RawMessage `json:"result"`
	Msg       string          `json:"msg"`
	Callback  string          `json:"callback"`
	Wait      bool            `json:"wait"`
	Value     json.RawMessage `json:"value"`
}

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
func (s *State) applyPool(pr *Proc, e primitives.Record) {
	var v poolVal
	json.Unmarshal(e.Val, &v)
	if e.Kind == kindPoolNew {
		s.Pools = append(s.Pools, &PoolState{Name: e.Obj, Executor: v.Ctor == "ProcessPoolExecutor", Processes: v.Processes, MaxTasks: v.MaxTasks, Running: map[int]*PoolItem{}})
		return
	}
	p := s.FindPool(e.Obj)
	if p == nil {
		return
	}
	switch e.Kind {
	case kindPoolWorker:
		p.Workers = append(p.Workers, pr.Pid)
	case kindPoolSubmit:
		if e.Err != "" {
			return
		}
		p.Jobs = append(p.Jobs, &PoolJob{ID: v.Job, Func: v.Func, How: v.How, Args: v.Args, Items: v.Items})
		p.Queued += v.Chunks
	case kindPoolTaskStart:
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
	case kindPoolTaskDone:
		delete(p.Running, pr.Pid)
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
	case kindPoolCallback:
		if j := p.job(v.Job); j != nil {
			j.Callbacks++
			j.Callback = v.Callback
		}
	case kindPoolGet:
		if j := p.job(v.Job); j != nil && e.Err != "multiprocessing.TimeoutError" {
			j.Got, j.Value = true, v.Value
			if !j.Ready() {
				s.violate(e, "get() of job %d returned before its tasks were done", j.ID)
			}
		}
	case kindPoolClose:
		p.Closed = true
	case kindPoolTerminate:
		p.Closed, p.Terminated = true, true
	}
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
	case kindPoolTaskStart: // a worker about to take a task
		if p.Queued == 0 && !p.Closed {
			return i18n.Tf("%s, no task queued", obj)
		}
	case kindPoolGet:
		if j := p.job(job); j != nil && !j.Ready() {
			return i18n.Tf("job %d of %s, %d of %d done", j.ID, obj, j.Done, j.Items)
		}
	case kindPoolJoin:
		for _, pr := range s.Procs {
			if pr.Target == poolWorkerTarget && pr.Status != Exited {
				return i18n.Tf("%s, %s still running", obj, pr.Name)
			}
		}
	}
	return i18n.T{}
}

// describePool says a pool event in Python terms.
func describePool(r primitives.Record) i18n.T {
	var v poolVal
	json.Unmarshal(r.Val, &v)
	if i := strings.LastIndex(v.Func, "."); i >= 0 { // tasks are registered as scenario.func
		v.Func = v.Func[i+1:]
	}
	code := i18n.Code
	switch r.Kind {
	case kindPoolNew:
		if v.Ctor == "ProcessPoolExecutor" {
			return code(fmt.Sprintf("%s = ProcessPoolExecutor(max_workers=%d)", r.Obj, v.Processes))
		}
		args := strconv.Itoa(v.Processes)
		if v.MaxTasks > 0 {
			args = "processes=" + args + ", maxtasksperchild=" + strconv.Itoa(v.MaxTasks)
		}
		return code(r.Obj + " = Pool(" + args + ")")
	case kindPoolWorker:
		return i18n.Tf("a worker of %s, waiting for tasks", r.Obj)
	case kindPoolSubmit:
		return poolSubmitText(r.Obj, v)
	case kindPoolTaskStart:
		return i18n.Tf("%s  # job %d, item %d", fmt.Sprintf("%s(%s)", v.Func, valText(v.Args)), v.Job, v.I)
	case kindPoolTaskDone:
		if r.Err != "" {
			return i18n.Tf("%s raised %s: %s  # job %d, item %d", v.Func, r.Err, v.Msg, v.Job, v.I)
		}
		return i18n.Tf("%s  # job %d, item %d", v.Func+" → "+valText(v.Result), v.Job, v.I)
	case kindPoolCallback:
		if v.How == "future" {
			return i18n.Tf("%s  # done callback of job %d → %s, in the main process", v.Callback+"(future)", v.Job, valText(v.Value))
		}
		return i18n.Tf("%s  # callback of job %d, in the main process", v.Callback+"("+valText(v.Value)+")", v.Job)
	case kindPoolGet:
		return poolGetText(r, v)
	case kindPoolClose:
		if v.How == "shutdown" {
			return code(fmt.Sprintf("%s.shutdown(wait=%s)", r.Obj, pyBool(strconv.FormatBool(v.Wait))))
		}
		return code(r.Obj + ".close()")
	case kindPoolJoin, kindPoolTerminate:
		return code(r.Obj + "." + strings.TrimPrefix(r.Kind, "pool.") + "()")
	}
	return code(r.Kind)
}

// poolSubmitText is work handed to a pool: apply, apply_async, submit, or
// a map in chunks.
func poolSubmitText(pool string, v poolVal) i18n.T {
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
func poolGetText(r primitives.Record, v poolVal) i18n.T {
	call := "result.get()"
	switch v.How {
	case "result":
		call = "future.result()"
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
