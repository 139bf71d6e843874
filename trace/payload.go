package trace

import (
	"encoding/json"
	"runtime/debug"
)

// The structured payloads: the val of the kinds that carry an object,
// one type a payload, written by the primitives and read by the fold
// with the same type. A field is only ever added. The field order and the
// omitempty of each field are the contract's bytes: a trace written
// today reads the same tomorrow. A value of the program's (an item, a
// result, a timeout that may be null) is JSON as it is
// (json.RawMessage), so that it is read back without loss.

// SemValue is the payload of sem.wait, sem.acquire and sem.release: the
// value after the operation and the value the semaphore was created with;
// on sem.wait, the acquire's timeout when it has one (the listing's
// seconds; absent: none).
type SemValue struct {
	Value   int             `json:"value"`
	Initial int             `json:"initial"`
	Timeout json.RawMessage `json:"timeout,omitempty"`
}

// CondWait is the payload of cond.wait: the lock wait() released (its
// name in the trace; an RLock held Depth times is released that many
// times and taken again as often), the timeout (null: none), and "wait_for"
// when the wait is one of wait_for(predicate)'s.
type CondWait struct {
	Lock    string          `json:"lock"`
	Depth   int             `json:"depth,omitempty"`
	Timeout json.RawMessage `json:"timeout"`
	How     string          `json:"how,omitempty"`
}

// CondNotify is the payload of cond.notify: notify(n), or notify_all()
// (All), and how many waiting processes it woke.
type CondNotify struct {
	N     int  `json:"n"`
	All   bool `json:"all,omitempty"`
	Woken int  `json:"woken"`
}

// CondWake is the payload of cond.wake: the lock held again (Depth times,
// as before the wait), and what wait() returned: false when it timed out
// rather than being notified.
type CondWake struct {
	Lock     string `json:"lock"`
	Depth    int    `json:"depth,omitempty"`
	Notified bool   `json:"notified"`
	How      string `json:"how,omitempty"`
}

// BarrierWait is the payload of barrier.wait: Barrier(parties)'s parties,
// and wait(timeout)'s timeout (null: the barrier's own, or none).
type BarrierWait struct {
	Parties int             `json:"parties"`
	Timeout json.RawMessage `json:"timeout"`
}

// QueueNew is the payload of queue.new: Queue(maxsize) or
// JoinableQueue(maxsize).
type QueueNew struct {
	MaxSize  int  `json:"maxsize"`
	Joinable bool `json:"joinable"`
}

// QueueBlock is the payload of queue.block: which call waits ("put" on a
// full queue, "get" on an empty one), and for how long at most (the
// listing's seconds; null: for as long as it takes).
type QueueBlock struct {
	Op      string          `json:"op"`
	Timeout json.RawMessage `json:"timeout"`
}

// PipeNew is the payload of pipe.new: the names of its two ends, and
// whether it is duplex.
type PipeNew struct {
	Ends   []string `json:"ends"`
	Duplex bool     `json:"duplex"`
}

// PipeInherit is the payload of pipe.inherit: the pipe whose end (obj) a
// child got a copy of.
type PipeInherit struct {
	Pipe string `json:"pipe"`
}

// PipePoll is the payload of pipe.poll: poll(timeout) (null: no timeout)
// and what it returned.
type PipePoll struct {
	Timeout json.RawMessage `json:"timeout"`
	Ready   bool            `json:"ready"`
}

// BrokerMsg is the payload of the broker kinds: the job, its sequence
// number in the stream, and how many times it has been delivered (on
// broker.deliver, redeliver and ack); on a delivery, the consumer's ack
// wait: the broker delivers the job again if no ack comes within it.
type BrokerMsg struct {
	Job       json.RawMessage `json:"job"`
	Seq       uint64          `json:"seq"`
	Delivered int             `json:"delivered,omitempty"`
	AckWaitNs int64           `json:"ack_wait_ns,omitempty"`
}

// Listen is the payload of manager.listen and broker.listen: where a
// demo takes workers of other terminals or machines, and the command that
// joins it there (a manager's authkey included: the demo's, to be shown).
type Listen struct {
	Addr string `json:"addr"`
	Join string `json:"join"`
}

// ManagerCall is the payload of manager.call, the caller's: the proxied
// object's type, the method and its arguments, and what it returned.
type ManagerCall struct {
	Type   string            `json:"type"`
	Method string            `json:"method"`
	Args   []json.RawMessage `json:"args"`
	Result json.RawMessage   `json:"result,omitempty"`
}

// ManagerServe is the payload of the server's events, manager.new,
// manager.serve and manager.block: the call (none for manager.new), the
// object's type, who called (its name and pid), the object's value after
// it, and whether a call that must wait has a timeout.
type ManagerServe struct {
	Method  string            `json:"method,omitempty"`
	Args    []json.RawMessage `json:"args,omitempty"`
	Type    string            `json:"type,omitempty"`
	Caller  string            `json:"caller"`
	Pid     int               `json:"pid"`
	Value   json.RawMessage   `json:"value,omitempty"`
	Timeout bool              `json:"timeout,omitempty"`
}

// PoolNew is the payload of pool.new: Pool(processes, maxtasksperchild),
// or the pool of a ProcessPoolExecutor (ctor).
type PoolNew struct {
	Ctor      string `json:"ctor"` // "Pool" or "ProcessPoolExecutor"
	MaxTasks  int    `json:"maxtasksperchild"`
	Processes int    `json:"processes"`
}

// PoolSubmit is the payload of pool.submit: a job handed to the pool,
// how (apply_async, map_async, submit, …), and its items in chunks.
type PoolSubmit struct {
	Job    int             `json:"job"`
	Func   string          `json:"func"`
	Args   json.RawMessage `json:"args,omitempty"` // one item's argument
	Items  int             `json:"items"`
	Chunks int             `json:"chunks"`
	How    string          `json:"how"`
}

// PoolTask is the payload of pool.task_start and pool.task_done: item I
// of a job, run by a worker; its result, or the message of what it raised
// (the exception's name is the record's err).
type PoolTask struct {
	Job    int             `json:"job"`
	I      int             `json:"i"`
	Func   string          `json:"func,omitempty"`
	Args   json.RawMessage `json:"args,omitempty"`
	Take   bool            `json:"take,omitempty"` // the first item of a chunk: the worker took it from the queue
	Result json.RawMessage `json:"result,omitempty"`
	Msg    string          `json:"msg,omitempty"`
}

// PoolCallback is the payload of pool.callback: a job's callback (or
// error callback, or a future's done callback) about to run in the main
// process, and the value it is given.
type PoolCallback struct {
	Job      int             `json:"job"`
	Callback string          `json:"callback"`
	Value    json.RawMessage `json:"value"`
	How      string          `json:"how,omitempty"` // "future": a done callback, given the future
}

// PoolGet is the payload of pool.get: a job's result collected, and the
// value (or the exception's text) it returned.
type PoolGet struct {
	Job   int             `json:"job"`
	Value json.RawMessage `json:"value,omitempty"`
	How   string          `json:"how,omitempty"`  // "result": a future's result(); "apply"; "imap", "imap_unordered": one item, as the iterator delivers it
	Item  *int            `json:"item,omitempty"` // imap's and imap_unordered's: the index of the item delivered
}

// PoolClose is the payload of pool.close when an executor's shutdown says
// it; a pool's close() has val null.
type PoolClose struct {
	How  string `json:"how,omitempty"` // "shutdown"
	Wait bool   `json:"wait,omitempty"`
}

// RunProc is the proc of run.begin and run.end: the run is proctour's,
// not one of its processes'.
const RunProc = "proctour"

// RunBegin is the payload of run.begin: what was run, with which values,
// and how. A Go demo names its Scenario; a Python program its Program
// (and Args); the lesson's listing under CPython both. Vars are the
// variant values (key to value). Mode is live, step or seeded; Seed
// matters in seeded mode; Speed divides the listing's sleeps. Proctour is
// proctour's version; Python the interpreter's, for a Python run.
type RunBegin struct {
	Scenario    string            `json:"scenario,omitempty"`
	Program     string            `json:"program,omitempty"`
	Args        []string          `json:"args,omitempty"`
	Vars        map[string]string `json:"vars,omitempty"`
	Mode        string            `json:"mode"`
	Seed        uint64            `json:"seed"`
	Speed       float64           `json:"speed"`
	Timeout     float64           `json:"timeout,omitempty"` // the watchdog's budget, seconds
	StartMethod string            `json:"start_method,omitempty"`
	Python      string            `json:"python,omitempty"`
	Proctour    string            `json:"proctour"`
	// Schedule is the schedule the run was told to follow (step mode
	// re-executing an interleaving; see RunEnd.Schedule), if any.
	Schedule string `json:"schedule,omitempty"`
}

// RunEnd is the payload of run.end: the main script's exit code; who
// stopped the run, if anyone ("watchdog", "user": stopped from outside,
// as by q or Ctrl-C); and the scenario's outcome where it has one (the
// number and its label in English: "tickets sold").
type RunEnd struct {
	Exit         int    `json:"exit"`
	StoppedBy    string `json:"stopped_by,omitempty"`
	Outcome      *int   `json:"outcome,omitempty"`
	OutcomeLabel string `json:"outcome_label,omitempty"`
	// Schedule, in step and seeded modes, is the order in which the gate
	// let operations go: each process by its place in the order the
	// processes started (1: MainProcess), runs of one written i*n, joined
	// by dots ("1*3.2.3.2*2"). Given back to --schedule it re-executes
	// the same interleaving.
	Schedule string `json:"schedule,omitempty"`
}

// Who stopped a run (RunEnd.StoppedBy).
const (
	StoppedByWatchdog = "watchdog"
	StoppedByUser     = "user"
)

// release is proctour's version, set at release time with
// -ldflags "-X github.com/proctour/proctour/trace.release=v1.2.0".
var release string

// Version is proctour's version, as run.begin records it and `proctour
// version` prints it: the release's, else the module's from the build
// information (a `go install …@v1.2.0`), else "dev", with the commit it
// was built from where the build recorded one ("dev+1a2b3c4d5e6f-dirty").
func Version() string {
	if release != "" {
		return release
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	v := "dev"
	for _, kv := range bi.Settings {
		switch {
		case kv.Key == "vcs.revision" && len(kv.Value) >= 12:
			v += "+" + kv.Value[:12]
		case kv.Key == "vcs.modified" && kv.Value == "true":
			defer func() { v += "-dirty" }()
		}
	}
	return v
}
