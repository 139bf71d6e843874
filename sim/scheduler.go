package sim

import (
	"time"

	"github.com/proctour/proctour/i18n"
	"github.com/proctour/proctour/trace"
)

// Scheduler is the gate's scheduler for a source other than a Go demo's
// processes (pytrace: a traced Python program). It is the very scheduler a
// Session runs (gateCtl), with its operations arriving from elsewhere and
// its releases carried out by a callback: the same judgement of what would
// block, the same seeded choice, the same deadlock report.
//
// The source feeds it what happens — Arrive for an operation announced at
// the gate, Observe for every record of the timeline in order, Starting
// for a child on its way — and calls Schedule after each change; in step
// mode a person calls Release or ReleaseNext. A Scheduler is not safe for
// concurrent use: its owner serializes the calls.
type Scheduler struct{ c *gateCtl }

// Arrival is an operation announced at the gate, with what the scheduler
// needs to judge whether it would block.
type Arrival struct {
	Pid  int
	Proc string
	Op   string // an event kind: "lock.acquire", "sleep", "proc.start"
	Obj  string
	Line int
	// Timeout: the operation has one (or does not block), so it cannot
	// block forever.
	Timeout   bool
	Initial   int    // a semaphore's initial value; a queue's maxsize (put)
	Reentrant bool   // an RLock: its holder may take it again
	Method    string // a proxy call's method
	Job       int    // a pool job's number (get)
	// Token is handed back with the release: which announcement of the
	// process it lets go.
	Token int64
}

// NewScheduler returns a scheduler for mode (Step or Seeded): seed drives
// the seeded choice; auto, in step mode, releases the oldest operation that
// can proceed whenever all is quiet. release carries out a release: it
// must wake the process that announced in (in.Token says which
// announcement; in.Sure whether the scheduler knows it will not block).
func NewScheduler(mode Mode, seed uint64, auto bool, release func(in Intent)) *Scheduler {
	c := newScheduler(mode, seed, auto, func(in *Intent) { release(*in) })
	c.second = time.Second
	return &Scheduler{c: c}
}

// Token is the Arrival's token of a pending operation.
func (in Intent) Token() int64 { return in.token }

// Sure reports whether the scheduler released the operation knowing it
// will not block.
func (in Intent) Sure() bool { return in.sure }

// SetSecond says how long one second of the program's sleeps lasts (a
// real second unless set).
func (s *Scheduler) SetSecond(d time.Duration) { s.c.second = d }

// SetDrained gives the scheduler a test of whether every event and
// announcement written so far has been taken in: until it has, a process
// asleep may be one whose announcement is on its way.
func (s *Scheduler) SetDrained(f func() bool) { s.c.drained = f }

// Arrive takes an operation announced at the gate.
func (s *Scheduler) Arrive(a Arrival) {
	s.c.add(&Intent{Pid: a.Pid, Proc: a.Proc, Op: a.Op, Obj: a.Obj, Line: a.Line,
		timeout: a.Timeout, initial: a.Initial, reentrant: a.Reentrant, method: a.Method, job: a.Job, token: a.Token})
}

// Handoff notes a result a pool worker has handed to the pool's result
// handler; Delivered, that the handler has delivered one (its callbacks
// run). Until every result handed off is delivered, nothing is released,
// so that callbacks come in the same place in every run of a seed.
func (s *Scheduler) Handoff(pool string)   { s.c.owed[pool]++ }
func (s *Scheduler) Delivered(pool string) { s.c.owed[pool]-- }

// Starting notes a child process on its way to starting: the others wait
// for its first operation (or its exit).
func (s *Scheduler) Starting(pid int) { s.c.inflight[pid] = flight{since: time.Now(), sure: true} }

// Terminating notes a process sent a signal that the timeline does not
// tell (the end of a Python program's main code terminating its daemons):
// nothing it announced is released, and the others wait for its exit.
func (s *Scheduler) Terminating(pid int) {
	delete(s.c.pending, pid)
	s.c.dying[pid] = true
	s.c.inflight[pid] = flight{since: time.Now(), sure: true}
}

// Running is the processes neither at the gate nor gone: released,
// starting, or on their way out.
func (s *Scheduler) Running() []int {
	out := make([]int, 0, len(s.c.inflight))
	for pid := range s.c.inflight {
		out = append(out, pid)
	}
	return out
}

// Forget drops a process that is gone without a proc.exit in the timeline
// (one that never started).
func (s *Scheduler) Forget(pid int) {
	delete(s.c.inflight, pid)
	delete(s.c.pending, pid)
}

// Observe follows the timeline: call it with every record, in order.
func (s *Scheduler) Observe(r trace.Record) { s.c.observe(r) }

// Formality reports a record step and seeded modes leave out of the
// timeline: the main code's end joining a child it terminated.
func (s *Scheduler) Formality(r trace.Record, mainPid int) bool { return s.c.formality(r, mainPid) }

// Quiet reports whether every process is at the gate, gone, or waiting
// outside it: the moment a release may happen.
func (s *Scheduler) Quiet() bool { return s.c.quiet() }

// Schedule releases the next operation when all is quiet and the mode
// chooses by itself (seeded, or automatic step); it reports whether it did.
func (s *Scheduler) Schedule(st *State) bool { return s.c.schedule(st) }

// Pending is the operations waiting at the gate, oldest first, each judged
// against st.
func (s *Scheduler) Pending(st *State) []Intent {
	s.c.judge(st)
	return s.c.list()
}

// Waiting reports whether any operation waits at the gate.
func (s *Scheduler) Waiting() bool { return len(s.c.pending) > 0 }

// Release lets the process with pid carry out its pending operation (step
// mode): ErrBusy while one released is still under way, *WouldBlockError
// when it would block, ErrHalted once halted.
func (s *Scheduler) Release(pid int, st *State) error { return s.c.releasePid(pid, st) }

// ReleaseNext releases the oldest pending operation that can proceed.
func (s *Scheduler) ReleaseNext(st *State) error { return s.c.releaseOldest(st) }

// Stuck reports a deadlock at the gate: all quiet, something waiting,
// nothing that can proceed. WhoWaits then says who waits on what.
func (s *Scheduler) Stuck(st *State) bool { return s.c.stuck(st) }
func (s *Scheduler) WhoWaits() i18n.T     { return s.c.whoWaits() }

// Halt stops every release from now on: the run is stopping.
func (s *Scheduler) Halt() { s.c.halted = true }

// Follow makes the scheduler re-execute a schedule (schedule.go): step mode,
// each release the next step's process; OffPlan then says why it stopped
// following, once it could not.
func (s *Scheduler) Follow(steps []int) {
	s.c.plan, s.c.mode, s.c.auto = steps, Step, true
}

// OffPlan is why the schedule could not be followed, or the zero T.
func (s *Scheduler) OffPlan() i18n.T { return s.c.offPlan }

// Played is the order the scheduler let operations go so far, as a
// schedule string.
func (s *Scheduler) Played() string { return EncodeSchedule(s.c.played) }
