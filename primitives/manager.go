package primitives

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/proctour/proctour/trace"
)

// Python's errors of a manager connection.
var (
	errDigestRejected = func() *Error { return pyErr("AuthenticationError", "digest sent was rejected") }
	errDigestWrong    = func() *Error { return pyErr("AuthenticationError", "digest received was wrong") }
)

// Manager is multiprocessing.Manager(): a server process that holds objects
// (dicts, lists, a Namespace, Values, Locks, Queues) which other processes
// use through proxies. Every proxy call is one round trip over a Unix
// socket to the server, where the call runs; so `d['count'] -= 1` is two
// calls, a get and a set, and another process's calls can come between
// them.
//
// The socket lives in a private directory (mode 0700; the socket 0600) and
// every connection proves it knows the manager's authkey by challenge and
// response, as Python's do.
type Manager struct {
	rt      *Runtime
	proc    *Process
	dir     string
	addr    string
	authkey []byte
	once    sync.Once
	mu      sync.Mutex
}

type managerArgs struct {
	Listener File
	Key      string
}

// managerServer is the server process's target.
var managerServer = Register(trace.TargetManagerServer, func(rt *Runtime, a managerArgs) error {
	key, err := hex.DecodeString(a.Key)
	if err != nil {
		return err
	}
	l, err := net.FileListener(a.Listener.File)
	a.Listener.Close()
	if err != nil {
		return err
	}
	return serveManager(rt, l, key)
})

// NewManager is Manager(): it starts the server process (named
// SyncManager-N, as Python names it) and returns once it listens. Shut it
// down with Shutdown, or let the main code's end do it.
func (rt *Runtime) NewManager() (*Manager, error) {
	dir, err := os.MkdirTemp("", fmt.Sprintf("proctour-%d-manager-", os.Getpid()))
	if err != nil {
		return nil, err
	}
	m := &Manager{rt: rt, dir: dir, addr: filepath.Join(dir, "listener")}
	fail := func(err error) (*Manager, error) {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("manager: %w", err)
	}
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: m.addr, Net: "unix"})
	if err != nil {
		return fail(err)
	}
	l.SetUnlinkOnClose(false)
	if err := os.Chmod(m.addr, 0o600); err != nil {
		l.Close()
		return fail(err)
	}
	f, err := l.File()
	l.Close()
	if err != nil {
		return fail(err)
	}
	defer f.Close()
	m.authkey = make([]byte, 32)
	rand.Read(m.authkey)
	m.proc = NewProcess(rt, managerServer, managerArgs{Listener: File{f}, Key: hex.EncodeToString(m.authkey)})
	m.proc.Name = "SyncManager-" + m.proc.identity
	if err := m.proc.Start(); err != nil {
		return fail(err)
	}
	rt.mu.Lock()
	down := rt.managersDown
	if !down {
		rt.managers = append(rt.managers, m)
	}
	rt.mu.Unlock()
	if down { // the session stopped while this one started
		m.Shutdown()
		return nil, fmt.Errorf("manager: the main code has ended")
	}
	return m, nil
}

// UseManager is `with Manager() as manager:`: the manager lives while fn
// runs and is shut down after, whatever fn returns.
func (rt *Runtime) UseManager(fn func(m *Manager) error) error {
	m, err := rt.NewManager()
	if err != nil {
		return err
	}
	defer m.Shutdown()
	return fn(m)
}

// Address is the manager's socket path.
func (m *Manager) Address() string { return m.addr }

// Process is the manager's server process.
func (m *Manager) Process() *Process { return m.proc }

// Shutdown stops the server process and waits for it, as manager.shutdown()
// does; it is what the end of a `with` block and of the main code do. A
// second call does nothing.
func (m *Manager) Shutdown() {
	m.once.Do(func() {
		if m.proc == nil { // connect()ed to another's server: only let go of it
			dropManagerConn(m.addr)
			return
		}
		if c, err := dialManager(nil, m.addr, m.authkey); err == nil {
			// Not c.call: this runs after a stopped session too.
			c.c.SetDeadline(time.Now().Add(time.Second))
			b, _ := json.Marshal(mgrRequest{Method: "shutdown", Pid: m.rt.pid, Proc: m.rt.name})
			if writeFrame(c.c, b) == nil {
				readFrame(c.c, 0)
			}
			c.close()
		}
		dropManagerConn(m.addr)
		select {
		case <-m.proc.done:
		case <-time.After(2 * time.Second):
			m.proc.Terminate()
			<-m.proc.done
		}
		os.RemoveAll(m.dir)
	})
}

// shutdownManagers is Python's exit finalizers: a process's managers go
// down when its main code ends, before its children are joined.
func (rt *Runtime) shutdownManagers() {
	rt.mu.Lock()
	ms := rt.managers
	rt.managers, rt.managersDown = nil, true
	rt.mu.Unlock()
	for _, m := range ms {
		m.Shutdown()
	}
}

// create asks the server for a new object and returns its proxy.
func (m *Manager) create(typ, name string, args ...any) (*Proxy, error) {
	raw := make([]json.RawMessage, 0, len(args)+2)
	for _, a := range append([]any{typ, name}, args...) {
		b, err := json.Marshal(a)
		if err != nil {
			return nil, pyErr("TypeError", "cannot send %T to the manager: %v", a, err)
		}
		raw = append(raw, b)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	c, err := dialManager(m.rt, m.addr, m.authkey)
	if err != nil {
		return nil, err
	}
	defer c.close()
	var id string
	if err := c.call(m.rt, mgrRequest{Method: "create", Args: raw, Pid: m.rt.pid, Proc: m.rt.name}, &id); err != nil {
		return nil, err
	}
	return &Proxy{rt: m.rt, Type: typ, name: name, id: id, addr: m.addr, key: m.authkey}, nil
}

// Dict is manager.dict(initial): initial may be nil or any value that
// encodes as a JSON object.
func (m *Manager) Dict(name string, initial any) (*Proxy, error) {
	return m.create(MDict, name, initial)
}

// List is manager.list(initial): initial may be nil or a slice.
func (m *Manager) List(name string, initial any) (*Proxy, error) {
	return m.create(MList, name, initial)
}

// Namespace is manager.Namespace().
func (m *Manager) Namespace(name string) (*Proxy, error) { return m.create(MNamespace, name) }

// Value is manager.Value(typecode, value). As CPython's manager, the server
// never reads typecode and keeps any value (see mvalue.setValue).
func (m *Manager) Value(name, typecode string, value any) (*Proxy, error) {
	return m.create(MValue, name, typecode, value)
}

// Lock is manager.Lock(): a lock that lives in the server.
func (m *Manager) Lock(name string) (*Proxy, error) { return m.create(MLock, name) }

// Queue is manager.Queue(maxsize).
func (m *Manager) Queue(name string, maxsize int) (*Proxy, error) {
	return m.create(MQueue, name, maxsize)
}

// mgrRequest is one call on the wire. Obj "" is the manager itself
// (create, shutdown).
type mgrRequest struct {
	Obj     string            `json:"o,omitempty"`
	Method  string            `json:"m"`
	Args    []json.RawMessage `json:"a,omitempty"`
	NoBlock bool              `json:"nb,omitempty"`
	Timeout int64             `json:"t,omitempty"` // ns of real time; 0: none
	Pid     int               `json:"p"`
	Proc    string            `json:"n"`
}

type mgrReply struct {
	Val json.RawMessage `json:"v,omitempty"`
	Err string          `json:"e,omitempty"`
	Msg string          `json:"x,omitempty"`
}

// Authentication, as multiprocessing.connection does it: the server sends
// a challenge, the client answers with its HMAC under the authkey; then the
// other way round.
var (
	challengeTag = []byte("#CHALLENGE#")
	welcomeTag   = []byte("#WELCOME#")
	failureTag   = []byte("#FAILURE#")
)

func digest(key, msg []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write(msg)
	return h.Sum(nil)
}

// deliverChallenge challenges the other side; refused, if set, is told
// before the failure is sent.
func deliverChallenge(c net.Conn, key []byte, refused ...func()) error {
	msg := make([]byte, 40)
	rand.Read(msg)
	if err := writeFrame(c, append(append([]byte{}, challengeTag...), msg...)); err != nil {
		return err
	}
	got, err := readFrame(c, 256)
	if err != nil {
		return err
	}
	if !hmac.Equal(got, digest(key, msg)) {
		for _, f := range refused {
			f()
		}
		writeFrame(c, failureTag)
		return errDigestWrong()
	}
	return writeFrame(c, welcomeTag)
}

func answerChallenge(c net.Conn, key []byte) error {
	msg, err := readFrame(c, 256)
	if err != nil {
		return err
	}
	rest, ok := strings.CutPrefix(string(msg), string(challengeTag))
	if !ok {
		return pyErr("AuthenticationError", "Protocol error, expected challenge")
	}
	if err := writeFrame(c, digest(key, []byte(rest))); err != nil {
		return err
	}
	resp, err := readFrame(c, 256)
	if err != nil {
		return err
	}
	if string(resp) != string(welcomeTag) {
		return errDigestRejected()
	}
	return nil
}

// mgrConn is a client's authenticated connection to a manager. After the
// handshake its calls go through a Conn, as a pipe's messages do: the same
// frames, the same raw socket I/O that keeps a round trip out of Go's
// network poller, and the same waits that a stopped session interrupts.
type mgrConn struct {
	mu   sync.Mutex // one call at a time
	c    net.Conn   // until handed to conn
	conn *Conn
}

// dialManager connects and authenticates. With rt, the connection is
// handed to a Conn of rt's quiet view (no events, no gate) for calls;
// without, it stays a net.Conn (shutdown uses it with deadlines).
func dialManager(rt *Runtime, addr string, key []byte) (*mgrConn, error) {
	c, err := net.DialTimeout(mgrNetwork(addr), addr, 5*time.Second)
	if err != nil {
		return nil, osError(err)
	}
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if err := answerChallenge(c, key); err != nil {
		c.Close()
		return nil, err
	}
	if err := deliverChallenge(c, key); err != nil {
		c.Close()
		return nil, err
	}
	c.SetDeadline(time.Time{})
	if rt == nil {
		return &mgrConn{c: c}, nil
	}
	conn, err := connOf(rt.quiet(), c, "manager")
	if err != nil {
		return nil, err
	}
	return &mgrConn{conn: conn}, nil
}

// connOf turns an authenticated socket into a Conn (and closes c).
func connOf(rt *Runtime, c net.Conn, name string) (*Conn, error) {
	fc, ok := c.(interface{ File() (*os.File, error) })
	if !ok {
		c.Close()
		return nil, pyErr("OSError", "%T has no file descriptor", c)
	}
	f, err := fc.File()
	c.Close()
	if err != nil {
		return nil, osError(err)
	}
	setBlocking(int(f.Fd()))
	return newConn(rt, f, name, name, true, true), nil
}

func (c *mgrConn) close() {
	if c.conn != nil {
		c.conn.closeQuietly()
	} else {
		c.c.Close()
	}
}

// call sends a request and waits for its reply, decoding the result into
// out (nil: dropped). In a main script the wait unwinds with ErrStopped
// once the session stops.
func (c *mgrConn) call(rt *Runtime, req mgrRequest, out any) error {
	b, _ := json.Marshal(req)
	if err := c.conn.SendBytes(b); err != nil {
		return c.lost(err)
	}
	raw, err := c.conn.RecvBytes(0)
	if err != nil {
		return c.lost(err)
	}
	var rep mgrReply
	if err := json.Unmarshal(raw, &rep); err != nil {
		return c.lost(err)
	}
	if rep.Err != "" {
		return &Error{Type: rep.Err, Msg: rep.Msg}
	}
	if out != nil && len(rep.Val) > 0 {
		return json.Unmarshal(rep.Val, out)
	}
	return nil
}

// lost is the error of a connection to a server that went away.
func (c *mgrConn) lost(err error) error {
	return pyErr("EOFError", "the manager's server process has gone (%v)", err)
}
