package sim

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/proctour/proctour/i18n"
	"github.com/proctour/proctour/trace"
)

// A schedule is the order in which the gate let operations go, each
// process named by its place in the order the processes started (1 is
// the main script): OSTEP's "-P 11000", on real processes. A step or
// seeded run records one (Session.Schedule, run.end's schedule); a run
// given one (Options.Schedule) re-executes that interleaving, and stops,
// saying where, at the first step it cannot take.

// EncodeSchedule writes steps as a schedule string: runs of one process
// as i*n, joined by dots.
func EncodeSchedule(steps []int) string {
	var b strings.Builder
	for i := 0; i < len(steps); {
		j := i
		for j < len(steps) && steps[j] == steps[i] {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strconv.Itoa(steps[i]))
		if j-i > 1 {
			b.WriteByte('*')
			b.WriteString(strconv.Itoa(j - i))
		}
		i = j
	}
	return b.String()
}

// maxSteps bounds a schedule's length: a run of a demo is thousands of
// steps, and a string that expands beyond this is not one of ours.
const maxSteps = 1 << 20

// ParseSchedule reads a schedule string.
func ParseSchedule(s string) ([]int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("the schedule is empty")
	}
	var steps []int
	for k, tok := range strings.Split(s, ".") {
		proc, count, rep := strings.Cut(tok, "*")
		p, err := strconv.Atoi(proc)
		if err != nil || p < 1 {
			return nil, fmt.Errorf("schedule step %d: %q is not a process number (1, 2, …)", k+1, tok)
		}
		n := 1
		if rep {
			if n, err = strconv.Atoi(count); err != nil || n < 1 {
				return nil, fmt.Errorf("schedule step %d: %q: a run is written number*count (3*2)", k+1, tok)
			}
		}
		if len(steps)+n > maxSteps {
			return nil, fmt.Errorf("the schedule is longer than %d steps", maxSteps)
		}
		for range n {
			steps = append(steps, p)
		}
	}
	return steps, nil
}

// ScheduleFromTrace is the order of a recorded run's operations that go
// through the gate, as a schedule: each event that completes an operation
// the gate lets go, credited to the process whose operation it was (a
// child's start to its parent, which called start()). Taken from a live
// run, it re-executes in step mode the interleaving the OS chose; where
// the live run did something the gate would order otherwise, the
// re-execution stops at that step and says so.
func ScheduleFromTrace(events []trace.Record) ([]int, error) {
	order := map[int]int{} // pid → place in start order
	exited := map[string]bool{}
	joiners := map[string][]int{} // a process's name → places of those waiting to join it
	timed := map[int]bool{}       // a process's event.wait under way has a timeout
	n := 0
	var steps []int
	for _, r := range events {
		p, known := order[r.Pid]
		switch {
		case r.Kind == trace.KindProcStart:
			n++
			order[r.Pid] = n
			if parent, ok := order[r.PPid]; ok && r.PPid != 0 && gatedStart(r) {
				steps = append(steps, parent)
			}
		case r.Kind == trace.KindProcExit:
			exited[r.Proc] = true
			steps = append(steps, joiners[r.Proc]...) // their joins return now
			delete(joiners, r.Proc)
		case !known:
		case r.Kind == trace.KindProcJoin && valText(r.Val) == "None" && !exited[r.Obj]:
			// the gate lets a join without a timeout go once the process
			// has exited: credit it there
			joiners[r.Obj] = append(joiners[r.Obj], p)
		case r.Kind == trace.KindEventWait:
			timed[r.Pid] = valText(r.Val) != "None"
			if timed[r.Pid] {
				steps = append(steps, p) // a timed wait goes at once
			}
		case r.Kind == trace.KindEventWake:
			if !timed[r.Pid] { // one without a timeout, once the flag is set: here
				steps = append(steps, p)
			}
			delete(timed, r.Pid)
		case gatedKind(r.Kind):
			steps = append(steps, p)
		}
	}
	if len(steps) == 0 {
		return nil, fmt.Errorf("the trace has no operation that goes through the gate")
	}
	return steps, nil
}

// gatedStart: a process started by the program's code (not a pool's
// worker or a manager's server, which the machinery starts).
func gatedStart(r trace.Record) bool {
	t := strText(r.Val)
	return t != trace.TargetPoolWorker && t != trace.TargetManagerServer
}

// gatedKind reports whether an event completes an operation the gate lets
// go: one per operation (a blocking acquire's lock.wait is not one; its
// lock.acquire is). A switch, not a map: package init runs in every child.
func gatedKind(kind string) bool {
	switch kind {
	case trace.KindLockAcquire, trace.KindSemAcquire, trace.KindStdout, trace.KindSleep, trace.KindFileRead,
		trace.KindFileWrite, trace.KindFileAppend, trace.KindFileReplace, trace.KindQueuePut, trace.KindQueueGet, trace.KindPipeSend,
		trace.KindPipeRecv, trace.KindManagerCall, trace.KindPoolSubmit, trace.KindPoolTaskStart, trace.KindPoolGet,
		trace.KindProcJoin, trace.KindQueueJoin:
		return true
	}
	return false
}

// follow picks the pending operation the plan names for its next step,
// or says why it cannot (c.offPlan).
func (c *gateCtl) follow() *Intent {
	if c.planAt >= len(c.plan) {
		for _, in := range c.pending {
			if in.CanProceed { // (if none can, the watchdog reports the deadlock)
				c.offPlan = i18n.Tf("the schedule ends after %d steps, but %s still waits to go on", len(c.plan), c.waitingNames())
				break
			}
		}
		return nil
	}
	want := c.plan[c.planAt]
	if want > len(c.order) {
		c.offPlan = i18n.Tf("step %d of the schedule moves process %d, but only %d have started", c.planAt+1, want, len(c.order))
		return nil
	}
	name := c.order[want-1]
	for _, in := range c.pending {
		if in.Proc != name {
			continue
		}
		if !in.CanProceed {
			c.offPlan = i18n.Join(i18n.Tf("step %d of the schedule moves %s, but its %s would block: ", c.planAt+1, name, in.Op), in.Blocked)
			return nil
		}
		return in
	}
	if pid, ok := c.pids[name]; ok {
		if _, away := c.inflight[pid]; away {
			// waiting outside the gate (a timed wait, a sleep): the run
			// that made the schedule had it back by this step; wait for it
			return nil
		}
	}
	c.offPlan = i18n.Tf("step %d of the schedule moves %s, which is not waiting at the gate (waiting: %s)", c.planAt+1, name, c.waitingNames())
	return nil
}

func (c *gateCtl) waitingNames() string {
	var names []string
	for _, in := range c.list() {
		names = append(names, in.Proc)
	}
	if len(names) == 0 {
		return "nobody"
	}
	return strings.Join(names, ", ")
}

// place is a process's place in the start order, 1 for the first.
func (c *gateCtl) place(name string) int {
	for i, n := range c.order {
		if n == name {
			return i + 1
		}
	}
	return 0
}

// endOfMain reports an operation of the main script's end, not of its code
// (no line of the listing): terminating the daemons, joining the children
// still alive. Whether a child just terminated is still there is the OS's
// to say, so these are left out of a schedule, and a re-execution lets them
// go as they come.
func (c *gateCtl) endOfMain(in *Intent) bool {
	return in.Line == 0 && len(c.order) > 0 && in.Proc == c.order[0]
}
