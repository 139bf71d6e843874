package sim

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/proctour/proctour/i18n"
	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

// Mode is how a session schedules its processes (DESIGN.md "Modes").
type Mode int

// The modes. In Step and Seeded every instrumented operation waits at a gate
// until the session releases it.
const (
	Live   Mode = iota // the OS schedules
	Step               // the user releases operations one at a time
	Seeded             // a seeded scheduler releases them: same seed, same run
)

var modeNames = []string{"live", "step", "seeded"}

func (m Mode) String() string { return modeNames[m] }

// ParseMode reads live, step or seeded.
func ParseMode(s string) (Mode, error) {
	if i := slices.Index(modeNames, s); i >= 0 {
		return Mode(i), nil
	}
	return Live, fmt.Errorf("mode %q: want live, step or seeded", s)
}

// Intent is an operation waiting at the gate: what a process is about to
// do, and whether it can do it now.
type Intent struct {
	Pid     int
	Proc    string
	Op      string // an event kind: "lock.acquire", "sleep", "proc.start"
	Obj     string
	Line    int
	Arrived int64 // order of arrival at the gate
	// CanProceed is false when the operation would block now; Blocked
	// then says on what ("lock, held by buyer-3").
	CanProceed bool
	Blocked    i18n.T

	slot      int // primitives' gate: the process's slot and ticket
	ticket    uint32
	token     int64  // another source's: which announcement (Arrival.Token)
	timeout   bool   // it has a timeout, so it cannot block forever
	initial   int    // a semaphore's initial value, for one not yet seen
	reentrant bool   // an RLock: its holder may take it again
	method    string // a proxy call's method
	job       int    // a pool job (get)
	// sure: the fold says it will not block, its timeout aside (judge).
	sure bool
}

// Describe says the pending operation in Python terms.
func (in Intent) Describe() string { return in.DescribeIn("en") }

// DescribeIn is Describe with its prose in lang.
func (in Intent) DescribeIn(lang string) string { return printable(in.describeText().In(lang)) }

func (in Intent) describeText() i18n.T {
	r := trace.Record{Kind: in.Op, Obj: in.Obj}
	code := i18n.Code
	switch in.Op {
	case trace.KindLockAcquire, trace.KindSemAcquire:
		return code(in.Obj + ".acquire()")
	case trace.KindEventWait, trace.KindCondWait, trace.KindBarrierWait:
		return code(in.Obj + ".wait()")
	case trace.KindCondWake:
		return i18n.Tf("%s  # until notified", in.Obj+".wait()")
	case trace.KindBarrierPass:
		return i18n.Tf("%s  # until every party has arrived", in.Obj+".wait()")
	case trace.KindCondNotify:
		return code(in.Obj + "." + cmp.Or(in.method, "notify") + "()")
	case trace.KindStdout:
		return code("print(...)")
	case trace.KindSleep:
		return code("time.sleep(...)")
	case trace.KindProcStart:
		return code(in.Obj + ".start()")
	case trace.KindFileRead:
		return code("open('" + in.Obj + "').read()")
	case trace.KindFileWrite:
		return code("open('" + in.Obj + "', 'w').write(...)")
	case trace.KindFileAppend:
		return code("open('" + in.Obj + "', 'a').write(...)")
	case trace.KindFileReplace:
		return code("os.replace(..., '" + in.Obj + "')")
	case trace.KindQueuePut:
		return code(in.Obj + ".put(...)")
	case trace.KindQueueGet:
		return code(in.Obj + ".get()")
	case trace.KindPipeSend:
		return code(in.Obj + ".send(...)")
	case trace.KindPipeRecv:
		return code(in.Obj + ".recv()")
	case trace.KindManagerCall:
		return code(in.Obj + "." + in.method + "(...)")
	case trace.KindPoolTaskStart:
		return i18n.Tf("take a task from %s", in.Obj)
	case trace.KindPoolSubmit:
		return i18n.Tf("%s: submit work", in.Obj)
	case trace.KindPoolGet:
		return i18n.Tf("%s  # job %d", "result.get()", in.job)
	case trace.KindBrokerPublish:
		return code("js.publish(...)")
	case trace.KindBrokerDeliver:
		return code("sub.fetch(1)")
	case trace.KindBrokerAck:
		return code("msg.ack()")
	}
	if d := Describe(r); strings.HasSuffix(d, " None") { // no value yet
		return code(strings.TrimSuffix(d, " None"))
	}
	return describeText(r)
}

// ErrNotStepping is returned by Release in a session that is not in step mode.
var ErrNotStepping = errors.New("not in step mode")

// gateCtl is the session's scheduler for Step and Seeded modes. It releases
// one operation at a time and waits until every process that runs has come
// back to the gate (or exited): at that point the fold is exact, so whether
// an operation can proceed is known for certain, and a seeded choice sees
// the same candidates in every run.
type gateCtl struct {
	mode Mode
	auto bool // release without being asked (seeded, or headless step)
	rng  *rand.Rand
	// let carries out a release: it wakes the process whose operation in
	// is (primitives' gate for a Go demo, a line on a socket for Python).
	let      func(in *Intent)
	pending  map[int]*Intent
	inflight map[int]flight
	arrivals int64
	// second is how long one second of a program's sleep lasts (a Go
	// demo's Unit at its speed; a real second for Python).
	second time.Duration
	// halted is set when the session stops: from then on nothing is
	// released, so that no process takes a step after the watchdog's
	// report or the user's stop.
	halted bool
	// pids are the session's processes by name (from their proc.start),
	// to find the target of a proc.terminate.
	pids map[string]int
	// dying are processes sent a signal (proc.terminate): whatever they
	// announced at the gate is never released, and the others wait for
	// their exit, so that a terminated process never takes one more step
	// in one run and not in another.
	dying map[int]bool
	// owed counts, by pool, the results a worker has handed to the pool's
	// result handler (in this process) that it has not yet delivered,
	// callbacks included: until it has, nothing else is released, so that
	// callbacks and gets come in the same place in every run.
	owed map[string]int
	// killed are the processes, by name, that were sent a signal and have
	// exited since (see formality).
	killed map[string]bool
	// drained, if set, reports whether the collector has taken in every
	// event and intent written so far.
	drained func() bool
	// servers are the managers' server processes: never at the gate, they
	// serve the calls it releases.
	servers map[int]bool
	// order is the processes by name in the order they started, played
	// the releases so far as places in it (schedule.go); plan, when set, is
	// a schedule to follow, planAt its next step, and offPlan why it could
	// not be followed, once it could not.
	order   []string
	played  []int
	plan    []int
	planAt  int
	offPlan i18n.T
	// thenStep: at the plan's end, a person takes over (step mode) instead
	// of the plan's end stopping the run.
	thenStep bool
}

// newGateCtl is the scheduler of a Go demo: a release wakes the process on
// primitives' gate g.
func newGateCtl(mode Mode, seed uint64, auto bool, g *primitives.Gate) *gateCtl {
	return newScheduler(mode, seed, auto, func(in *Intent) {
		switch {
		case g == nil:
		case in.sure:
			g.ReleaseSure(in.slot, in.ticket)
		default:
			g.Release(in.slot, in.ticket)
		}
	})
}

func newScheduler(mode Mode, seed uint64, auto bool, let func(*Intent)) *gateCtl {
	return &gateCtl{
		mode: mode, auto: auto || mode == Seeded, let: let, second: primitives.Unit,
		rng:      rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		pending:  map[int]*Intent{},
		inflight: map[int]flight{},
		pids:     map[string]int{},
		dying:    map[int]bool{},
		owed:     map[string]int{},
		killed:   map[string]bool{},
		servers:  map[int]bool{},
	}
}

// flight is a process that is not at the gate: released, or starting.
type flight struct {
	since time.Time
	// sure: it will be back however long it takes (starting, sleeping),
	// so the others wait for it.
	sure bool
}

// awayAfter is how long a process released for any other operation may
// take to come back to the gate before it is taken to be waiting outside
// it — on a socket, on a file, in a computation — and the others may move
// meanwhile. (Only operations the gate knows can block; the rest of a
// program is not instrumented.)
const awayAfter = 250 * time.Millisecond

// arrive records an operation announced at the gate.
func (c *gateCtl) arrive(w primitives.Wire) {
	var v primitives.IntentVal
	json.Unmarshal(w.Val, &v)
	switch v.Op {
	case primitives.OpPoolHandoff:
		c.owed[w.Obj]++
		return
	case primitives.OpPoolDelivered:
		c.owed[w.Obj]--
		return
	}
	c.add(&Intent{
		Pid: w.Pid, Proc: w.Proc, Op: v.Op, Obj: w.Obj, Line: w.Line,
		slot: v.Slot, ticket: v.Ticket, timeout: v.Timeout, initial: v.Initial, reentrant: v.Reentrant, method: v.Method, job: v.Job,
	})
}

// add takes an operation announced at the gate.
func (c *gateCtl) add(in *Intent) {
	if c.dying[in.Pid] {
		return // it is being terminated: its exit is next
	}
	c.arrivals++
	in.Arrived = c.arrivals
	c.pending[in.Pid] = in
	delete(c.inflight, in.Pid)
}

// observe follows the timeline: a new process runs until its first
// operation reaches the gate; an exited one is gone.
func (c *gateCtl) observe(r trace.Record) {
	switch r.Kind {
	case trace.KindProcStart:
		// A manager's server is never at the gate: it serves the calls the
		// gate releases. Nor is the fork server.
		if v := strText(r.Val); v != trace.TargetManagerServer && v != trace.TargetForkServer {
			c.inflight[r.Pid] = flight{since: time.Now(), sure: true}
		} else {
			c.servers[r.Pid] = true
			delete(c.inflight, r.Pid) // announced as starting (Scheduler.Starting)
		}
		c.pids[r.Proc] = r.Pid
		c.order = append(c.order, r.Proc)
	case trace.KindProcTerminate:
		// The signal is sent after this event: the target never comes
		// back to the gate, and its exit is sure to be reported.
		if pid, ok := c.pids[r.Obj]; ok && pid != r.Pid {
			delete(c.pending, pid)
			c.dying[pid] = true
			c.inflight[pid] = flight{since: time.Now(), sure: true}
		}
	case trace.KindProcExit, trace.KindProcZombie:
		delete(c.inflight, r.Pid)
		delete(c.pending, r.Pid)
		if c.dying[r.Pid] {
			c.killed[r.Proc] = true
		}
		delete(c.dying, r.Pid)
		delete(c.servers, r.Pid)
	case trace.KindSleep:
		// Sure only while it sleeps: what follows the sleep may wait on a
		// socket before the next operation comes to the gate, and the
		// away clock starts when the sleep ends.
		if f, ok := c.inflight[r.Pid]; ok && f.sure {
			var sec float64
			json.Unmarshal(r.Val, &sec)
			c.inflight[r.Pid] = flight{since: time.Now().Add(time.Duration(sec * float64(c.second)))}
		}
	case trace.KindEventWait, trace.KindLockWait, trace.KindQueueBlock:
		// A wait released because its timeout keeps it from blocking
		// forever starts here: its away clock starts here too, not at its
		// release, so that on a loaded machine a short timeout (the police
		// car's 0.2 s) still ends before it is counted away; a long one is
		// counted away and the others move meanwhile, as they would.
		if f, ok := c.inflight[r.Pid]; ok && !f.sure {
			c.inflight[r.Pid] = flight{since: time.Now()}
		}
	}
}

// formality reports an event left out of the timeline in step and seeded
// modes: when the main code ends, it terminates the daemon children, then
// joins those still alive (as Python does) — whether a child just sent
// SIGTERM is still alive a moment later is the OS's to say, so that join
// would be in one run and not in another. A join of the end of the main
// code (no line of the listing) of a child that was terminated and has
// exited is therefore never shown; the exit is.
func (c *gateCtl) formality(r trace.Record, mainPid int) bool {
	return r.Kind == trace.KindProcJoin && r.Pid == mainPid && r.Line == 0 && c.killed[r.Obj]
}

// quiet reports whether every process is at the gate, gone, or away (see
// awayAfter): the moment to release the next operation.
func (c *gateCtl) quiet() bool {
	for _, n := range c.owed {
		if n > 0 {
			return false
		}
	}
	now := time.Now()
	away := false
	for pid, f := range c.inflight {
		if f.sure || now.Sub(f.since) < awayAfter || !waitingOutside(pid) {
			return false
		}
		away = true
	}
	if away {
		// One asleep may be waiting for a manager's server to answer its
		// call: while a server runs, it is not yet known to wait outside.
		for pid := range c.servers {
			if !waitingOutside(pid) {
				return false
			}
		}
	}
	// Asleep may mean at the gate, its intent not yet read: only when
	// every event and intent written so far has been taken in (after the
	// look at /proc) is one asleep known to wait outside.
	if away && c.drained != nil && !c.drained() {
		return false
	}
	return true
}

// waitingOutside reports whether a process that has been away from the gate
// for awayAfter is waiting for something — every thread asleep — rather
// than still running (on a CPU or ready for one, as on a loaded machine: it
// will be back), or exiting (its proc.exit is on its way). Waiting, it may
// wait for a step of another process; running, the others wait for it, so
// that how long it takes never decides who moves next. (Linux reads
// /proc; elsewhere a process away that long is taken to be waiting.)
func waitingOutside(pid int) bool {
	if runtime.GOOS != "linux" {
		return true
	}
	dir := fmt.Sprintf("/proc/%d/task", pid)
	tasks, err := os.ReadDir(dir)
	if err != nil {
		return false // gone: reaped, its exit not yet collected
	}
	for _, t := range tasks {
		b, err := os.ReadFile(dir + "/" + t.Name() + "/stat")
		if err != nil {
			continue // a thread that has just ended
		}
		i := bytes.LastIndexByte(b, ')') // after the command, which may hold anything
		if i < 0 || i+2 >= len(b) {
			continue
		}
		switch b[i+2] {
		case 'R', 'D', 'Z', 'X', 'x':
			return false
		}
	}
	return true
}

// judge decides, from the fold, whether each pending operation can proceed.
func (c *gateCtl) judge(st *State) {
	for _, in := range c.pending {
		in.CanProceed, in.Blocked = true, i18n.T{}
		c.judgeOne(st, in)
		in.sure = in.CanProceed
		if in.timeout { // it cannot block forever: it may always go
			in.CanProceed, in.Blocked = true, i18n.T{}
		}
	}
}

// judgeOne decides from the fold whether in would block now.
func (c *gateCtl) judgeOne(st *State, in *Intent) {
	switch in.Op {
	case trace.KindLockAcquire:
		if l := st.findLock(in.Obj); l != nil && l.Holder != 0 && !(in.reentrant && l.Holder == in.Pid) {
			in.CanProceed, in.Blocked = false, st.heldBy(l)
		}
	case trace.KindSemAcquire:
		value := in.initial
		if x := st.findSem(in.Obj); x != nil && x.Known {
			value = x.Value
		}
		if value <= 0 {
			in.CanProceed, in.Blocked = false, i18n.Tf("%s, no free slot", in.Obj)
		}
	case trace.KindEventWait:
		if f := st.findFlag(in.Obj); f == nil || !f.Set {
			in.CanProceed, in.Blocked = false, i18n.Tf("%s, not set", in.Obj)
		}
	case trace.KindQueueGet:
		if q := st.findQueue(in.Obj); q == nil || len(q.Items) == 0 {
			in.CanProceed, in.Blocked = false, i18n.Tf("%s, empty", in.Obj)
		}
	case trace.KindQueuePut:
		if q := st.findQueue(in.Obj); q != nil && in.initial > 0 && len(q.Items) >= in.initial {
			in.CanProceed, in.Blocked = false, i18n.Tf("%s, full", in.Obj)
		}
	case trace.KindQueueJoin:
		if q := st.findQueue(in.Obj); q != nil && q.Unfinished > 0 {
			in.CanProceed, in.Blocked = false, i18n.Tf("join %s, items not done", in.Obj)
		}
	case trace.KindPoolTaskStart, trace.KindPoolGet, trace.KindPoolJoin:
		if why := st.poolBlocked(in.Op, in.Obj, in.job); !why.IsZero() {
			in.CanProceed, in.Blocked = false, why
		}
	case trace.KindManagerCall:
		if why := st.managedBlocked(in.Obj, in.method); !why.IsZero() {
			in.CanProceed, in.Blocked = false, why
		}
	case trace.KindPipeRecv:
		if why := st.recvBlocked(in.Obj); !why.IsZero() {
			in.CanProceed, in.Blocked = false, why
		}
	case trace.KindCondWake:
		if why := st.condBlocked(in.Obj, in.Pid); !why.IsZero() {
			in.CanProceed, in.Blocked = false, why
		}
	case trace.KindBarrierWait, trace.KindBarrierPass:
		if why := st.barrierBlocked(in.Op == trace.KindBarrierWait, in.Obj, in.Pid); !why.IsZero() {
			in.CanProceed, in.Blocked = false, why
		}
	case trace.KindBrokerDeliver:
		if why := st.fetchBlocked(in.Obj); !why.IsZero() {
			in.CanProceed, in.Blocked = false, why
		}
	case trace.KindProcJoin:
		if p := st.byName(in.Obj); p != nil && p.Status != Exited && !p.Zombie {
			in.CanProceed, in.Blocked = false, i18n.Tf("join %s, still running", in.Obj)
		}
	}
}

// list is the pending operations, oldest first.
func (c *gateCtl) list() []Intent {
	out := make([]Intent, 0, len(c.pending))
	for _, in := range c.pending {
		out = append(out, *in)
	}
	slices.SortFunc(out, func(a, b Intent) int { return int(a.Arrived - b.Arrived) })
	return out
}

func (c *gateCtl) release(in *Intent) {
	if c.halted {
		return
	}
	delete(c.pending, in.Pid)
	c.inflight[in.Pid] = flight{since: time.Now(), sure: in.Op == trace.KindSleep}
	if !c.endOfMain(in) {
		c.played = append(c.played, c.place(in.Proc))
	}
	c.let(in)
}

// ErrBusy is returned while a released operation is still running.
var ErrBusy = errors.New("a process is still carrying out its last step")

// Errors of a release in step mode.
var (
	// ErrHalted: the session has stopped.
	ErrHalted = errors.New("the demo has stopped")
	// ErrNothingWaiting: no process waits at the gate.
	ErrNothingWaiting = errors.New("nothing is waiting")
	// ErrAllWouldBlock: every operation at the gate would block now.
	ErrAllWouldBlock = errors.New("every waiting operation would block")
)

// WouldBlockError is a release refused because the operation would block:
// Why says on what ("lock, held by buyer-3").
type WouldBlockError struct {
	Proc string
	Why  i18n.T
}

func (e *WouldBlockError) Error() string { return e.Proc + " would block: " + e.Why.String() }

func (c *gateCtl) releasePid(pid int, st *State) error {
	if c.halted {
		return ErrHalted
	}
	if !c.quiet() {
		return ErrBusy
	}
	in := c.pending[pid]
	if in == nil {
		return fmt.Errorf("pid %d is not waiting at the gate", pid)
	}
	c.judge(st)
	if !in.CanProceed {
		return &WouldBlockError{Proc: in.Proc, Why: in.Blocked}
	}
	c.release(in)
	return nil
}

func (c *gateCtl) releaseOldest(st *State) error {
	if c.halted {
		return ErrHalted
	}
	if !c.quiet() {
		return ErrBusy
	}
	c.judge(st)
	if in := c.oldest(); in != nil {
		c.release(in)
		return nil
	}
	if len(c.pending) == 0 {
		return ErrNothingWaiting
	}
	return ErrAllWouldBlock
}

func (c *gateCtl) oldest() *Intent {
	var best *Intent
	for _, in := range c.pending {
		if in.CanProceed && (best == nil || in.Arrived < best.Arrived) {
			best = in
		}
	}
	return best
}

// schedule is called after every change: when all is quiet, the automatic
// modes release the next operation. The seeded choice looks only at what
// is the same in every run: the candidates' names, in order.
func (c *gateCtl) schedule(st *State) bool {
	if !c.quiet() || len(c.pending) == 0 {
		return false
	}
	c.judge(st)
	if !c.auto {
		return false
	}
	if c.plan != nil && c.thenStep && c.planAt >= len(c.plan) {
		c.plan, c.auto = nil, false // the person's turn
		return false
	}
	if c.plan != nil {
		if !c.offPlan.IsZero() {
			return false
		}
		for _, in := range c.list() { // the main script's end goes as it comes
			if in.CanProceed && c.endOfMain(c.pending[in.Pid]) {
				c.release(c.pending[in.Pid])
				return true
			}
		}
		in := c.follow()
		if in == nil {
			return false
		}
		c.planAt++
		c.release(in)
		return true
	}
	if c.mode == Step {
		if in := c.oldest(); in != nil {
			c.release(in)
			return true
		}
		return false
	}
	var cands []*Intent
	for _, in := range c.pending {
		if in.CanProceed {
			cands = append(cands, in)
		}
	}
	if len(cands) == 0 {
		return false
	}
	slices.SortFunc(cands, func(a, b *Intent) int { return strings.Compare(a.Proc, b.Proc) })
	c.release(cands[c.rng.IntN(len(cands))])
	return true
}

// stuck reports a deadlock at the gate: all quiet, something waiting, and
// nothing that can proceed.
func (c *gateCtl) stuck(st *State) bool {
	if len(c.inflight) > 0 || len(c.pending) == 0 {
		return false
	}
	for _, n := range c.owed {
		if n > 0 {
			return false // a result is on its way to its handler
		}
	}
	c.judge(st)
	for _, in := range c.pending {
		if in.CanProceed {
			return false
		}
	}
	return true
}

// whoWaits describes a deadlock at the gate, waiters grouped by what they
// wait for.
func (c *gateCtl) whoWaits() i18n.T {
	var order []i18n.T
	who := map[string][]string{}
	for _, in := range c.list() {
		key := in.Blocked.String()
		if _, seen := who[key]; !seen {
			order = append(order, in.Blocked)
		}
		who[key] = append(who[key], in.Proc)
	}
	parts := make([]i18n.T, len(order))
	for i, b := range order {
		parts[i] = waitPhrase(who[b.String()], b)
	}
	return semicolons(parts)
}
