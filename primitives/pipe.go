package primitives

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/proctour/proctour/trace"
)

// Python's messages for the errors of a connection.
var (
	errHandleClosed = func() *Error { return pyErr("OSError", "handle is closed") }
	errWriteOnly    = func() *Error { return pyErr("OSError", "connection is write-only") }
	errReadOnly     = func() *Error { return pyErr("OSError", "connection is read-only") }
	errBadLength    = func() *Error { return pyErr("OSError", "bad message length") }
	errEOFInMessage = func() *Error { return pyErr("OSError", "got end of file during message") }
	errEOF          = func() *Error { return &Error{Type: "EOFError"} }
)

// readBuffer is how much a connection reads from the kernel at once: one
// read serves every message already waiting, up to this many bytes.
const readBuffer = 64 << 10

// keepWrite is the largest send buffer a connection keeps for its next
// message; a larger one is dropped after use.
const keepWrite = 64 << 10

// pollSlice is how long a main script waits in poll(2) before it checks
// whether its session was stopped.
const pollSlice = 50 * time.Millisecond

// Conn is one end of a Pipe, as Python's multiprocessing.connection.Connection:
// a descriptor of a socket (duplex) or of one side of an OS pipe, with
// messages framed by a length. Passing it in a Process's arguments gives the
// child its own copy of the end; the kernel counts the copies, and recv sees
// EOF only once every copy of the other end, in every process, is closed.
//
// Like Python's, a Conn is for one reader and one writer at a time: two
// processes reading the same end at once may each get parts of the stream.
// Unlike Python's, a Conn reads ahead: one read(2) takes every message
// already waiting, and the ones not yet returned stay in this process.
type Conn struct {
	rt       *Runtime
	name     string // this end, in events: "parent_conn"
	pipe     string // the pipe, as NewPipe was given it
	f        *os.File
	fd       int
	closed   atomic.Bool
	writable bool

	rmu      sync.Mutex // the read side: r, hdr, readable
	readable bool
	r        *bufio.Reader
	hdr      [frameHeader]byte

	wmu  sync.Mutex // the write side
	w    io.Writer
	wbuf []byte
}

// NewPipe is multiprocessing.Pipe(duplex): two connected ends. A duplex pipe
// is a socketpair(AF_UNIX, SOCK_STREAM) and both ends send and receive;
// otherwise it is an OS pipe whose first end only receives and second end
// only sends.
//
// name is what the listing assigns the pipe to: two names, "parent_conn,
// child_conn", name the ends; one name, "pipe", names them "pipe[0]" and
// "pipe[1]". Events of an end carry its name.
func (rt *Runtime) NewPipe(name string, duplex bool) (*Conn, *Conn, error) {
	n0, n1 := endNames(name)
	f0, f1, err := newPipeFiles(n0, n1, duplex)
	if err != nil {
		return nil, nil, fmt.Errorf("pipe %s: %w", name, err)
	}
	c0 := newConn(rt, f0, n0, name, true, duplex)
	c1 := newConn(rt, f1, n1, name, duplex, true)
	if rt.trace != nil {
		rt.Emit(trace.KindPipeNew, name, trace.PipeNew{Ends: []string{n0, n1}, Duplex: duplex})
	}
	return c0, c1, nil
}

func endNames(name string) (string, string) {
	if a, b, ok := strings.Cut(name, ","); ok {
		return strings.TrimSpace(a), strings.TrimSpace(b)
	}
	return name + "[0]", name + "[1]"
}

func newConn(rt *Runtime, f *os.File, name, pipe string, readable, writable bool) *Conn {
	c := new(Conn)
	c.init(rt, f, name, pipe, readable, writable)
	return c
}

// init fills in a zero Conn and counts it open.
func (c *Conn) init(rt *Runtime, f *os.File, name, pipe string, readable, writable bool) {
	c.rt, c.name, c.pipe, c.f, c.fd = rt, name, pipe, f, int(f.Fd())
	c.readable, c.writable = readable, writable
	if writable {
		c.w = fdWriter(f)
	}
	if readable {
		c.r = bufio.NewReaderSize(fdReader(f), readBuffer)
	}
	openConns.add(c)
}

// openConns holds every open connection of this process. A Conn that the
// script no longer refers to stays open, as a Python variable keeps its
// connection open: the garbage collector must not close an end the lesson
// forgot to close. closeConns closes what a runtime leaves open.
var openConns = connSet{m: map[*Conn]struct{}{}, adopted: map[int]bool{}}

type connSet struct {
	mu      sync.Mutex
	m       map[*Conn]struct{}
	adopted map[int]bool // inherited descriptors already turned into a Conn
}

func (s *connSet) add(c *Conn) {
	s.mu.Lock()
	s.m[c] = struct{}{}
	s.mu.Unlock()
}

func (s *connSet) remove(c *Conn) {
	s.mu.Lock()
	delete(s.m, c)
	s.mu.Unlock()
}

// closeConns closes every connection of rt still open, with a pipe.close
// event each when emit is set: what the OS does when a process exits, made
// visible.
func (rt *Runtime) closeConns(emit bool) {
	openConns.mu.Lock()
	var cs []*Conn
	for c := range openConns.m {
		if c.rt == rt {
			cs = append(cs, c)
		}
	}
	openConns.mu.Unlock()
	for _, c := range cs {
		if emit {
			c.close("exit")
		} else {
			c.closeQuietly()
		}
	}
}

// Name is the end's name in events.
func (c *Conn) Name() string { return c.name }

// Fileno is the end's descriptor in this process (fileno()), -1 once closed.
func (c *Conn) Fileno() int {
	if c.closed.Load() {
		return -1
	}
	return c.fd
}

// Closed reports whether this copy of the end is closed (closed).
func (c *Conn) Closed() bool { return c.closed.Load() }

// Readable reports whether the end receives (readable).
func (c *Conn) Readable() bool {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	return c.readable
}

// Writable reports whether the end sends (writable).
func (c *Conn) Writable() bool { return c.writable }

// Send is send(obj): v encoded as JSON, one message.
func (c *Conn) Send(v any) error {
	c.rt.awaitOp(trace.KindPipeSend, c.name)
	if err := c.checkWritable(); err != nil {
		return err
	}
	b, err := json.Marshal(v)
	if err != nil {
		e := pyErr("TypeError", "cannot send %T: %v", v, err)
		c.rt.emitErr(trace.KindPipeSend, c.name, nil, e.Type)
		return e
	}
	if c.rt.trace != nil {
		c.rt.Emit(trace.KindPipeSend, c.name, json.RawMessage(b))
	}
	return c.write(b)
}

// SendBytes is send_bytes(b): b as one message, written with one system
// call when the pipe has room.
func (c *Conn) SendBytes(b []byte) error {
	c.rt.awaitOp(trace.KindPipeSend, c.name)
	if err := c.checkWritable(); err != nil {
		return err
	}
	if c.rt.trace != nil {
		c.rt.Emit(trace.KindPipeSend, c.name, string(b))
	}
	return c.write(b)
}

// Recv is recv(): it waits for a message and decodes it into v, a pointer
// (nil: the value is dropped). Once every copy of the other end is closed
// and no message is left, it returns Python's EOFError.
func (c *Conn) Recv(v any) error {
	sure := c.rt.await(trace.KindPipeRecv, c.name, IntentVal{})
	b, err := c.read(0, sure)
	if err != nil {
		return err
	}
	if v == nil {
		v = new(any)
	}
	if err := json.Unmarshal(b, v); err != nil {
		var bad *json.InvalidUnmarshalError
		if errors.As(err, &bad) {
			return fmt.Errorf("recv on %s: %w", c.name, err) // a Go mistake, not Python's
		}
		e := pyErr("pickle.UnpicklingError", "cannot decode %q: %v", shortBytes(b), err)
		c.rt.emitErr(trace.KindPipeRecv, c.name, string(b), e.Type)
		return e
	}
	if c.rt.trace != nil {
		c.rt.Emit(trace.KindPipeRecv, c.name, json.RawMessage(b))
	}
	return nil
}

// RecvBytes is recv_bytes(maxlength); maxlength 0 means no limit (None).
// A longer message is Python's OSError "bad message length", after which
// the end receives no more: a duplex end becomes write-only, a receive-only
// end is closed.
func (c *Conn) RecvBytes(maxlength int) ([]byte, error) {
	sure := c.rt.await(trace.KindPipeRecv, c.name, IntentVal{})
	if maxlength < 0 {
		e := pyErr("ValueError", "negative maxlength")
		c.rt.emitErr(trace.KindPipeRecv, c.name, nil, e.Type)
		return nil, e
	}
	b, err := c.read(maxlength, sure)
	if err != nil {
		return nil, err
	}
	if c.rt.trace != nil {
		c.rt.Emit(trace.KindPipeRecv, c.name, string(b))
	}
	return b, nil
}

// Poll is poll(timeout), in listing seconds: whether a message (or EOF) is
// waiting to be received. 0 only looks; a negative timeout waits for ever.
func (c *Conn) Poll(timeout float64) (bool, error) {
	c.rt.await(trace.KindPipeRecv, c.name, IntentVal{Timeout: timeout >= 0})
	c.rmu.Lock()
	defer c.rmu.Unlock()
	if err := c.checkReadable(); err != nil {
		return false, err
	}
	ready := c.r.Buffered() > 0
	if !ready {
		var err error
		if ready, err = c.wait(false, c.rt.realTimeout(timeout)); err != nil {
			e := osError(err)
			c.rt.emitErr(trace.KindPipePoll, c.name, nil, e.Type)
			return false, e
		}
	}
	if c.rt.trace != nil {
		c.rt.Emit(trace.KindPipePoll, c.name, trace.PipePoll{Timeout: timeoutVal(timeout), Ready: ready})
	}
	return ready, nil
}

// Close closes this process's copy of the end (close()). Closing twice is
// no error; any other use of a closed end is Python's OSError.
func (c *Conn) Close() error {
	c.rt.awaitOp(trace.KindPipeClose, c.name)
	return c.close(nil)
}

// close emits pipe.close before the descriptor goes, so that in the trace
// the other end's EOF never comes before the close that caused it.
func (c *Conn) close(why any) error {
	if c.closed.Load() {
		return nil
	}
	if c.rt.trace != nil {
		c.rt.Emit(trace.KindPipeClose, c.name, why)
	}
	return c.closeQuietly()
}

func (c *Conn) closeQuietly() error {
	if !c.closed.CompareAndSwap(false, true) {
		return nil
	}
	openConns.remove(c)
	if err := c.f.Close(); err != nil {
		return osError(err)
	}
	return nil
}

func (c *Conn) checkWritable() error {
	var e *Error
	switch {
	case c.closed.Load():
		e = errHandleClosed()
	case !c.writable:
		e = errReadOnly()
	default:
		return nil
	}
	c.rt.emitErr(trace.KindPipeSend, c.name, nil, e.Type)
	return e
}

// checkReadable is called with rmu held.
func (c *Conn) checkReadable() error {
	var e *Error
	switch {
	case c.closed.Load():
		e = errHandleClosed()
	case !c.readable:
		e = errWriteOnly()
	default:
		return nil
	}
	c.rt.emitErr(trace.KindPipeRecv, c.name, nil, e.Type)
	return e
}

// write sends b as one frame with one system call (when there is room), so
// that frames of at most PIPE_BUF bytes from several writers never
// interleave on an OS pipe. No allocation once the connection's frame buffer
// has grown to the message size.
func (c *Conn) write(b []byte) error {
	if len(b) > maxFrame {
		e := pyErr("ValueError", "message of %d bytes: %v (limit %d)", len(b), errFrameTooLong, maxFrame)
		c.rt.emitErr(trace.KindPipeSend, c.name, nil, e.Type)
		return e
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	buf := appendFrame(c.wbuf[:0], b)
	var err error
	if c.rt.stop == nil {
		_, err = c.w.Write(buf)
	} else {
		err = c.writeStoppable(buf)
	}
	if cap(buf) <= keepWrite {
		c.wbuf = buf
	} else {
		c.wbuf = nil
	}
	if err != nil {
		return c.sendFailed(err)
	}
	return nil
}

// writeStoppable is write for a main script: it waits for room in slices,
// so that a stopped session can interrupt a send nobody reads, and writes at
// most stoppableChunk bytes at a time, which then never block. A frame
// longer than that may interleave with another writer's, as Python's
// messages over 16 KiB may.
func (c *Conn) writeStoppable(buf []byte) error {
	for len(buf) > 0 {
		if _, err := c.wait(true, -1); err != nil {
			return err
		}
		n := min(len(buf), stoppableChunk)
		if _, err := c.f.Write(buf[:n]); err != nil {
			return err
		}
		buf = buf[n:]
	}
	return nil
}

// stoppableChunk is PIPE_BUF on Linux: once poll(2) reports room, a write
// of this size completes at once on a pipe or a socket.
const stoppableChunk = 4096

func (c *Conn) sendFailed(err error) error {
	if c.closed.Load() {
		err = os.ErrClosed
	}
	e := osError(err)
	c.rt.emitErr(trace.KindPipeSend, c.name, nil, e.Type)
	return e
}

// read receives one message of at most limit bytes (0: no limit), with
// Python's errors and the pipe.eof event. sure: the gate released the recv
// knowing a message (or the end of the pipe) is on its way — sent, or every
// write end reported closed — so it waits for it without a pipe.block that
// would depend on who is quicker.
func (c *Conn) read(limit int, sure bool) ([]byte, error) {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	if err := c.checkReadable(); err != nil {
		return nil, err
	}
	if c.r.Buffered() == 0 && (c.rt.trace != nil || c.rt.stop != nil) {
		ready := false
		if c.rt.trace != nil {
			// Say so before waiting, so that the timeline shows a reader
			// blocked on an end (and the watchdog sees it).
			if ready, _ = waitFD(c.f, false, 0); !ready && !sure {
				c.rt.Emit(trace.KindPipeBlock, c.name, "recv")
			}
		}
		if c.rt.stop != nil && !ready {
			if _, err := c.wait(false, -1); err != nil {
				return nil, c.recvFailed(err)
			}
		}
	}
	if _, err := io.ReadFull(c.r, c.hdr[:]); err != nil {
		if err == io.EOF {
			c.rt.emitErr(trace.KindPipeEOF, c.name, nil, "EOFError")
			return nil, errEOF()
		}
		return nil, c.recvFailed(err)
	}
	n := int(binary.BigEndian.Uint32(c.hdr[:]))
	if (limit > 0 && n > limit) || n > maxFrame {
		e := errBadLength()
		c.rt.emitErr(trace.KindPipeRecv, c.name, n, e.Type)
		// As Python: the stream is no longer trusted.
		if c.writable {
			c.readable = false
		} else {
			c.close("bad message length")
		}
		return nil, e
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(c.r, b); err != nil {
		return nil, c.recvFailed(err)
	}
	return b, nil
}

func (c *Conn) recvFailed(err error) error {
	var e *Error
	switch {
	case err == io.ErrUnexpectedEOF || err == io.EOF:
		e = errEOFInMessage()
	case c.closed.Load():
		e = errHandleClosed()
	default:
		e = osError(err)
	}
	c.rt.emitErr(trace.KindPipeRecv, c.name, nil, e.Type)
	return e
}

// wait blocks until the end is ready to read (or write), or d has passed
// (d < 0: no limit). In a main script it waits in slices and unwinds with
// ErrStopped once the session stops.
func (c *Conn) wait(write bool, d time.Duration) (bool, error) {
	if c.rt.stop == nil {
		return waitFD(c.f, write, d)
	}
	deadline := time.Now().Add(d)
	for {
		select {
		case <-c.rt.stop:
			panic(ErrStopped)
		default:
		}
		w := pollSlice
		if d >= 0 {
			w = max(0, min(w, time.Until(deadline)))
		}
		ready, err := waitFD(c.f, write, w)
		if ready || err != nil {
			return ready, err
		}
		if d >= 0 && time.Until(deadline) <= 0 {
			return false, nil
		}
	}
}

// connJSON is how an end travels in a child's arguments.
type connJSON struct {
	Kind     string `json:"kind"`
	Name     string `json:"name"`
	Pipe     string `json:"pipe"`
	FD       int    `json:"fd"`
	Readable bool   `json:"readable"`
	Writable bool   `json:"writable"`
}

// MarshalJSON passes a copy of the end to a child being started. An end
// with messages already read ahead into this process cannot be passed: they
// would stay here.
func (c *Conn) MarshalJSON() ([]byte, error) {
	if c.closed.Load() {
		return nil, fmt.Errorf("connection %q: %w", c.name, errHandleClosed())
	}
	c.rmu.Lock()
	readable := c.readable
	ahead := 0
	if c.r != nil {
		ahead = c.r.Buffered()
	}
	c.rmu.Unlock()
	if ahead > 0 {
		return nil, fmt.Errorf("connection %q: %d bytes already read by this process would not reach the child; recv them first", c.name, ahead)
	}
	fd, err := passFile(c.f)
	if err != nil {
		return nil, fmt.Errorf("connection %q: %w", c.name, err)
	}
	return json.Marshal(connJSON{Kind: "conn", Name: c.name, Pipe: c.pipe, FD: fd, Readable: readable, Writable: c.writable})
}

// UnmarshalJSON takes, in a child, the copy of an end its parent passed, and
// reports it with a pipe.inherit event.
func (c *Conn) UnmarshalJSON(b []byte) error {
	var h connJSON
	if err := json.Unmarshal(b, &h); err != nil {
		return err
	}
	if h.Kind != "conn" {
		return fmt.Errorf("argument is a %s, not a connection", h.Kind)
	}
	if self == nil {
		return errors.New("a connection can only be decoded in a child process")
	}
	f, err := adoptFD(h.FD, h.Name)
	if err != nil {
		return fmt.Errorf("connection %q: %w", h.Name, err)
	}
	c.init(self, f, h.Name, h.Pipe, h.Readable, h.Writable)
	if self.trace != nil {
		self.Emit(trace.KindPipeInherit, c.name, trace.PipeInherit{Pipe: c.pipe})
	}
	return nil
}

// adoptFD turns an inherited descriptor into a file. The same end passed
// twice in one child's arguments arrives once; the second Conn gets a
// duplicate, as Python's would, so that closing one leaves the other open.
func adoptFD(fd int, name string) (*os.File, error) {
	openConns.mu.Lock()
	again := openConns.adopted[fd]
	openConns.adopted[fd] = true
	openConns.mu.Unlock()
	if again {
		return dupFile(fd, name)
	}
	setBlocking(fd)
	return os.NewFile(uintptr(fd), name), nil
}

func shortBytes(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "…"
	}
	return string(b)
}
