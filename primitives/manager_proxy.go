package primitives

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/proctour/proctour/trace"
)

// Proxy is a proxy for an object in a manager's server process. Every
// method is one call to the server: a round trip, reported as a
// manager.call event. A Proxy passed in a Process's arguments reaches the
// child as a proxy for the same object; each process connects on its first
// call and keeps its connection.
//
// A Proxy is for one goroutine at a time, as Python's proxies are per
// thread: a call that waits in the server (a held Lock, an empty Queue)
// holds the connection.
type Proxy struct {
	Type string // MDict, MList, …

	rt   *Runtime
	name string
	id   string
	addr string
	key  []byte
}

// Name is the proxy's name in events: the listing's variable.
func (p *Proxy) Name() string { return p.name }

// call runs method on the object with args, decoding the result into out.
func (p *Proxy) call(method string, out any, nb bool, timeout float64, args ...any) error {
	rt := p.rt
	raw := make([]json.RawMessage, len(args))
	for i, a := range args {
		b, err := json.Marshal(a)
		if err != nil {
			e := pyErr("TypeError", "cannot send %T to the manager: %v", a, err)
			rt.emitErr(trace.KindManagerCall, p.name, trace.ManagerCall{Type: p.Type, Method: method}, e.Type)
			return e
		}
		raw[i] = b
	}
	rt.await(trace.KindManagerCall, p.name, IntentVal{Timeout: nb || timeout >= 0, Method: method})
	req := mgrRequest{Obj: p.id, Method: method, Args: raw, NoBlock: nb, Pid: rt.pid, Proc: rt.name}
	if timeout >= 0 {
		req.Timeout = max(1, int64(rt.realTimeout(timeout)))
	}
	var result json.RawMessage
	err := p.roundTrip(req, &result)
	if rt.trace != nil {
		v := trace.ManagerCall{Type: p.Type, Method: method, Args: raw, Result: result}
		var pe *Error
		if errors.As(err, &pe) {
			rt.emitErr(trace.KindManagerCall, p.name, v, pe.Type)
		} else if err == nil {
			rt.Emit(trace.KindManagerCall, p.name, v)
		}
	}
	if err != nil || out == nil || len(result) == 0 {
		return err
	}
	return json.Unmarshal(result, out)
}

func (p *Proxy) roundTrip(req mgrRequest, out *json.RawMessage) error {
	c, err := managerConn(p.rt, p.addr, p.key)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn == nil {
		return c.lost(errors.New("connection closed"))
	}
	return c.call(p.rt, req, out)
}

// A process has one connection to each manager, which all its proxies of
// that manager share, one call at a time, as Python's proxies share their
// thread's connection.
var (
	mgrConnsMu sync.Mutex
	mgrConns   = map[string]*mgrConn{}
)

func managerConn(rt *Runtime, addr string, key []byte) (*mgrConn, error) {
	mgrConnsMu.Lock()
	defer mgrConnsMu.Unlock()
	if c := mgrConns[addr]; c != nil {
		return c, nil
	}
	c, err := dialManager(rt, addr, key)
	if err != nil {
		return nil, err
	}
	mgrConns[addr] = c
	return c, nil
}

// dropManagerConn closes this process's connection to a manager.
func dropManagerConn(addr string) {
	mgrConnsMu.Lock()
	c := mgrConns[addr]
	delete(mgrConns, addr)
	mgrConnsMu.Unlock()
	if c != nil {
		c.mu.Lock()
		c.close()
		c.conn = nil
		c.mu.Unlock()
	}
}

// Call calls any method of the object by its Python name.
func (p *Proxy) Call(method string, out any, args ...any) error {
	return p.call(method, out, false, -1, args...)
}

// Copy is the object's value as a plain value (proxy._getvalue(), or
// dict(d) / list(l)), decoded into out.
func (p *Proxy) Copy(out any) error { return p.call("copy", out, false, -1) }

// Get is d[key] (a dict), decoded into out.
func (p *Proxy) Get(key, out any) error { return p.call("__getitem__", out, false, -1, key) }

// Set is d[key] = v (a dict) or l[i] = v (a list).
func (p *Proxy) Set(key, v any) error { return p.call("__setitem__", nil, false, -1, key, v) }

// Index is l[i] (a list), decoded into out; i < 0 counts from the end.
func (p *Proxy) Index(i int, out any) error { return p.call("__getitem__", out, false, -1, i) }

// Append is l.append(v).
func (p *Proxy) Append(v any) error { return p.call("append", nil, false, -1, v) }

// Len is len(d) or len(l).
func (p *Proxy) Len() (int, error) {
	var n int
	err := p.call("__len__", &n, false, -1)
	return n, err
}

// GetAttr is ns.name (a Namespace), decoded into out.
func (p *Proxy) GetAttr(name string, out any) error {
	return p.call("__getattr__", out, false, -1, name)
}

// SetAttr is ns.name = v.
func (p *Proxy) SetAttr(name string, v any) error {
	return p.call("__setattr__", nil, false, -1, name, v)
}

// Value is v.value (a Value), decoded into out.
func (p *Proxy) Value(out any) error { return p.call("get", out, false, -1) }

// SetValue is v.value = x.
func (p *Proxy) SetValue(x any) error { return p.call("set", nil, false, -1, x) }

// Acquire is lock.acquire(), which waits in the server while another
// process holds the lock.
func (p *Proxy) Acquire() error { return p.call("acquire", nil, false, -1) }

// AcquireTimeout is lock.acquire(timeout=seconds) in listing seconds (0:
// blocking=False); it reports whether the lock was taken.
func (p *Proxy) AcquireTimeout(seconds float64) (bool, error) {
	var ok bool
	err := p.call("acquire", &ok, seconds == 0, seconds)
	return ok, err
}

// Release is lock.release().
func (p *Proxy) Release() error { return p.call("release", nil, false, -1) }

// Put is q.put(v) on a manager's Queue.
func (p *Proxy) Put(v any) error { return p.call("put", nil, false, -1, v) }

// PutTimeout is q.put(v, timeout=seconds); 0 is put_nowait. A queue still
// full is queue.Full.
func (p *Proxy) PutTimeout(v any, seconds float64) error {
	return p.call("put", nil, seconds == 0, seconds, v)
}

// Take is q.get() on a manager's Queue, decoded into out.
func (p *Proxy) Take(out any) error { return p.call("get", out, false, -1) }

// TakeTimeout is q.get(timeout=seconds); 0 is get_nowait. A queue still
// empty is queue.Empty.
func (p *Proxy) TakeTimeout(out any, seconds float64) error {
	return p.call("get", out, seconds == 0, seconds)
}

// proxyJSON is how a proxy travels in a child's arguments.
type proxyJSON struct {
	Kind string `json:"kind"`
	Type string `json:"type"`
	Name string `json:"name"`
	ID   string `json:"id"`
	Addr string `json:"addr"`
	Key  string `json:"key"`
}

// MarshalJSON passes the proxy to a child being started.
func (p *Proxy) MarshalJSON() ([]byte, error) {
	return json.Marshal(proxyJSON{Kind: "proxy", Type: p.Type, Name: p.name, ID: p.id, Addr: p.addr, Key: hex.EncodeToString(p.key)})
}

// UnmarshalJSON makes, in a child, the proxy its parent passed.
func (p *Proxy) UnmarshalJSON(b []byte) error {
	var j proxyJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	if j.Kind != "proxy" {
		return fmt.Errorf("argument is a %s, not a proxy", j.Kind)
	}
	if self == nil {
		return errors.New("a proxy can only be decoded in a child process")
	}
	key, err := hex.DecodeString(j.Key)
	if err != nil {
		return err
	}
	p.rt, p.Type, p.name, p.id, p.addr, p.key = self, j.Type, j.Name, j.ID, j.Addr, key
	return nil
}
