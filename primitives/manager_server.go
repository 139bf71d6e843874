package primitives

import (
	"encoding/json"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/proctour/proctour/trace"
)

// mgrServer is a manager's server process: its objects, and a channel
// closed (and replaced) at every change, for the calls that wait.
type mgrServer struct {
	rt      *Runtime
	key     []byte
	mu      sync.Mutex
	objs    map[string]*mobj
	ids     int
	changed chan struct{}
	done    chan struct{}
	stop    sync.Once
	remote  remoteLanes // processes of other machines whose events come by relay
}

// serveManager accepts connections until a shutdown request, serving each
// on its own goroutine (Python's server runs a thread per connection).
func serveManager(rt *Runtime, l net.Listener, key []byte) error {
	s := &mgrServer{rt: rt, key: key, objs: map[string]*mobj{}, changed: make(chan struct{}), done: make(chan struct{})}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go s.serveConn(c)
		}
	}()
	<-s.done
	l.Close()
	s.remote.closeAll(s.rt)
	return nil
}

func (s *mgrServer) serveConn(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if deliverChallenge(c, s.key, func() { s.refused(c.RemoteAddr()) }) != nil {
		return
	}
	if answerChallenge(c, s.key) != nil {
		return
	}
	c.SetDeadline(time.Time{})
	conn, err := connOf(s.rt.quiet(), c, "manager")
	if err != nil {
		return
	}
	defer conn.closeQuietly()
	defer s.remote.lost(s.rt, conn)
	for {
		b, err := conn.RecvBytes(0)
		if err != nil {
			return
		}
		var req mgrRequest
		var rep mgrReply
		if err := json.Unmarshal(b, &req); err != nil {
			rep = mgrReply{Err: "ValueError", Msg: "bad request"}
		} else if req.Obj == "" && req.Method == "relay" {
			s.remote.relay(s.rt, conn, req)
			continue // a relayed event gets no reply
		} else {
			rep = s.handle(req)
		}
		out, _ := json.Marshal(rep)
		if conn.SendBytes(out) != nil {
			return
		}
		if req.Method == "shutdown" && req.Obj == "" {
			s.stop.Do(func() { close(s.done) })
			return
		}
	}
}

func reply(v json.RawMessage, e *Error) mgrReply {
	if e != nil {
		return mgrReply{Err: e.Type, Msg: e.Msg}
	}
	return mgrReply{Val: v}
}

func (s *mgrServer) handle(req mgrRequest) mgrReply {
	switch {
	case req.Obj == "" && req.Method == "shutdown":
		return mgrReply{}
	case req.Obj == "" && req.Method == "create":
		return s.create(req)
	case req.Obj == "" && req.Method == "lookup":
		return s.lookup(req)
	case req.Obj == "" && req.Method == "remotes":
		n, _ := json.Marshal(s.remote.open())
		return mgrReply{Val: n}
	}
	s.mu.Lock()
	o := s.objs[req.Obj]
	s.mu.Unlock()
	if o == nil {
		return mgrReply{Err: "KeyError", Msg: "no object " + req.Obj}
	}
	var deadline <-chan time.Time
	if req.Timeout > 0 {
		t := time.NewTimer(time.Duration(req.Timeout))
		defer t.Stop()
		deadline = t.C
	}
	reported := false
	for {
		s.mu.Lock()
		v, e := o.call(req.Method, req.Args, req.Pid)
		if e != errWait {
			s.served(o, req, e)
			s.mu.Unlock()
			return reply(v, e)
		}
		changed := s.changed
		if req.NoBlock {
			v, e = o.timedOut(req.Method)
			s.served(o, req, e)
			s.mu.Unlock()
			return reply(v, e)
		}
		if !reported && s.rt.trace != nil {
			s.rt.Emit(trace.KindManagerBlock, o.name, trace.ManagerServe{Method: req.Method, Type: o.typ, Caller: req.Proc, Pid: req.Pid, Timeout: req.Timeout > 0})
			reported = true
		}
		s.mu.Unlock()
		select {
		case <-changed:
		case <-deadline:
			s.mu.Lock()
			v, e = o.timedOut(req.Method)
			s.served(o, req, e)
			s.mu.Unlock()
			return reply(v, e)
		}
	}
}

// served reports a call run (or refused), with the object's value after,
// and wakes the calls waiting for a change. Called with mu held, so that
// the events follow the calls' order.
func (s *mgrServer) served(o *mobj, req mgrRequest, e *Error) {
	if s.rt.trace != nil {
		v := trace.ManagerServe{Method: req.Method, Type: o.typ, Args: req.Args, Caller: req.Proc, Pid: req.Pid, Value: o.snapshot()}
		if e != nil {
			s.rt.emitErr(trace.KindManagerServe, o.name, v, e.Type)
		} else {
			s.rt.Emit(trace.KindManagerServe, o.name, v)
		}
	}
	close(s.changed)
	s.changed = make(chan struct{})
}

// create makes an object: args are its type, its name and its constructor's
// arguments.
func (s *mgrServer) create(req mgrRequest) mgrReply {
	var typ, name string
	if len(req.Args) < 2 || json.Unmarshal(req.Args[0], &typ) != nil || json.Unmarshal(req.Args[1], &name) != nil {
		return mgrReply{Err: "TypeError", Msg: "create needs a type and a name"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ids++
	id := strconv.Itoa(s.ids)
	o, e := newMobj(id, name, typ, req.Args[2:])
	if e != nil {
		return reply(nil, e)
	}
	s.objs[id] = o
	if s.rt.trace != nil {
		s.rt.Emit(trace.KindManagerNew, name, trace.ManagerServe{Type: typ, Caller: req.Proc, Pid: req.Pid, Value: o.snapshot()})
	}
	idRaw, _ := json.Marshal(id)
	return mgrReply{Val: idRaw}
}
