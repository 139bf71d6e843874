package sim

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

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

// poolBlocked says why a pool operation would wait now, or "".
func (s *State) poolBlocked(op, obj string, job int) string {
	p := s.FindPool(obj)
	if p == nil {
		return ""
	}
	switch op {
	case kindPoolTaskStart: // a worker about to take a task
		if p.Queued == 0 && !p.Closed {
			return obj + ", no task queued"
		}
	case kindPoolGet:
		if j := p.job(job); j != nil && !j.Ready() {
			return fmt.Sprintf("job %d of %s, %d of %d done", j.ID, obj, j.Done, j.Items)
		}
	case kindPoolJoin:
		for _, pr := range s.Procs {
			if pr.Target == poolWorkerTarget && pr.Status != Exited {
				return obj + ", " + pr.Name + " still running"
			}
		}
	}
	return ""
}

// describePool says a pool event in Python terms.
func describePool(r primitives.Record) string {
	var v poolVal
	json.Unmarshal(r.Val, &v)
	if i := strings.LastIndex(v.Func, "."); i >= 0 { // tasks are registered as scenario.func
		v.Func = v.Func[i+1:]
	}
	switch r.Kind {
	case kindPoolNew:
		if v.Ctor == "ProcessPoolExecutor" {
			return fmt.Sprintf("%s = ProcessPoolExecutor(max_workers=%d)", r.Obj, v.Processes)
		}
		args := strconv.Itoa(v.Processes)
		if v.MaxTasks > 0 {
			args = "processes=" + args + ", maxtasksperchild=" + strconv.Itoa(v.MaxTasks)
		}
		return r.Obj + " = Pool(" + args + ")"
	case kindPoolWorker:
		return "a worker of " + r.Obj + ", waiting for tasks"
	case kindPoolSubmit:
		switch v.How {
		case "apply_async":
			return fmt.Sprintf("%s.apply_async(%s, (%s,))  # job %d", r.Obj, v.Func, valText(v.Args), v.Job)
		case "apply":
			return fmt.Sprintf("%s.apply(%s, (%s,))  # job %d", r.Obj, v.Func, valText(v.Args), v.Job)
		case "submit":
			return fmt.Sprintf("%s.submit(%s, %s)  # job %d", r.Obj, v.Func, valText(v.Args), v.Job)
		default:
			return fmt.Sprintf("%s.%s(%s, <%d items>)  # job %d, %d %s", r.Obj, v.How, v.Func, v.Items, v.Job, v.Chunks, plural(v.Chunks, "chunk", "chunks"))
		}
	case kindPoolTaskStart:
		return fmt.Sprintf("%s(%s)  # job %d, item %d", v.Func, valText(v.Args), v.Job, v.I)
	case kindPoolTaskDone:
		if r.Err != "" {
			return fmt.Sprintf("%s raised %s: %s  # job %d, item %d", v.Func, r.Err, v.Msg, v.Job, v.I)
		}
		return fmt.Sprintf("%s → %s  # job %d, item %d", v.Func, valText(v.Result), v.Job, v.I)
	case kindPoolCallback:
		if v.How == "future" {
			return fmt.Sprintf("%s(future)  # done callback of job %d → %s, in the main process", v.Callback, v.Job, valText(v.Value))
		}
		return fmt.Sprintf("%s(%s)  # callback of job %d, in the main process", v.Callback, valText(v.Value), v.Job)
	case kindPoolGet:
		call := "result.get()"
		switch v.How {
		case "result":
			call = "future.result()"
		case "apply":
			call = r.Obj + ".apply(...) returns"
		}
		if r.Err != "" {
			return fmt.Sprintf("%s  # job %d → %s", call, v.Job, r.Err)
		}
		if v.How == "apply" {
			return fmt.Sprintf("%s %s  # job %d", call, valText(v.Value), v.Job)
		}
		return fmt.Sprintf("%s → %s  # job %d", call, valText(v.Value), v.Job)
	case kindPoolClose:
		if v.How == "shutdown" {
			return fmt.Sprintf("%s.shutdown(wait=%s)", r.Obj, pyBool(strconv.FormatBool(v.Wait)))
		}
		return r.Obj + ".close()"
	case kindPoolJoin, kindPoolTerminate:
		return r.Obj + "." + strings.TrimPrefix(r.Kind, "pool.") + "()"
	}
	return r.Kind
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
