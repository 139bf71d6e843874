package pytrace

import (
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// Step and seeded modes. The tracer (py/proctour_trace/gate.py) sends, before
// each operation of a program's process, a "gate" message after every
// event the process wrote before it, and waits for a "go N" line on its
// connection. The run hands what arrives to sim's Scheduler — the scheduler
// of the Go demos, driven from here — in the order of the stamps, and
// writes the line when the scheduler releases the operation.
//
// The scheduler may judge only a fold that holds everything written so
// far (a manager's server tells of a call on its own connection before the
// caller, back from it, comes to the gate): a step happens only when every
// connection is drained — nothing unread in the socket, nothing read and
// not yet taken in.

// sock is a connection's socket and how far its bytes have been taken in.
type sock struct {
	c  *net.UnixConn
	rc syscall.RawConn
	mu sync.Mutex
	// got: bytes read from the socket; done: bytes the loop has taken in.
	got, done int64
	eof       bool
}

func newSock(c *net.UnixConn) *sock {
	rc, _ := c.SyscallConn()
	return &sock{c: c, rc: rc}
}

// Read reads from the socket, counting what it takes out of it in the same
// moment (under mu), so that drained never sees bytes that are neither in
// the socket nor counted.
func (s *sock) Read(p []byte) (int, error) {
	if s.rc == nil {
		return s.c.Read(p)
	}
	var n int
	var err error
	rerr := s.rc.Read(func(fd uintptr) bool {
		s.mu.Lock()
		n, err = readFD(fd, p)
		if n > 0 {
			s.got += int64(n)
		}
		s.mu.Unlock()
		return err != syscall.EAGAIN && err != syscall.EINTR
	})
	switch {
	case rerr != nil:
		return 0, rerr
	case err != nil:
		return 0, err
	case n <= 0:
		return 0, io.EOF
	}
	return n, nil
}

// took records bytes the loop has taken in.
func (s *sock) took(n int64, eof bool) {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.done += n
	s.eof = s.eof || eof
	s.mu.Unlock()
}

// drained reports whether everything the Python processes have written so
// far has been taken in, their connections' ends included (the loop's own
// goroutine).
func (r *Run) drained() bool {
	if len(r.inputs) > 0 {
		return false
	}
	r.socksMu.Lock()
	defer r.socksMu.Unlock()
	for _, s := range r.socks {
		s.mu.Lock()
		ok := s.eof || (s.got == s.done && !readable(s.c))
		s.mu.Unlock()
		if !ok {
			return false
		}
	}
	return true
}

// let carries out the scheduler's release.
func (r *Run) let(in sim.Intent) { r.letGo(in.Pid, in.Token()) }

// letGo writes "go n" to the process with pid.
func (r *Run) letGo(pid int, n int64) {
	s := r.pidSock[pid]
	if s == nil {
		return
	}
	s.c.Write([]byte("go " + strconv.FormatInt(n, 10) + "\n"))
}

// arrive hands the scheduler a gate message or a notice, in stamp order.
func (r *Run) arrive(pe pending) {
	m := pe.m
	p := r.proc(pe.pid)
	obj := ""
	if m.Obj != nil {
		obj = *m.Obj
	} else {
		obj = r.displayName(m.Oid)
	}
	if m.K == "notice" {
		switch m.Op {
		case "proc.dying":
			if d := r.procs[m.Pid]; d != nil && d.started && !d.exited {
				r.sched.Terminating(m.Pid)
				d.signaled = int(syscall.SIGTERM)
			}
		case "pool.handoff":
			r.sched.Handoff(obj)
		case "pool.delivered":
			r.sched.Delivered(obj)
		}
		return
	}
	if p.exited {
		r.letGo(pe.pid, m.N) // on its way out (a signal): nothing to hold
		return
	}
	r.sched.Arrive(sim.Arrival{Pid: pe.pid, Proc: p.name, Op: m.Op, Obj: obj, Line: m.Line,
		Timeout: m.Timeout, Initial: m.Initial, Reentrant: m.Reentrant, Method: m.Method, Job: m.Job, Token: m.N})
}

// step, once everything written so far is taken in, puts it in the
// timeline and lets the scheduler release the next operation.
func (r *Run) step() {
	if r.sched == nil {
		return
	}
	r.reapZombies()
	if r.drained() {
		// Everything written so far is in (each event is sent the moment
		// it happens, and a process's intent after its events), so stamp
		// order is the order things happened.
		r.release(true)
		r.sched.Schedule(r.state)
	}
	r.publishGate()
}

// publishGate makes the gate's state what Snapshot and Busy say.
func (r *Run) publishGate() {
	pend := r.sched.Pending(r.state)
	busy := !r.sched.Quiet()
	r.mu.Lock()
	defer r.mu.Unlock()
	same := busy == r.busyPub && slices.EqualFunc(pend, r.gatePub, func(a, b sim.Intent) bool {
		return a.Pid == b.Pid && a.Arrived == b.Arrived && a.CanProceed == b.CanProceed
	})
	r.gatePub, r.busyPub = pend, busy
	if !same {
		r.changedLocked()
	}
}

// request is a release asked for by another goroutine: the loop, which
// owns the scheduler and the fold, carries it out.
type request struct {
	fn    func() error
	reply chan error
}

func (r *Run) ask(fn func() error) error {
	if r.sched == nil || r.opts.Mode != sim.Step {
		return sim.ErrNotStepping
	}
	q := request{fn: fn, reply: make(chan error, 1)}
	select {
	case r.reqs <- q:
		return <-q.reply
	case <-r.done:
		return sim.ErrHalted
	}
}

func (r *Run) answer(fn func() error) error {
	if r.barked || r.killed {
		return sim.ErrHalted
	}
	if !r.drained() {
		return sim.ErrBusy
	}
	r.release(true)
	err := fn()
	r.publishGate()
	return err
}

// reapZombies, in step and seeded modes, tells the exit of a process that
// has ended (its connection closed) and that its parent has not reaped: a
// parent held at the gate may be waiting for exactly that exit (the end of
// the main code joining a daemon it terminated).
//
// Only when nothing else runs — every process that still runs has ended its
// connection — so that a parent's own report comes first whenever it can,
// and the exits found here go in the same order in every run (by name).
func (r *Run) reapZombies() {
	var ended []*proc
	for _, pid := range r.sched.Running() {
		p := r.procs[pid]
		if p == nil || pid == r.mainPid || !p.closed || !p.started || p.exitSeen || p.exited || p.reapCode != nil {
			return
		}
		ended = append(ended, p)
	}
	slices.SortFunc(ended, func(a, b *proc) int { return strings.Compare(a.name, b.name) })
	for _, p := range ended {
		pid := p.pid
		if code, ok := zombieCode(pid); ok {
			r.synthExit(p, code, monotonic())
		} else if p.signaled != 0 && gone(pid) {
			// Reaped by another than its parent (forkserver's children
			// are the fork server's): it was sent the signal and is gone,
			// so it died of it (the tracer's handler dies of SIGTERM).
			r.synthExit(p, -p.signaled, monotonic())
		}
	}
}

// signaled notes, from a proc.terminate of the timeline, the signal its
// target was sent.
func (r *Run) signaled(rec trace.Record) {
	sig := int(syscall.SIGTERM)
	if strings.Contains(string(rec.Val), "SIGKILL") {
		sig = int(syscall.SIGKILL)
	}
	for _, p := range r.procs {
		if p.name == rec.Obj && p.started && !p.exited && p.pid != rec.Pid {
			p.signaled = sig
		}
	}
}
