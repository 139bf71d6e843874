package sim

import (
	"encoding/json"
	"strings"

	"github.com/proctour/proctour/i18n"
	"github.com/proctour/proctour/primitives"
)

// The manager kinds (primitives/manager.go).
const (
	kindManagerCall  = "manager.call"
	kindManagerNew   = "manager.new"
	kindManagerServe = "manager.serve"
	kindManagerBlock = "manager.block"

	// managerTarget is the manager server's target: a process that serves
	// others' calls, not one the gate schedules or the watchdog waits for.
	managerTarget = "manager.server"
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

// managerVal is the payload of the server's events.
type managerVal struct {
	Method  string            `json:"method"`
	Type    string            `json:"type"`
	Args    []json.RawMessage `json:"args"`
	Caller  string            `json:"caller"`
	Pid     int               `json:"pid"`
	Value   json.RawMessage   `json:"value"`
	Timeout bool              `json:"timeout"`
	Result  json.RawMessage   `json:"result"`
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
func (s *State) applyManager(p *Proc, e primitives.Record) {
	var v managerVal
	json.Unmarshal(e.Val, &v)
	switch e.Kind {
	case kindManagerNew:
		m := s.manager(p)
		m.Objects = append(m.Objects, &ManagedObject{Name: e.Obj, Type: v.Type, Value: v.Value})
	case kindManagerServe:
		_, o := s.FindManaged(e.Obj)
		if o == nil {
			return
		}
		o.Value = v.Value
		o.Calls++
		o.Waiters = remove(o.Waiters, v.Pid)
	case kindManagerBlock:
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
// l.append(7), ns.x, v.value = 3, lock.acquire().
func managerCallText(obj string, v managerVal) string {
	args := make([]string, len(v.Args))
	for i, a := range v.Args {
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
	case v.Method == "__getitem__":
		return obj + "[" + arg(0) + "]"
	case v.Method == "__setitem__":
		return obj + "[" + arg(0) + "] = " + arg(1)
	case v.Method == "__delitem__":
		return "del " + obj + "[" + arg(0) + "]"
	case v.Method == "__getattr__":
		return obj + "." + attr(0)
	case v.Method == "__setattr__":
		return obj + "." + attr(0) + " = " + arg(1)
	case v.Method == "__len__":
		return "len(" + obj + ")"
	case v.Method == "copy" && (v.Type == "dict" || v.Type == "list"):
		return v.Type + "(" + obj + ")"
	case v.Type == "Value" && v.Method == "get":
		return obj + ".value"
	case v.Type == "Value" && v.Method == "set":
		return obj + ".value = " + arg(0)
	}
	return obj + "." + v.Method + "(" + strings.Join(args, ", ") + ")"
}

// describeManager says a manager event in Python terms.
func describeManager(r primitives.Record) i18n.T {
	var v managerVal
	json.Unmarshal(r.Val, &v)
	call := managerCallText(r.Obj, v)
	switch r.Kind {
	case kindManagerCall:
		if r.Err != "" || len(v.Result) == 0 || string(v.Result) == "null" || strings.Contains(call, " = ") {
			return i18n.Code(call)
		}
		return i18n.Code(call + " → " + valText(v.Result))
	case kindManagerNew:
		return i18n.Tf("%s  # for %s", r.Obj+" = manager."+managerCtor(v), v.Caller)
	case kindManagerServe:
		return i18n.Tf("serves %s for %s", call, v.Caller)
	case kindManagerBlock:
		return i18n.Tf("holds %s for %s: it must wait", call, v.Caller)
	}
	return i18n.Code(r.Kind)
}

func managerCtor(v managerVal) string {
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
