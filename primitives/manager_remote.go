package primitives

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/proctour/proctour/trace"
)

// A manager served over TCP: Python's
//
//	m = BaseManager(address=('', 50000), authkey=b'secret'); m.start()
//
// on one machine, and on another
//
//	m = BaseManager(address=('server', 50000), authkey=b'secret'); m.connect()
//
// The server is the same as Manager's, its listener a TCP socket; the
// same challenge proves each side knows the authkey. Objects are found by
// name (Lookup), as `register('get_queue', callable=lambda: q)` exposes
// one. Like Python's, it is for trusted networks only: Python's unpickles
// what it receives; this one decodes JSON, but anyone with the authkey may
// call any method of any object.

// mgrNetwork is the network of a manager address: a socket path is Unix,
// HOST:PORT is TCP.
func mgrNetwork(addr string) string {
	if strings.HasPrefix(addr, "/") || strings.HasPrefix(addr, ".") {
		return "unix"
	}
	return "tcp"
}

// NewManagerAt is BaseManager(address=addr, authkey=authkey).start(): the
// server process listens on TCP addr ("127.0.0.1:0" takes a free port;
// Address says which). Processes of this session use its proxies as any
// manager's; processes of other machines connect with ConnectManager.
func (rt *Runtime) NewManagerAt(addr string, authkey []byte) (*Manager, error) {
	if len(authkey) == 0 {
		return nil, pyErr("ValueError", "a manager served over TCP needs an authkey")
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("manager: cannot listen on %s: %w", addr, NetError(err))
	}
	f, err := l.(*net.TCPListener).File()
	bound := l.Addr().String()
	l.Close()
	if err != nil {
		return nil, fmt.Errorf("manager: %w", err)
	}
	defer f.Close()
	m := &Manager{rt: rt, addr: bound, authkey: append([]byte(nil), authkey...)}
	m.proc = NewProcess(rt, managerServer, managerArgs{Listener: File{f}, Key: fmt.Sprintf("%x", authkey)})
	m.proc.Name = "SyncManager-" + m.proc.identity
	if err := m.proc.Start(); err != nil {
		return nil, fmt.Errorf("manager: %w", err)
	}
	rt.mu.Lock()
	down := rt.managersDown
	if !down {
		rt.managers = append(rt.managers, m)
	}
	rt.mu.Unlock()
	if down {
		m.Shutdown()
		return nil, fmt.Errorf("manager: the main code has ended")
	}
	return m, nil
}

// ConnectManager is BaseManager(address=addr, authkey=authkey).connect():
// no server process of its own, a connection to one that runs elsewhere.
// A wrong authkey is an AuthenticationError; nobody listening there, an
// OSError (ConnectionRefusedError). Shutdown lets go of the connection.
func (rt *Runtime) ConnectManager(addr string, authkey []byte) (*Manager, error) {
	m := &Manager{rt: rt, addr: addr, authkey: append([]byte(nil), authkey...)}
	if _, err := managerConn(rt, addr, m.authkey); err != nil {
		return nil, err
	}
	return m, nil
}

// Lookup is a registered typeid's call, `q = m.get_queue()`: a proxy for
// the object the server holds under name (the first made with that name).
func (m *Manager) Lookup(name string) (*Proxy, error) {
	raw, _ := json.Marshal(name)
	c, err := managerConn(m.rt, m.addr, m.authkey)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn == nil {
		return nil, c.lost(errors.New("connection closed"))
	}
	var found struct{ ID, Type string }
	if err := c.call(m.rt, mgrRequest{Method: "lookup", Args: []json.RawMessage{raw}, Pid: m.rt.pid, Proc: m.rt.name}, &found); err != nil {
		return nil, err
	}
	return &Proxy{rt: m.rt, Type: found.Type, name: name, id: found.ID, addr: m.addr, key: m.authkey}, nil
}

// Remotes is how many processes of other machines are joined to the
// server now (relaying their events, below).
func (m *Manager) Remotes() (int, error) {
	c, err := managerConn(m.rt, m.addr, m.authkey)
	if err != nil {
		return 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn == nil {
		return 0, c.lost(errors.New("connection closed"))
	}
	var n int
	err = c.call(m.rt, mgrRequest{Method: "remotes", Pid: m.rt.pid, Proc: m.rt.name}, &n)
	return n, err
}

func (s *mgrServer) lookup(req mgrRequest) mgrReply {
	var name string
	if len(req.Args) != 1 || json.Unmarshal(req.Args[0], &name) != nil {
		return mgrReply{Err: "TypeError", Msg: "lookup needs a name"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var best *mobj
	for _, o := range s.objs {
		if o.name == name && (best == nil || len(o.id) < len(best.id) || (len(o.id) == len(best.id) && o.id < best.id)) {
			best = o
		}
	}
	if best == nil {
		return mgrReply{Err: "KeyError", Msg: fmt.Sprintf("the manager holds nothing called %q", name)}
	}
	b, _ := json.Marshal(struct{ ID, Type string }{best.id, best.typ})
	return mgrReply{Val: b}
}

// refused reports a connection turned away for a wrong authkey.
func (s *mgrServer) refused(peer net.Addr) {
	if s.rt.trace != nil && peer != nil && mgrNetwork(peer.String()) == "tcp" {
		s.rt.Emit(trace.KindManagerRefuse, "", peer.String())
	}
}

// Relaying: a process of another machine has no share in this session's
// trace pipe or its counter, so it sends its events over a connection of
// its own to the server, which writes them into the session's trace with
// their host. The session orders them when they arrive: after the
// server's manager.serve of each call, since the caller reports its call
// once the reply is back.

// remoteLanes are the relayed processes whose exit has not come yet, by
// the connection that relays them.
type remoteLanes struct {
	mu     sync.Mutex
	lanes  map[*Conn]map[int]trace.Record // proc.start records by pid
	closed bool
}

func (r *remoteLanes) relay(rt *Runtime, conn *Conn, req mgrRequest) {
	if len(req.Args) != 1 {
		return
	}
	var w Wire
	if json.Unmarshal(req.Args[0], &w) != nil || w.Host == "" || w.Kind == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	lanes := r.lanes[conn]
	switch w.Kind {
	case trace.KindProcStart:
		if r.lanes == nil {
			r.lanes = map[*Conn]map[int]trace.Record{}
		}
		if lanes == nil {
			lanes = map[int]trace.Record{}
			r.lanes[conn] = lanes
		}
		w.Host = r.unique(conn, w.Host, w.Pid)
		lanes[w.Pid] = w.Record
	case trace.KindProcExit:
		start, ok := lanes[w.Pid]
		if !ok {
			return
		}
		w.Host = start.Host
		delete(lanes, w.Pid)
	default:
		start, ok := lanes[w.Pid]
		if !ok {
			return // not started here: dropped
		}
		w.Host = start.Host // as its proc.start was written
	}
	val := w.Val
	w.Record.Val = nil
	rt.emitFor(w.Record, val)
}

// unique is the host a process relayed by conn is written with: the one
// its worker gives, unless a process of another connection with that host
// name and the same pid has a lane open (two machines with one name, as
// classroom machines made from one image can be): then "NAME#2", "NAME#3",
// …, so that no two lanes have the same host and pid.
func (r *remoteLanes) unique(conn *Conn, host string, pid int) string {
	taken := func(h string) bool {
		for c, lanes := range r.lanes {
			if start, ok := lanes[pid]; ok && c != conn && start.Host == h {
				return true
			}
		}
		return false
	}
	name := host
	for n := 2; taken(name); n++ {
		name = fmt.Sprintf("%s#%d", host, n)
	}
	return name
}

// lost ends the lanes of a relaying connection that closed without their
// exits (the worker was killed, or its machine went away): each gets a
// proc.exit with exit code 1 and err ConnectionResetError, the server's
// view of it.
func (r *remoteLanes) lost(rt *Runtime, conn *Conn) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	for _, start := range r.lanes[conn] {
		r.exit(rt, start)
	}
	delete(r.lanes, conn)
}

// closeAll ends every relayed lane as the server goes down: their
// connections close, and no event of theirs may follow the session's end.
func (r *remoteLanes) closeAll(rt *Runtime) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, lanes := range r.lanes {
		for _, start := range lanes {
			r.exit(rt, start)
		}
	}
	r.lanes, r.closed = nil, true
}

func (r *remoteLanes) exit(rt *Runtime, start trace.Record) {
	rt.emitFor(trace.Record{Pid: start.Pid, Proc: start.Proc, Host: start.Host, Kind: trace.KindProcExit, Err: "ConnectionResetError"}, 1)
}

func (r *remoteLanes) open() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, lanes := range r.lanes {
		n += len(lanes)
	}
	return n
}

// Relay is a process of another machine joining a manager's session: it
// reads the process's own trace (t, whose events rt writes with Host set
// by NewRemote) and sends each event to the server at addr over a
// connection of its own. Close waits until every event written before it
// has been sent.
type Relay struct {
	c    *mgrConn
	t    *Trace
	done chan struct{}
	err  error
}

// NewRelay connects to the manager at addr and relays t's events there.
func NewRelay(addr string, authkey []byte, t *Trace) (*Relay, error) {
	c, err := dialManager(nil, addr, authkey)
	if err != nil {
		return nil, err
	}
	r := &Relay{c: c, t: t, done: make(chan struct{})}
	go r.run()
	return r, nil
}

func (r *Relay) run() {
	defer close(r.done)
	sc := bufio.NewScanner(r.t.Reader())
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := append([]byte(nil), sc.Bytes()...)
		b, _ := json.Marshal(mgrRequest{Method: "relay", Args: []json.RawMessage{line}})
		r.c.c.SetWriteDeadline(time.Now().Add(10 * time.Second))
		if err := writeFrame(r.c.c, b); err != nil {
			r.err = err
			io.Copy(io.Discard, r.t.Reader()) // keep the writer from blocking
			return
		}
	}
}

// Close closes the trace's write end, waits for the relay to send what was
// written, and closes the connection. It reports a relay that broke.
func (r *Relay) Close() error {
	r.t.CloseWriter()
	<-r.done
	r.c.c.Close()
	r.t.Close()
	return r.err
}

// NewRemote makes the Runtime of a process of another machine: events go
// to t, named name and marked with host.
func NewRemote(t *Trace, name, host string, speed float64) *Runtime {
	rt := NewMain(MainOptions{Trace: t, Speed: speed})
	rt.name, rt.host = name, host
	return rt
}

// NetError is err without net.OpError's prefix ("dial tcp 127.0.0.1:1:
// connect: "), for a message of one line: "connection refused".
func NetError(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		var sys *os.SyscallError
		if errors.As(op.Err, &sys) {
			return sys.Err
		}
		return op.Err
	}
	return err
}
