package sim

import (
	"encoding/json"
	"strings"

	"github.com/proctour/proctour/i18n"
	"github.com/proctour/proctour/trace"
)

// ManagerState is a manager's server process and the objects it holds.
type ManagerState struct {
	Pid     int
	Name    string // SyncManager-1
	Objects []*ManagedObject
}

// ManagedObject is one object in a manager: its current value, as the
// server last reported it, and the calls waiting on it.
type ManagedObject struct {
	Name    string
	Type    string // dict, list, Namespace, Value, Lock, Queue
	Value   json.RawMessage
	Waiters []int
	Calls   int // calls served
}

func (s *State) manager(p *Proc) *ManagerState {
	for _, m := range s.Managers {
		if m.Pid == p.Pid {
			return m
		}
	}
	m := &ManagerState{Pid: p.Pid, Name: p.Name}
	s.Managers = append(s.Managers, m)
	return m
}

// FindManaged finds a manager's object by name.
func (s *State) FindManaged(name string) (*ManagerState, *ManagedObject) {
	for _, m := range s.Managers {
		for _, o := range m.Objects {
			if o.Name == name {
				return m, o
			}
		}
	}
	return nil, nil
}

// applyManager folds a manager event of process p.
func (s *State) applyManager(p *Proc, e trace.Record) {
	var v trace.ManagerServe
	json.Unmarshal(e.Val, &v)
	switch e.Kind {
	case trace.KindManagerNew:
		m := s.manager(p)
		m.Objects = append(m.Objects, &ManagedObject{Name: e.Obj, Type: v.Type, Value: v.Value})
	case trace.KindManagerServe:
		_, o := s.FindManaged(e.Obj)
		if o == nil {
			return
		}
		o.Value = v.Value
		o.Calls++
		o.Waiters = remove(o.Waiters, v.Pid)
	case trace.KindManagerBlock:
		_, o := s.FindManaged(e.Obj)
		if o == nil {
			return
		}
		o.Waiters = append(o.Waiters, v.Pid)
		if c := s.procs[v.Pid]; c != nil && c.Status != Exited {
			c.Status, c.On, c.Forever = Blocked, e.Obj, !v.Timeout
		}
	}
}

// managedBlocked says why a proxy call would wait in the server now, or ""
// when it would not: acquire of a lock another process holds, get from an
// empty queue.
func (s *State) managedBlocked(obj, method string) i18n.T {
	_, o := s.FindManaged(obj)
	if o == nil {
		return i18n.T{}
	}
	switch {
	case o.Type == "Lock" && method == "acquire":
		var holder int
		if json.Unmarshal(o.Value, &holder) == nil && holder != 0 {
			return i18n.Tf("%s, held by %s", obj, s.Name(holder))
		}
	case o.Type == "Queue" && method == "get":
		var items []json.RawMessage
		if json.Unmarshal(o.Value, &items) == nil && len(items) == 0 {
			return i18n.Tf("%s, empty", obj)
		}
	}
	return i18n.T{}
}

// managerCallText is a proxy call in Python: d['count'], d['count'] = 98,
// l.append(7), ns.x, v.value = 3, lock.acquire(). typ is the object's
// type (dict, Value, …).
func managerCallText(obj, typ, method string, rawArgs []json.RawMessage) string {
	args := make([]string, len(rawArgs))
	for i, a := range rawArgs {
		args[i] = valText(a)
	}
	arg := func(i int) string {
		if i < len(args) {
			return args[i]
		}
		return ""
	}
	attr := func(i int) string { return strings.Trim(arg(i), "'") }
	switch {
	case method == "__getitem__":
		return obj + "[" + arg(0) + "]"
	case method == "__setitem__":
		return obj + "[" + arg(0) + "] = " + arg(1)
	case method == "__delitem__":
		return "del " + obj + "[" + arg(0) + "]"
	case method == "__getattr__":
		return obj + "." + attr(0)
	case method == "__setattr__":
		return obj + "." + attr(0) + " = " + arg(1)
	case method == "__len__":
		return "len(" + obj + ")"
	case method == "copy" && (typ == "dict" || typ == "list"):
		return typ + "(" + obj + ")"
	case typ == "Value" && method == "get":
		return obj + ".value"
	case typ == "Value" && method == "set":
		return obj + ".value = " + arg(0)
	}
	return obj + "." + method + "(" + strings.Join(args, ", ") + ")"
}

// describeManager says a manager event in Python terms.
func describeManager(r trace.Record) i18n.T {
	if r.Kind == trace.KindManagerCall {
		var v trace.ManagerCall
		json.Unmarshal(r.Val, &v)
		call := managerCallText(r.Obj, v.Type, v.Method, v.Args)
		if r.Err != "" || len(v.Result) == 0 || string(v.Result) == "null" || strings.Contains(call, " = ") {
			return i18n.Code(call)
		}
		return i18n.Code(call + " → " + valText(v.Result))
	}
	var v trace.ManagerServe
	json.Unmarshal(r.Val, &v)
	call := managerCallText(r.Obj, v.Type, v.Method, v.Args)
	switch r.Kind {
	case trace.KindManagerNew:
		return i18n.Tf("%s  # for %s", r.Obj+" = manager."+managerCtor(v), v.Caller)
	case trace.KindManagerServe:
		return i18n.Tf("serves %s for %s", call, v.Caller)
	case trace.KindManagerBlock:
		return i18n.Tf("holds %s for %s: it must wait", call, v.Caller)
	}
	return i18n.Code(r.Kind)
}

func managerCtor(v trace.ManagerServe) string {
	val := ""
	if len(v.Value) > 0 && v.Type != "Lock" && v.Type != "Queue" {
		val = valText(v.Value)
	}
	switch v.Type {
	case "dict", "list":
		if val == "{}" || val == "[]" {
			val = ""
		}
		return v.Type + "(" + val + ")"
	case "Value":
		return "Value(..., " + val + ")"
	}
	return v.Type + "()"
}
