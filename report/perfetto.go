package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// TraceEvent is one event of the Chrome/Perfetto JSON trace format (the
// "Trace Event Format" that ui.perfetto.dev and chrome://tracing open).
// Times are microseconds since the session started. The field order is
// the order on a line: ph and ts come first because Perfetto's tokenizer
// looks for ts by reading the keys before it, and older ones cannot read
// a string with a \u escape (a name, an argument) on the way.
type TraceEvent struct {
	Ph   string   `json:"ph"`
	Ts   float64  `json:"ts"`
	Dur  *float64 `json:"dur,omitempty"` // X only; present even when 0, or Perfetto drops the slice
	Pid  int      `json:"pid"`
	Tid  int      `json:"tid"`
	Name string   `json:"name,omitempty"`
	Cat  string   `json:"cat,omitempty"`
	// ID is a flow's id (s, f): a number, as Perfetto reads a string id
	// as hexadecimal.
	ID int `json:"id,omitempty"`
	// ID2 scopes an async slice (b, e) to its process: Perfetto puts a
	// slice with a plain id on a global track, one with id2.local on a
	// track of the process that holds or waits.
	ID2   *AsyncID       `json:"id2,omitempty"`
	Bp    string         `json:"bp,omitempty"` // f: "e", bind to the enclosing slice
	Scope string         `json:"s,omitempty"`  // i: "g" global, "t" thread
	Args  map[string]any `json:"args,omitempty"`
}

// AsyncID is an async slice's process-scoped id: the resource's name.
type AsyncID struct {
	Local string `json:"local"`
}

// Perfetto writes events as a Chrome/Perfetto JSON trace.
func Perfetto(w io.Writer, events []trace.Record) error {
	return WritePerfetto(w, PerfettoEvents(events))
}

// WritePerfetto writes trace events as a JSON trace file: one line per
// event, inside {"traceEvents": [...]} and nothing else (Perfetto reads a
// "displayTimeUnit" as the unit of ts, and stops at a key it does not
// know).
func WritePerfetto(w io.Writer, evs []TraceEvent) error {
	bw := bufio.NewWriter(w)
	var line bytes.Buffer
	enc := json.NewEncoder(&line)
	enc.SetEscapeHTML(false) // print('<b>') stays as it is
	bw.WriteString(`{"traceEvents":[`)
	for i, e := range evs {
		line.Reset()
		if err := enc.Encode(e); err != nil {
			return fmt.Errorf("perfetto: %w", err)
		}
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteByte('\n')
		bw.Write(bytes.TrimSuffix(line.Bytes(), []byte("\n")))
	}
	bw.WriteString("\n]}\n")
	return bw.Flush()
}

// PerfettoEvents converts a trace into trace events:
//
//   - every process a track named with its proctour name and real pid
//     (M process_name, thread_name, process_sort_index), and its lifetime
//     as a slice from proc.start to proc.exit;
//   - on its thread track, each operation as a slice named in Python
//     terms (sim.Describe): a wait (sleep, join, a blocked get or recv,
//     event.wait, a zombie's wait for its parent) lasts until the
//     process's next event, any other operation 1 µs at most; a pool task
//     lasts from pool.task_start to its pool.task_done on the worker;
//     prints, exits and errors are instants, the watchdog a global one;
//   - lock and semaphore holds and waits as async slices (b/e), keyed by
//     the resource within the process that holds or waits, taken from
//     sim.State's holders and waiters, so that they agree with the fold;
//   - a semaphore's value and waiters, and a queue's items and waiting
//     getters and putters, as counters on MainProcess's track;
//   - flows (s, f) from a queue.put to the queue.get of its item (FIFO
//     order), from a pipe.send to the pipe.recv on the other end, from
//     a pool.submit to each of its tasks' starts, and from a manager's
//     serving of a call to the caller's return.
//
// Anything still open when the trace ends (a lock held by a process that
// was terminated, a wait the watchdog ended) is closed at its last event.
func PerfettoEvents(events []trace.Record) []TraceEvent {
	if len(events) == 0 {
		return nil
	}
	events, osPid := apartRemote(events)
	x := &exporter{
		osPid:   osPid,
		end:     events[len(events)-1].TNs,
		next:    nextOfProc(events),
		mainPid: events[0].Pid,
		started: map[int]open{},
		named:   map[int]int{},
		tasks:   map[taskKey]open{},
		submits: map[string]submitAt{},
		pending: map[string][]pendingFlow{},
		st:      &sim.State{},
		counter: map[string]string{},
	}
	for i, r := range events {
		x.apply(i, r)
	}
	x.finish()
	slices.SortStableFunc(x.out, func(a, b TraceEvent) int {
		switch {
		case a.Ts < b.Ts:
			return -1
		case a.Ts > b.Ts:
			return 1
		}
		return 0
	})
	return append(x.meta, x.out...)
}

// opDur is the longest an operation that does not wait is drawn: long
// enough for a flow to land inside it, short enough not to hide the next.
const opDur = 1000 // ns

// waits reports whether an operation of kind lasts until the process's
// next event: the process does nothing else until then. (A function, not
// a map: a package-level map is built at init, in every demo child.)
func waits(kind string) bool {
	switch kind {
	case trace.KindSleep, trace.KindProcJoin, trace.KindProcZombie,
		trace.KindEventWait, trace.KindQueueBlock, trace.KindQueueJoin,
		trace.KindPipeBlock, trace.KindPoolJoin, trace.KindLockWait, trace.KindSemWait:
		return true
	}
	return false
}

type exporter struct {
	meta, out []TraceEvent
	end       int64
	next      []int64 // t_ns of the same process's next event, or -1
	mainPid   int

	osPid   map[int]int  // a process of another machine's track pid → its pid there
	started map[int]open // pid → its lifetime slice
	named   map[int]int  // pid → its process_name in meta

	st    *sim.State
	locks []asyncSnap // before the event, for the diff

	tasks   map[taskKey]open // an unfinished pool task → its slice
	submits map[string]submitAt
	pending map[string][]pendingFlow // put/send/serve waiting for its get/recv/call
	flows   int
	counter map[string]string // counter name → its last args, to write only changes
}

// open is a slice whose end is not known yet: its index in out and
// when it began.
type open struct {
	i    int
	from int64
}

type taskKey struct {
	pool   string
	pid    int
	job, i int
}

type submitAt struct {
	pid int
	ts  int64
}

type pendingFlow struct {
	pid int
	ts  int64
	val []byte
}

// asyncSnap is who holds and who waits for a lock or semaphore.
type asyncSnap struct {
	cat, name      string
	holders, waits []int
}

// remoteTrackPid is where the track pids of processes of other machines
// begin: above any pid of this one (Linux's pid_max is at most 2^22).
const remoteTrackPid = 1 << 30

// apartRemote gives each process of another machine a track pid of its
// own: its pid may be one a process here, or on a third machine, has too.
// It returns a copy of events with those pids, and each one's pid on its
// machine.
func apartRemote(events []trace.Record) ([]trace.Record, map[int]int) {
	type hostPid struct {
		host string
		pid  int
	}
	var out []trace.Record
	track := map[hostPid]int{}
	osPid := map[int]int{}
	for i, r := range events {
		if r.Host == "" {
			continue
		}
		if out == nil {
			out = slices.Clone(events)
		}
		id := hostPid{r.Host, r.Pid}
		t, ok := track[id]
		if !ok || r.Kind == trace.KindProcStart {
			t = remoteTrackPid + len(osPid)
			track[id], osPid[t] = t, r.Pid
		}
		out[i].Pid = t
		if p, ok := track[hostPid{r.Host, r.PPid}]; ok && r.PPid != 0 {
			out[i].PPid = p
		}
	}
	if out == nil {
		return events, osPid
	}
	return out, osPid
}

func nextOfProc(events []trace.Record) []int64 {
	next := make([]int64, len(events))
	last := map[int]int64{}
	for i := len(events) - 1; i >= 0; i-- {
		r := events[i]
		if t, ok := last[r.Pid]; ok {
			next[i] = t
		} else {
			next[i] = -1
		}
		last[r.Pid] = r.TNs
	}
	return next
}

// us is ns in microseconds, the format's unit: the float that Perfetto's
// importer, which truncates µs×1000 to an integer, reads back as ns
// exactly. float64(ns)/1000 is read as ns-1 about once in a hundred
// times, enough to make a slice end 1 ns after the next one begins, which
// Perfetto takes for a child that outlives its parent.
func us(ns int64) float64 {
	x := float64(ns) / 1000
	for int64(x*1000) < ns {
		x = math.Nextafter(x, math.Inf(1))
	}
	return x
}

func dur(ns int64) *float64 { d := us(max(ns, 0)); return &d }

func (x *exporter) apply(i int, r trace.Record) {
	x.name(r)
	before := x.snapshot()
	x.st.Apply(r)
	x.diffAsync(r, before)
	x.counters(r)

	switch r.Kind {
	case trace.KindProcStart:
		x.started[r.Pid] = open{len(x.out), r.TNs}
		args := map[string]any{"pid": r.Pid}
		if r.PPid != 0 {
			args["ppid"] = r.PPid
		}
		if r.Daemon != nil {
			args["daemon"] = *r.Daemon
		}
		x.out = append(x.out, x.slice(r, r.Proc, "proc", r.TNs, 0, args))
		return
	case trace.KindProcExit:
		x.closeLife(r.Pid, r.TNs, r.Val)
		x.instant(r, "proc")
		return
	case trace.KindStdout, trace.KindError:
		x.instant(r, r.Kind)
		return
	case trace.KindWatchdog:
		e := x.instant(r, "watchdog")
		e.Scope = "g"
		return
	case trace.KindPoolTaskStart:
		x.taskStart(r)
		return
	case trace.KindPoolTaskDone:
		x.taskDone(r)
		return
	}
	d := min(int64(opDur), x.gap(i, r))
	if waits(r.Kind) {
		d = x.gap(i, r)
	}
	x.out = append(x.out, x.slice(r, sim.Describe(r), category(r.Kind), r.TNs, d, nil))
	if r.Err != "" {
		x.instant(r, "error").Name = r.Err
		return // queue.Full, EOFError: nothing was put, sent or received
	}
	x.flow(r)
}

// gap is how long until the process's next event (the trace's end if
// none).
func (x *exporter) gap(i int, r trace.Record) int64 {
	if t := x.next[i]; t >= 0 {
		return t - r.TNs
	}
	return x.end - r.TNs
}

func category(kind string) string {
	cat, _, _ := strings.Cut(kind, ".")
	return cat
}

// name gives a process its track's name the first time it is seen, and
// the name its proc.start gives it when that comes later: an event before
// it (the run's own, which shares MainProcess's pid) does not name the
// track.
func (x *exporter) name(r trace.Record) {
	i, ok := x.named[r.Pid]
	if ok && r.Kind != trace.KindProcStart {
		return
	}
	label := fmt.Sprintf("%s (pid %d)", r.Proc, r.Pid)
	if r.Host != "" {
		label = fmt.Sprintf("%s (pid %d on %s)", r.Proc, x.osPid[r.Pid], r.Host)
	}
	if ok { // renamed by its proc.start
		x.meta[i].Args["name"] = label
		x.meta[i+2].Args["name"] = r.Proc
		return
	}
	x.named[r.Pid] = len(x.meta)
	x.meta = append(x.meta,
		TraceEvent{Name: "process_name", Ph: "M", Pid: r.Pid, Tid: r.Pid, Args: map[string]any{"name": label}},
		TraceEvent{Name: "process_sort_index", Ph: "M", Pid: r.Pid, Tid: r.Pid, Args: map[string]any{"sort_index": len(x.named)}},
		TraceEvent{Name: "thread_name", Ph: "M", Pid: r.Pid, Tid: r.Pid, Args: map[string]any{"name": r.Proc}})
}

func (x *exporter) slice(r trace.Record, name, cat string, from, d int64, args map[string]any) TraceEvent {
	if args == nil {
		args = map[string]any{}
	}
	args["seq"] = r.Seq
	if r.Line > 0 {
		args["line"] = r.Line
	}
	if r.Obj != "" {
		args["obj"] = r.Obj
	}
	if r.Err != "" {
		args["err"] = r.Err
	}
	if _, ok := args["val"]; !ok && len(r.Val) > 0 && string(r.Val) != "null" {
		args["val"] = r.Val
	}
	return TraceEvent{Name: name, Cat: cat, Ph: "X", Ts: us(from), Dur: dur(d), Pid: r.Pid, Tid: r.Pid, Args: args}
}

// instant adds a thread-scoped instant and returns it, to adjust.
func (x *exporter) instant(r trace.Record, cat string) *TraceEvent {
	e := x.slice(r, sim.Describe(r), cat, r.TNs, 0, nil)
	e.Ph, e.Dur, e.Scope = "i", nil, "t"
	x.out = append(x.out, e)
	return &x.out[len(x.out)-1]
}

// closeLife ends a process's lifetime slice at t.
func (x *exporter) closeLife(pid int, t int64, code json.RawMessage) {
	o, ok := x.started[pid]
	if !ok {
		return
	}
	delete(x.started, pid)
	e := &x.out[o.i]
	e.Dur = dur(t - o.from)
	if code != nil {
		e.Args["exitcode"] = code
	}
}

func (x *exporter) taskStart(r trace.Record) {
	var v trace.PoolTask
	json.Unmarshal(r.Val, &v)
	name := fmt.Sprintf("task: job %d item %d", v.Job, v.I)
	if v.Func != "" {
		name = fmt.Sprintf("task: %s(%s)", funcShort(v.Func), string(v.Args))
	}
	k := taskKey{pool: r.Obj, pid: r.Pid, job: v.Job, i: v.I}
	x.tasks[k] = open{len(x.out), r.TNs}
	x.out = append(x.out, x.slice(r, name, "pool", r.TNs, 0, nil))
	if s, ok := x.submits[fmt.Sprintf("%s\x00%d", r.Obj, v.Job)]; ok {
		x.link("pool", "submit → task", s.pid, s.ts, r.Pid, r.TNs)
	}
}

func (x *exporter) taskDone(r trace.Record) {
	var v trace.PoolTask
	json.Unmarshal(r.Val, &v)
	k := taskKey{pool: r.Obj, pid: r.Pid, job: v.Job, i: v.I}
	o, ok := x.tasks[k]
	if !ok {
		x.out = append(x.out, x.slice(r, sim.Describe(r), "pool", r.TNs, 0, nil))
		return
	}
	delete(x.tasks, k)
	e := &x.out[o.i]
	e.Dur = dur(r.TNs - o.from)
	e.Args["done_seq"] = r.Seq
	if len(v.Result) > 0 {
		e.Args["result"] = v.Result
	}
	if r.Err != "" {
		e.Args["err"] = r.Err
		x.instant(r, "error").Name = r.Err
	}
}

func funcShort(f string) string {
	if _, after, ok := strings.Cut(f, "."); ok {
		return after
	}
	return f
}

// flow records the sending half of a flow, or ends one at its receiving
// half. Only a flow whose both ends are found is written.
func (x *exporter) flow(r trace.Record) {
	switch r.Kind {
	case trace.KindQueuePut:
		x.pend("queue\x00"+r.Obj, r)
	case trace.KindQueueGet:
		x.match("queue", "put → get", "queue\x00"+r.Obj, r)
	case trace.KindPipeSend:
		if p, j := x.st.FindEnd(r.Obj); p != nil {
			x.pend(fmt.Sprintf("pipe\x00%s\x00%d", p.Name, 1-j), r)
		}
	case trace.KindPipeRecv:
		if p, j := x.st.FindEnd(r.Obj); p != nil {
			x.match("pipe", "send → recv", fmt.Sprintf("pipe\x00%s\x00%d", p.Name, j), r)
		}
	case trace.KindManagerServe:
		var v trace.ManagerServe
		if json.Unmarshal(r.Val, &v) == nil {
			key := fmt.Sprintf("manager\x00%d\x00%s\x00%s", v.Pid, r.Obj, v.Method)
			x.pending[key] = append(x.pending[key], pendingFlow{pid: r.Pid, ts: r.TNs})
		}
	case trace.KindManagerCall:
		var v trace.ManagerCall
		if json.Unmarshal(r.Val, &v) == nil {
			key := fmt.Sprintf("manager\x00%d\x00%s\x00%s", r.Pid, r.Obj, v.Method)
			if q := x.pending[key]; len(q) > 0 {
				x.pending[key] = q[1:]
				x.link("manager", "serve → return", q[0].pid, q[0].ts, r.Pid, r.TNs)
			}
		}
	case trace.KindPoolSubmit:
		var v trace.PoolSubmit
		if json.Unmarshal(r.Val, &v) == nil {
			x.submits[fmt.Sprintf("%s\x00%d", r.Obj, v.Job)] = submitAt{pid: r.Pid, ts: r.TNs}
		}
	}
}

func (x *exporter) pend(key string, r trace.Record) {
	x.pending[key] = append(x.pending[key], pendingFlow{pid: r.Pid, ts: r.TNs, val: compact(r.Val)})
}

// match ends the flow of the oldest pending item equal to r's: a queue
// and a pipe deliver in order, and the item says which put it was when
// several processes put.
func (x *exporter) match(cat, name, key string, r trace.Record) {
	q := x.pending[key]
	val := compact(r.Val)
	for k, p := range q {
		if bytes.Equal(p.val, val) {
			x.pending[key] = slices.Delete(q, k, k+1)
			x.link(cat, name, p.pid, p.ts, r.Pid, r.TNs)
			return
		}
	}
}

func compact(v json.RawMessage) []byte {
	var b bytes.Buffer
	if json.Compact(&b, v) != nil {
		return v
	}
	return b.Bytes()
}

// link writes a flow from the slice at (fromPid, from) to the one at
// (toPid, to): s and f with the same id, cat and name; f binds to the
// slice enclosing it.
func (x *exporter) link(cat, name string, fromPid int, from int64, toPid int, to int64) {
	x.flows++
	x.out = append(x.out,
		TraceEvent{Name: name, Cat: cat, Ph: "s", Ts: us(from), Pid: fromPid, Tid: fromPid, ID: x.flows},
		TraceEvent{Name: name, Cat: cat, Ph: "f", Bp: "e", Ts: us(to), Pid: toPid, Tid: toPid, ID: x.flows})
}

// snapshot copies who holds and waits for each lock and semaphore.
func (x *exporter) snapshot() []asyncSnap {
	var out []asyncSnap
	for _, l := range x.st.Locks {
		s := asyncSnap{cat: "lock", name: l.Name, waits: slices.Clone(l.Waiters)}
		if l.Holder != 0 {
			s.holders = []int{l.Holder}
		}
		out = append(out, s)
	}
	for _, m := range x.st.Sems {
		s := asyncSnap{cat: "sem", name: m.Name, waits: slices.Clone(m.Waiters)}
		// A Semaphore(0) is a signal: one process releases what another
		// acquires, and nobody "holds" it; its value is a counter track.
		if m.Initial > 0 {
			s.holders = slices.Clone(m.Holders)
		}
		out = append(out, s)
	}
	return out
}

// diffAsync ends the holds and waits that the event ended and begins
// those it began.
func (x *exporter) diffAsync(r trace.Record, before []asyncSnap) {
	after := x.snapshot()
	find := func(list []asyncSnap, cat, name string) asyncSnap {
		for _, s := range list {
			if s.cat == cat && s.name == name {
				return s
			}
		}
		return asyncSnap{cat: cat, name: name}
	}
	for _, a := range after {
		b := find(before, a.cat, a.name)
		x.asyncDiff(r, a.cat+".wait", "waits for "+a.name, a.name, b.waits, a.waits)
		x.asyncDiff(r, a.cat, "holds "+a.name, a.name, b.holders, a.holders)
	}
	x.locks = after
}

// asyncDiff writes e for each pid in was and not in is (as many as it
// lost) and b for each new one.
func (x *exporter) asyncDiff(r trace.Record, cat, name, id string, was, is []int) {
	count := func(l []int) map[int]int {
		m := map[int]int{}
		for _, p := range l {
			m[p]++
		}
		return m
	}
	w, n := count(was), count(is)
	for _, pid := range union(was, is) {
		for k := n[pid]; k < w[pid]; k++ {
			e := TraceEvent{Name: name, Cat: cat, Ph: "e", Ts: us(r.TNs), Pid: pid, Tid: pid, ID2: &AsyncID{id}}
			if r.Seq == 0 { // finish: the trace ended first
				e.Args = map[string]any{"unended": "still so when the trace ended"}
			}
			x.out = append(x.out, e)
		}
		for k := w[pid]; k < n[pid]; k++ {
			x.out = append(x.out, TraceEvent{Name: name, Cat: cat, Ph: "b", Ts: us(r.TNs), Pid: pid, Tid: pid, ID2: &AsyncID{id},
				Args: map[string]any{"seq": r.Seq, "by": sim.Describe(r)}})
		}
	}
}

func union(a, b []int) []int {
	out := slices.Clone(a)
	for _, p := range b {
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// counters writes a semaphore's and a queue's counters when the event
// changed them.
func (x *exporter) counters(r trace.Record) {
	for _, m := range x.st.Sems {
		x.count(r, "semaphore "+m.Name, map[string]any{"value": m.Value, "waiting": len(m.Waiters)})
	}
	for _, q := range x.st.Queues {
		x.count(r, "queue "+q.Name, map[string]any{"items": len(q.Items), "getters waiting": len(q.Getters), "putters waiting": len(q.Putters)})
	}
}

func (x *exporter) count(r trace.Record, name string, args map[string]any) {
	b, _ := json.Marshal(args)
	if x.counter[name] == string(b) {
		return
	}
	x.counter[name] = string(b)
	x.out = append(x.out, TraceEvent{Name: name, Cat: "counter", Ph: "C", Ts: us(r.TNs), Pid: x.mainPid, Tid: x.mainPid, Args: args})
}

// finish closes what the trace left open at its end.
func (x *exporter) finish() {
	for _, o := range x.tasks {
		e := &x.out[o.i]
		e.Dur = dur(x.end - o.from)
		e.Args["unfinished"] = true
	}
	end := trace.Record{TNs: x.end}
	for _, s := range x.locks {
		x.asyncDiff(end, s.cat, "holds "+s.name, s.name, s.holders, nil)
		x.asyncDiff(end, s.cat+".wait", "waits for "+s.name, s.name, s.waits, nil)
	}
	for pid := range x.started {
		x.closeLife(pid, x.end, nil)
	}
}
