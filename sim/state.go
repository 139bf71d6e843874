package sim

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/proctour/proctour/i18n"
	"github.com/proctour/proctour/trace"
)

// Status is what a process is doing, as the OS would say it.
type Status int

// The statuses a lane shows.
const (
	Running Status = iota
	Sleeping
	Blocked
	Exited
)

func (s Status) String() string {
	return [...]string{"running", "sleeping", "blocked", "exited"}[s]
}

// Proc is one process as the timeline shows it so far.
type Proc struct {
	// Pid is the process's key in this State: its pid for a process of
	// this machine. A process of another machine (a record with a host)
	// has a key of its own, below zero, since its pid may be one a
	// process here has too; Host and OSPid say where it runs and its pid
	// there.
	Pid, PPid int
	Host      string // the machine, "" for this one
	OSPid     int    // the pid on its machine
	Name      string
	Target    string
	Daemon    bool
	Server    bool // a manager's server process, or the fork server: it serves others' calls
	Zombie    bool // exited, not yet waited for by its parent
	Status    Status
	On        string // the resource it is blocked on ("lock", "join Process-2")
	Forever   bool   // blocked with no timeout
	ExitCode  int
	Last      trace.Record // its latest step
	From      int          // when Last received a message: its sender's pid
	Started   int64        // t_ns of proc.start
	Ended     int64        // t_ns of proc.exit
	// StoppedBy, on the main script, says that it did not end by itself:
	// the run was stopped, by the watchdog (trace.StoppedByWatchdog) or
	// from outside (trace.StoppedByUser). Its ExitCode is then what the
	// stop made of it, not an end of its own.
	StoppedBy string
}

// PidText is the process's pid as a lane shows it: "4242" for a process of
// this machine, "4242@pc-anna" for one of another machine, its host cut to
// 12 characters.
func (p *Proc) PidText() string {
	if p.Host == "" {
		return strconv.Itoa(p.Pid)
	}
	host := []rune(p.Host)
	if len(host) > 12 {
		host = append(host[:11], '…')
	}
	return strconv.Itoa(p.OSPid) + "@" + string(host)
}

// LockState is a lock: who holds it and who waits, in order.
type LockState struct {
	Name    string
	Holder  int // pid, 0 when free
	Depth   int // RLock recursion
	Waiters []int
}

// SemState is a semaphore: its value and who is inside.
type SemState struct {
	Name           string
	Value, Initial int
	Holders        []int
	Waiters        []int
	MaxInside      int
	// Known: Value and Initial have been told (a Semaphore(0) has both
	// at 0 and is still known).
	Known bool
}

// FlagState is an Event: its flag and who waits for it.
type FlagState struct {
	Name    string
	Set     bool
	Waiters []int
}

// State is the world at one moment of a timeline: the fold of every event
// up to it. Apply never does I/O; folding the same events always gives the
// same State.
type State struct {
	Seq   int64 // the last event folded
	TNs   int64
	Procs []*Proc // in order of appearance
	Locks []*LockState
	Sems  []*SemState
	Flags []*FlagState
	// Conds are multiprocessing Conditions: who waits on each.
	Conds []*CondState
	// Barriers are multiprocessing Barriers: parties, who waits, broken.
	Barriers []*BarrierState
	Files    []*FileState
	// Queues are multiprocessing queues: their items in order, and who
	// waits to put or get.
	Queues []*QueueState
	// Pipes are multiprocessing pipes: who holds each end, and the
	// messages on their way.
	Pipes []*PipeState
	// Managers are manager server processes and the objects they hold.
	Managers []*ManagerState
	Brokers  []*BrokerState // lesson 17's broker streams
	// Listening are the places a demo takes workers of other machines at
	// (lesson 17), and how to join each.
	Listening []trace.Listen
	// Pools are process pools: workers, queued work and jobs.
	Pools []*PoolState
	// Timings are the wall times a lesson measured, in order.
	Timings []Timing
	// Delivered is the latest message received, from a queue or a pipe.
	Delivered *Delivery
	// Watchdog is the watchdog's report, empty unless it stopped the demo;
	// WatchdogText is the same, for the screen to put into its language.
	Watchdog     string
	WatchdogText i18n.T
	// Violations are broken invariants of DESIGN.md, found while folding.
	Violations []string
	// Ended is set by MainProcess's proc.exit, the final event of the
	// processes; only run.end may follow it.
	Ended bool
	// Run is what was run and how (run.begin), nil in a trace without it;
	// End how the run ended (run.end), nil until it is folded in: a
	// trace that has Run and no End at its last event ended early.
	Run *trace.RunBegin
	End *trace.RunEnd

	mainPid int
	procs   map[int]*Proc
	remote  map[hostPid]int // a remote process's key
	remotes int             // keys given: the last is -remotes
}

// hostPid is a process of another machine.
type hostPid struct {
	host string
	pid  int
}

// local gives a record of a process of another machine its key in this
// State (Proc.Pid), a new one at its proc.start; records of this machine
// are returned as they are.
func (s *State) local(e trace.Record) trace.Record {
	if e.Host == "" {
		return e
	}
	if s.remote == nil {
		s.remote = map[hostPid]int{}
	}
	id := hostPid{e.Host, e.Pid}
	key, ok := s.remote[id]
	if !ok || e.Kind == trace.KindProcStart && s.procs[key] != nil && s.procs[key].Status == Exited {
		s.remotes++
		key = -s.remotes
		s.remote[id] = key
	}
	e.Pid = key
	if e.PPid != 0 {
		if k, ok := s.remote[hostPid{e.Host, e.PPid}]; ok {
			e.PPid = k
		}
	}
	return e
}

// Timing is a measured wall time: what, and how many seconds.
type Timing struct {
	Label   string
	Seconds float64
}

// FileState is a file's content as last read or written.
type FileState struct {
	Name    string
	Content string
}

// Fold folds a whole timeline (or a prefix of one) into a State.
func Fold(events []trace.Record) *State {
	s := &State{}
	for _, e := range events {
		s.Apply(e)
	}
	return s
}

// WatchdogIn is the watchdog's report in lang, control characters from
// the trace escaped; "" unless it stopped the demo.
func (s *State) WatchdogIn(lang string) string { return printable(s.WatchdogText.In(lang)) }

// Proc returns the process with the pid, or nil.
func (s *State) Proc(pid int) *Proc { return s.procs[pid] }

// Name is the name of the process with the pid, or the pid as text.
func (s *State) Name(pid int) string {
	if p := s.procs[pid]; p != nil {
		return p.Name
	}
	return fmt.Sprint(pid)
}

func (s *State) violate(e trace.Record, format string, a ...any) {
	s.Violations = append(s.Violations, fmt.Sprintf("seq %d: ", e.Seq)+fmt.Sprintf(format, a...))
}

func (s *State) findLock(name string) *LockState {
	for _, l := range s.Locks {
		if l.Name == name {
			return l
		}
	}
	return nil
}

func (s *State) findSem(name string) *SemState {
	for _, x := range s.Sems {
		if x.Name == name {
			return x
		}
	}
	return nil
}

func (s *State) findFlag(name string) *FlagState {
	for _, f := range s.Flags {
		if f.Name == name {
			return f
		}
	}
	return nil
}

func (s *State) lock(name string) *LockState {
	if l := s.findLock(name); l != nil {
		return l
	}
	l := &LockState{Name: name}
	s.Locks = append(s.Locks, l)
	return l
}

func (s *State) sem(name string) *SemState {
	if x := s.findSem(name); x != nil {
		return x
	}
	x := &SemState{Name: name}
	s.Sems = append(s.Sems, x)
	return x
}

func (s *State) flag(name string) *FlagState {
	if f := s.findFlag(name); f != nil {
		return f
	}
	f := &FlagState{Name: name}
	s.Flags = append(s.Flags, f)
	return f
}

func (s *State) file(name string) *FileState {
	for _, f := range s.Files {
		if f.Name == name {
			return f
		}
	}
	f := &FileState{Name: name}
	s.Files = append(s.Files, f)
	return f
}

// replaceFile moves src's content to dst, as a rename over dst does, and
// forgets src. A src the trace never showed leaves dst's content unknown.
func (s *State) replaceFile(src, dst string) {
	content := ""
	if i := slices.IndexFunc(s.Files, func(f *FileState) bool { return f.Name == src }); i >= 0 {
		content = s.Files[i].Content
		s.Files = slices.Delete(s.Files, i, i+1)
	}
	s.file(dst).Content = content
}

func remove(pids []int, pid int) []int {
	if i := slices.Index(pids, pid); i >= 0 {
		return slices.Delete(pids, i, i+1)
	}
	return pids
}

// Apply folds one more event into the state.
func (s *State) Apply(e trace.Record) {
	if s.procs == nil {
		s.procs = map[int]*Proc{}
	}
	switch {
	case s.End != nil:
		s.violate(e, "%s after the run's end (run.end)", e.Kind)
	case s.Ended && e.Kind != trace.KindRunEnd:
		s.violate(e, "%s after the session's final event", e.Kind)
	}
	if e.Seq <= s.Seq && s.Seq != 0 {
		s.violate(e, "seq does not increase (after %d)", s.Seq)
	}
	if e.TNs < s.TNs {
		s.violate(e, "t_ns goes back in time")
	}
	first := s.Seq == 0
	s.Seq, s.TNs = e.Seq, e.TNs
	osPid := e.Pid
	e = s.local(e)

	switch e.Kind {
	case trace.KindRunBegin:
		if !first {
			s.violate(e, "run.begin is not the first event")
		}
		r := payload[trace.RunBegin](e)
		s.Run = &r
		return
	case trace.KindRunEnd:
		if !s.Ended {
			s.violate(e, "run.end before MainProcess's exit")
		}
		r := payload[trace.RunEnd](e)
		s.End = &r
		if m := s.procs[s.mainPid]; m != nil && r.StoppedBy != "" && m.Status == Exited {
			m.StoppedBy = r.StoppedBy
		}
		return
	}
	if e.Kind == trace.KindProcStart {
		s.start(e, osPid)
		return
	}
	p := s.procs[e.Pid]
	if p == nil {
		s.violate(e, "%s from pid %d, which was never started", e.Kind, osPid)
		return
	}
	if p.Status == Exited {
		s.violate(e, "%s from %s after it exited", e.Kind, p.Name)
		return
	}
	p.Last, p.From = e, 0
	p.Status, p.On, p.Forever = Running, "", false
	switch e.Kind {
	case trace.KindProcExit:
		p.Zombie = false
		s.exit(p, e)
	case trace.KindProcZombie:
		p.Zombie = true
		s.pipeExit(p.Pid) // its descriptors closed as it exited
	case trace.KindProcJoin:
		if q := s.byName(e.Obj); q == nil || (q.Status != Exited && !q.Zombie) {
			s.block(p, "join "+e.Obj, e.Val)
		}
	case trace.KindSleep:
		p.Status = Sleeping
	case trace.KindLockWait:
		l := s.lock(e.Obj)
		l.Waiters = append(l.Waiters, p.Pid)
		s.block(p, e.Obj, e.Val)
	case trace.KindLockAcquire:
		s.lockAcquire(p, e)
	case trace.KindLockRelease:
		s.lockRelease(e)
	case trace.KindSemWait:
		x := s.sem(e.Obj)
		x.Waiters = append(x.Waiters, p.Pid)
		s.semValue(x, e.Val)
		s.block(p, e.Obj, payload[trace.SemValue](e).Timeout)
	case trace.KindSemAcquire:
		x := s.sem(e.Obj)
		x.Waiters = remove(x.Waiters, p.Pid)
		if string(e.Val) != "false" {
			x.Holders = append(x.Holders, p.Pid)
			s.semValue(x, e.Val)
			x.MaxInside = max(x.MaxInside, len(x.Holders))
			if x.Initial > 0 && len(x.Holders) > x.Initial {
				s.violate(e, "%d processes inside semaphore %s of value %d", len(x.Holders), x.Name, x.Initial)
			}
		}
	case trace.KindSemRelease:
		if e.Err == "" {
			x := s.sem(e.Obj)
			x.Holders = remove(x.Holders, p.Pid)
			s.semValue(x, e.Val)
		}
	case trace.KindEventWait:
		f := s.flag(e.Obj)
		f.Waiters = append(f.Waiters, p.Pid)
		s.block(p, e.Obj, e.Val)
	case trace.KindEventWake:
		f := s.flag(e.Obj)
		f.Waiters = remove(f.Waiters, p.Pid)
	case trace.KindEventSet:
		s.flag(e.Obj).Set = true
	case trace.KindEventClear:
		s.flag(e.Obj).Set = false
	case trace.KindCondWait, trace.KindCondNotify, trace.KindCondWake:
		s.applyCond(p, e)
	case trace.KindBarrierWait, trace.KindBarrierPass, trace.KindBarrierBroken, trace.KindBarrierAbort, trace.KindBarrierReset:
		s.applyBarrier(p, e)
	case trace.KindFileRead, trace.KindFileWrite, trace.KindFileAppend:
		var content string
		if json.Unmarshal(e.Val, &content) == nil {
			f := s.file(e.Obj)
			if e.Kind == trace.KindFileAppend {
				content = f.Content + content
			}
			f.Content = content
		}
	case trace.KindFileReplace:
		// os.replace(src, obj): obj holds what src held, src is gone
		var src string
		if json.Unmarshal(e.Val, &src) == nil {
			s.replaceFile(src, e.Obj)
		}
	case trace.KindTiming:
		var sec float64
		json.Unmarshal(e.Val, &sec)
		s.Timings = append(s.Timings, Timing{Label: e.Obj, Seconds: sec})
	case trace.KindWatchdog:
		var msg string
		json.Unmarshal(e.Val, &msg)
		s.Watchdog, s.WatchdogText = msg, watchdogText(e)
	case trace.KindQueueNew, trace.KindQueuePut, trace.KindQueueGet, trace.KindQueueBlock, trace.KindQueueTaskDone, trace.KindQueueJoin:
		s.applyQueue(p, e)
	case trace.KindPipeNew, trace.KindPipeInherit, trace.KindPipeSend, trace.KindPipeRecv, trace.KindPipeBlock, trace.KindPipeClose, trace.KindPipeEOF,
		trace.KindPipePoll:
		s.applyPipe(p, e)
	case trace.KindManagerNew, trace.KindManagerServe, trace.KindManagerBlock:
		s.applyManager(p, e)
	case trace.KindBrokerPublish, trace.KindBrokerDeliver, trace.KindBrokerRedeliver, trace.KindBrokerAck:
		s.applyBroker(p, e)
	case trace.KindManagerListen, trace.KindBrokerListen:
		s.Listening = append(s.Listening, payload[trace.Listen](e))
	case trace.KindPoolNew, trace.KindPoolWorker, trace.KindPoolSubmit, trace.KindPoolTaskStart, trace.KindPoolTaskDone,
		trace.KindPoolCallback, trace.KindPoolGet, trace.KindPoolClose, trace.KindPoolJoin, trace.KindPoolTerminate:
		s.applyPool(p, e)
	}
}

func (s *State) start(e trace.Record, osPid int) {
	if old := s.procs[e.Pid]; old != nil && old.Status != Exited {
		s.violate(e, "pid %d started twice", osPid)
	}
	p := &Proc{Pid: e.Pid, PPid: e.PPid, Host: e.Host, OSPid: osPid, Name: e.Proc, Last: e, Started: e.TNs}
	json.Unmarshal(e.Val, &p.Target)
	p.Server = p.Target == trace.TargetManagerServer || p.Target == trace.TargetForkServer
	if e.Daemon != nil {
		p.Daemon = *e.Daemon
	}
	if s.mainPid == 0 {
		s.mainPid = e.Pid
	}
	s.procs[e.Pid] = p
	s.Procs = append(s.Procs, p)
}

func (s *State) exit(p *Proc, e trace.Record) {
	p.Status, p.Ended = Exited, e.TNs
	json.Unmarshal(e.Val, &p.ExitCode)
	for _, l := range s.Locks {
		l.Waiters = remove(l.Waiters, p.Pid)
	}
	for _, x := range s.Sems {
		x.Waiters = remove(x.Waiters, p.Pid)
	}
	for _, f := range s.Flags {
		f.Waiters = remove(f.Waiters, p.Pid)
	}
	for _, q := range s.Queues {
		q.Putters = remove(q.Putters, p.Pid)
		q.Getters = remove(q.Getters, p.Pid)
	}
	s.pipeExit(p.Pid)
	s.poolExit(p.Pid)
	s.condBarrierExit(p.Pid)
	for _, q := range s.Procs {
		if q.Status == Blocked && q.On == "join "+p.Name {
			q.Status, q.On, q.Forever = Running, "", false
		}
	}
	if p.Pid == s.mainPid {
		s.Ended = true
		switch {
		case e.Obj == "stopped" && s.Watchdog != "", e.Obj == "" && s.Watchdog != "" && p.ExitCode < 0:
			// (A Go demo's main script is stopped and given -15; a
			// Python one is killed.)
			p.StoppedBy = trace.StoppedByWatchdog
		case e.Obj == "stopped":
			p.StoppedBy = trace.StoppedByUser
		}
		for _, q := range s.Procs {
			if q.Status != Exited {
				s.violate(e, "the session ended with %s still running", q.Name)
			}
		}
	}
}

func (s *State) block(p *Proc, on string, timeout json.RawMessage) {
	p.Status, p.On = Blocked, on
	p.Forever = len(timeout) == 0 || string(timeout) == "null"
}

func (s *State) lockAcquire(p *Proc, e trace.Record) {
	l := s.lock(e.Obj)
	l.Waiters = remove(l.Waiters, p.Pid)
	switch string(e.Val) {
	case "false":
		return
	case "true":
		if l.Holder != 0 {
			s.violate(e, "%s acquired lock %s held by %s", p.Name, l.Name, s.Name(l.Holder))
		}
		l.Holder, l.Depth = p.Pid, 1
	default: // an RLock acquired again: the new depth
		if l.Holder != p.Pid {
			s.violate(e, "%s re-entered lock %s held by %s", p.Name, l.Name, s.Name(l.Holder))
		}
		json.Unmarshal(e.Val, &l.Depth)
	}
}

func (s *State) lockRelease(e trace.Record) {
	if e.Err != "" {
		return
	}
	l := s.lock(e.Obj)
	if depth := 0; json.Unmarshal(e.Val, &depth) == nil && depth > 0 {
		l.Depth = depth
		return
	}
	l.Holder, l.Depth = 0, 0
}

func (s *State) semValue(x *SemState, val json.RawMessage) {
	var v struct {
		Value   int  `json:"value"`
		Initial *int `json:"initial"`
	}
	if json.Unmarshal(val, &v) == nil && v.Initial != nil && *v.Initial >= 0 {
		x.Value, x.Initial, x.Known = v.Value, *v.Initial, true
	}
}

func (s *State) byName(name string) *Proc {
	for i := len(s.Procs) - 1; i >= 0; i-- {
		if s.Procs[i].Name == name {
			return s.Procs[i]
		}
	}
	return nil
}

// Live lists the processes that have not exited.
func (s *State) Live() []*Proc {
	var live []*Proc
	for _, p := range s.Procs {
		if p.Status != Exited {
			live = append(live, p)
		}
	}
	return live
}

// Stuck reports whether every live process waits with no timeout, which
// nothing inside the demo can ever end. A process waiting for a lock that
// is free does not wait forever: the OS hands the lock to a waiter, whose
// acquire has not been told yet.
func (s *State) Stuck() bool {
	n := 0
	for _, p := range s.Live() {
		if p.Server { // it waits for calls as long as anyone may make one
			continue
		}
		if p.Status != Blocked || !p.Forever {
			return false
		}
		if l := s.findLock(p.On); l != nil && l.Holder == 0 && p.Last.Kind == trace.KindLockWait {
			return false
		}
		if s.mayProceed(p) {
			return false
		}
		n++
	}
	return n > 0
}

// mayProceed reports whether what p is blocked on already lets it go,
// though its step has not been told yet: a recv with a message sent its
// way, a get from a queue with an item, a put into a queue with room, an
// acquire of a semaphore above zero, a wait for an event that is set.
// Events reach the session in their causal order, but a process that
// blocked and was woken is told last: on a loaded machine, long enough
// for the watchdog to look.
func (s *State) mayProceed(p *Proc) bool {
	switch p.Last.Kind {
	case trace.KindPipeBlock:
		if pp, i := s.FindEnd(p.Last.Obj); pp != nil {
			return len(pp.Ends[1-i].Sent) > 0
		}
	case trace.KindQueueBlock:
		q := s.findQueue(p.Last.Obj)
		if q == nil {
			return false
		}
		if slices.Contains(q.Getters, p.Pid) {
			return len(q.Items) > 0
		}
		return q.Capacity > 0 && len(q.Items) < q.Capacity
	case trace.KindSemWait:
		x := s.findSem(p.Last.Obj)
		return x != nil && x.Known && x.Value > 0
	case trace.KindEventWait:
		f := s.findFlag(p.Last.Obj)
		return f != nil && f.Set
	}
	return false
}

// WhoWaits says, in a sentence, who waits on what and who holds it:
// "worker-0 and worker-1 wait for lock, held by holder, which exited with
// -15 and will never release it".
func (s *State) WhoWaits() string { return s.WhoWaitsText().String() }

// WhoWaitsText is WhoWaits as a format and its values.
func (s *State) WhoWaitsText() i18n.T {
	var order []string
	waiting := map[string][]string{}
	for _, p := range s.Live() {
		if p.Status != Blocked {
			continue
		}
		if _, seen := waiting[p.On]; !seen {
			order = append(order, p.On)
		}
		waiting[p.On] = append(waiting[p.On], p.Name)
	}
	parts := make([]i18n.T, 0, len(order))
	for _, on := range order {
		what := i18n.Code(on)
		if l := s.findLock(on); l != nil && l.Holder != 0 {
			what = s.heldBy(l)
		} else if why := s.managedBlocked(on, "acquire"); !why.IsZero() {
			what = why
		} else if end, ok := strings.CutPrefix(on, "recv "); ok {
			what = s.recvWaitsFor(end)
		}
		parts = append(parts, waitPhrase(waiting[on], what))
	}
	return semicolons(parts)
}

// semicolons is the clauses one after another, "a; b; c".
func semicolons(parts []i18n.T) i18n.T {
	if len(parts) == 0 {
		return i18n.T{}
	}
	t := parts[0]
	for _, p := range parts[1:] {
		t = i18n.Tf("%s; %s", t, p)
	}
	return t
}

// heldBy names a held lock and its holder, and says so when the holder is
// dead: "lock, held by holder, which exited with -15 and will never release
// it".
func (s *State) heldBy(l *LockState) i18n.T {
	t := i18n.Tf("%s, held by %s", l.Name, s.Name(l.Holder))
	if h := s.procs[l.Holder]; h != nil && h.Status == Exited {
		t = i18n.Join(t, i18n.Tf(", which exited with %d and will never release it", h.ExitCode))
	}
	return t
}

// waitPhrase is "a waits for x" or "a, b and c wait for x".
func waitPhrase(names []string, what i18n.T) i18n.T {
	if len(names) == 1 {
		return i18n.Tf("%s waits for %s", names[0], what)
	}
	return i18n.Tf("%s wait for %s", i18n.Names(names), what)
}

// Check folds a complete timeline and returns every broken invariant of
// DESIGN.md: the fold's own findings, plus what can only be seen at the end.
func Check(events []trace.Record) []string {
	s := Fold(events)
	v := slices.Clone(s.Violations)
	if len(events) > 0 && events[0].Seq != 1 {
		v = append(v, "the first seq is not 1")
	}
	if len(events) > 0 && events[0].Kind != trace.KindRunBegin {
		v = append(v, "the first event is not run.begin")
	}
	n := len(events)
	switch {
	case !s.Ended:
		v = append(v, "the timeline has no final event (MainProcess's proc.exit)")
	case events[n-1].Kind != trace.KindRunEnd:
		v = append(v, "the last event is not run.end")
	case n < 2 || events[n-2].Kind != trace.KindProcExit || events[n-2].Pid != s.mainPid:
		v = append(v, "the event before run.end is not MainProcess's exit")
	}
	return v
}

// payload reads a record's val as the payload type of its kind, as far
// as it goes: a trace is data from anywhere, and a field that is missing
// or of another type is left zero.
func payload[T any](r trace.Record) T {
	var v T
	json.Unmarshal(r.Val, &v)
	return v
}
