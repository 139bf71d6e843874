package sim

import (
	"cmp"
	"encoding/json"
	"math"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

// terminateAll sends SIGTERM to every process of the session, then SIGKILL
// to any still there a second later.
func (s *Session) terminateAll() {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
		s.rt.KillAll(sig)
		for _, pid := range s.livePids() { // descendants started by children
			if p, err := os.FindProcess(pid); err == nil {
				p.Signal(sig)
			}
		}
		select {
		case <-s.done:
			return
		case <-time.After(time.Second):
		}
	}
}

func (s *Session) livePids() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	var pids []int
	for _, p := range s.state.Live() {
		// (a process of another machine, relayed, is not ours to signal:
		// its pid is that machine's)
		if p.Pid != s.rt.Pid() && p.Host == "" {
			pids = append(pids, p.Pid)
		}
	}
	return pids
}

// endTail adds what followed the watchdog's report (step and seeded modes)
// to the timeline: MainProcess's events first, then each process's in the
// order they were started, each process's own in the order they came. The
// numbers and times they came with are handed out again in order.
func (s *Session) endTail() {
	s.mu.Lock()
	tail := s.tail
	s.tail, s.tailing = nil, false
	s.mu.Unlock()
	if len(tail) == 0 {
		return
	}
	rank := map[int]int{s.rt.Pid(): -1}
	for i, r := range s.Timeline() {
		if _, ok := rank[r.Pid]; !ok && r.Kind == trace.KindProcStart {
			rank[r.Pid] = i
		}
	}
	lane := func(r trace.Record) int {
		if i, ok := rank[r.Pid]; ok {
			return i
		}
		return math.MaxInt // not started in the timeline (an orphan's child): last
	}
	sorted := slices.Clone(tail)
	slices.SortStableFunc(sorted, func(a, b trace.Record) int {
		if c := cmp.Compare(lane(a), lane(b)); c != 0 {
			return c
		}
		return strings.Compare(a.Proc, b.Proc)
	})
	for i := range sorted {
		sorted[i].Seq, sorted[i].TNs = tail[i].Seq, tail[i].TNs
	}
	for _, r := range sorted {
		s.append(r)
	}
}

// finalEvent ends the timeline: MainProcess's exit, then run.end (how
// the run ended, and the scenario's outcome).
func (s *Session) finalEvent(code int, stopped bool) {
	_, mono := s.trace.Stamp()
	val, _ := json.Marshal(code)
	s.mu.Lock()
	r := trace.Record{
		Seq: 1, TNs: mono - s.begin,
		Pid: s.rt.Pid(), Proc: s.rt.Name(), Kind: trace.KindProcExit, Val: val,
	}
	if code == -15 {
		r.Obj = "stopped"
	}
	if n := len(s.timeline); n > 0 {
		r.Seq, r.TNs = s.timeline[n-1].Seq+1, max(r.TNs, s.timeline[n-1].TNs)
	}
	s.timeline = append(s.timeline, r)
	s.state.Apply(r)
	end := trace.RunEnd{Exit: code}
	switch {
	case stopped && s.state.Watchdog != "":
		end.StoppedBy = trace.StoppedByWatchdog
	case stopped:
		end.StoppedBy = trace.StoppedByUser
	}
	if s.opts.Outcome != nil {
		if n, ok := s.opts.Outcome(s.timeline); ok {
			end.Outcome, end.OutcomeLabel = &n, s.opts.OutcomeLabel
		}
	}
	if s.gate != nil {
		end.Schedule = EncodeSchedule(s.gate.played)
	}
	e := trace.Record{Seq: r.Seq + 1, TNs: r.TNs, Pid: s.rt.Pid(), Proc: trace.RunProc, Kind: trace.KindRunEnd, Val: mustJSON(end)}
	s.timeline = append(s.timeline, e)
	s.state.Apply(e)
	s.closed = true
	s.broadcast()
	s.mu.Unlock()
	select {
	case s.changed <- struct{}{}:
	default:
	}
}

// subreaper: proctour adopts the orphans of its demos' processes (Linux),
// so that an orphan stays in the session, is seen to exit, and is reaped.
var subreaper sync.Once

// reapOrphans reaps the session's orphans that have exited (block: waits
// for each, as at the end when they have been killed) and reports their
// exits, which their dead parents cannot.
func (s *Session) reapOrphans(block bool) {
	type orphan struct {
		pid  int
		name string
	}
	var orphans []orphan
	s.mu.Lock()
	for _, p := range s.state.Live() {
		if parent := s.state.Proc(p.PPid); p.Pid != s.rt.Pid() && parent != nil && parent.Status == Exited {
			orphans = append(orphans, orphan{p.Pid, p.Name})
		}
	}
	s.mu.Unlock()
	for _, o := range orphans {
		if code, ok := primitives.ReapOrphan(o.pid, block); ok {
			s.rt.ReportExit(o.pid, o.name, code)
		}
	}
}
