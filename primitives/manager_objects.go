package primitives

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
)

// The object types a manager holds, by Python's typeid.
const (
	MDict      = "dict"
	MList      = "list"
	MNamespace = "Namespace"
	MValue     = "Value"
	MLock      = "Lock"
	MQueue     = "Queue"
)

// mobj is one object in a manager's server process. Its methods run there,
// one call at a time (under the server's lock); a call that must wait (a
// held lock, an empty or full queue) reports so and is tried again when
// anything changes.
type mobj struct {
	id, name, typ string

	keys   []string          // dict and Namespace: canonical keys, in insertion order
	vals   []json.RawMessage // dict, Namespace, list: the values; Queue: the items
	value  json.RawMessage   // Value
	holder int               // Lock: the caller's pid, 0 when free
	max    int               // Queue: maxsize, 0 unbounded
}

// errWait is returned by a call that cannot complete yet.
var errWait = &Error{Type: "wait"}

// newMobj makes an object from its constructor's arguments: the initial
// dict or list, Value's typecode and value, Queue's maxsize.
func newMobj(id, name, typ string, args []json.RawMessage) (*mobj, *Error) {
	o := &mobj{id: id, name: name, typ: typ}
	arg := func(i int) json.RawMessage {
		if i < len(args) {
			return args[i]
		}
		return nil
	}
	switch typ {
	case MDict, MNamespace:
		if a := arg(0); len(a) > 0 && string(a) != "null" {
			if e := o.update(a); e != nil {
				return nil, e
			}
		}
	case MList:
		if a := arg(0); len(a) > 0 && string(a) != "null" {
			if err := json.Unmarshal(a, &o.vals); err != nil {
				return nil, pyErr("TypeError", "list() argument must be an iterable")
			}
		}
	case MValue:
		// The typecode, arg(0), is never read: see setValue.
		if len(arg(1)) == 0 {
			return nil, pyErr("TypeError", "Value.__init__() missing 1 required positional argument: 'value'")
		}
		o.value = arg(1)
	case MQueue:
		if a := arg(0); len(a) > 0 {
			json.Unmarshal(a, &o.max)
		}
	case MLock:
	default:
		return nil, pyErr("KeyError", "%q: no such type in this manager", typ)
	}
	return o, nil
}

// canonKey is a key as the dict compares it: equal numbers are one key, as
// 1 and 1.0 are in Python.
func canonKey(raw json.RawMessage) (string, *Error) {
	var x any
	if err := json.Unmarshal(raw, &x); err != nil {
		return "", pyErr("TypeError", "bad key %s", raw)
	}
	switch x.(type) {
	case map[string]any, []any:
		return "", pyErr("TypeError", "unhashable type: '%s'", pyTypeName(x))
	}
	b, _ := json.Marshal(x)
	return string(b), nil
}

func pyTypeName(x any) string {
	switch x.(type) {
	case map[string]any:
		return "dict"
	case []any:
		return "list"
	}
	return fmt.Sprintf("%T", x)
}

func (o *mobj) find(key string) int { return slices.Index(o.keys, key) }

func (o *mobj) set(key string, v json.RawMessage) {
	if i := o.find(key); i >= 0 {
		o.vals[i] = v
		return
	}
	o.keys, o.vals = append(o.keys, key), append(o.vals, v)
}

// update is dict.update(mapping): a JSON object's keys are strings.
func (o *mobj) update(raw json.RawMessage) *Error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return pyErr("TypeError", "update() takes a mapping, not %s", raw)
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return pyErr("TypeError", "bad mapping %s", raw)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return pyErr("TypeError", "bad mapping %s", raw)
		}
		k, _ := json.Marshal(t)
		o.set(string(k), v)
	}
	return nil
}

// snapshot is the object's value as a JSON document: a dict or Namespace as
// an object (keys as text), a list or a Queue's items as an array, a
// Value's value, a Lock's holder pid (null when free).
func (o *mobj) snapshot() json.RawMessage {
	var b bytes.Buffer
	switch o.typ {
	case MDict, MNamespace:
		b.WriteByte('{')
		for i, k := range o.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			if k[0] == '"' {
				b.WriteString(k)
			} else {
				b.WriteString(strconv.Quote(k))
			}
			b.WriteByte(':')
			b.Write(o.vals[i])
		}
		b.WriteByte('}')
	case MList, MQueue:
		b.WriteByte('[')
		for i, v := range o.vals {
			if i > 0 {
				b.WriteByte(',')
			}
			b.Write(v)
		}
		b.WriteByte(']')
	case MValue:
		return o.value
	case MLock:
		if o.holder == 0 {
			return json.RawMessage("null")
		}
		return json.RawMessage(strconv.Itoa(o.holder))
	}
	return b.Bytes()
}

// setValue is value = x on manager.Value(typecode, value). Lesson 10
// teaches the manager's Value, so proctour matches CPython's
// multiprocessing.managers.Value: the typecode is never read (CPython stores
// it; here it is not even kept) and the value is whatever it is given
// (Value('i', 0).value = 1.5 is 1.5; Value('x', 'text') is fine). The
// shared-ctypes multiprocessing.Value('i', 0), which refuses 1.5 with a
// TypeError, is another object, and proctour has none.
func (o *mobj) setValue(raw json.RawMessage) *Error {
	if len(raw) == 0 {
		return pyErr("TypeError", "ValueProxy.set() missing 1 required positional argument: 'value'")
	}
	o.value = raw
	return nil
}

// index reads a list index, negative from the end, as Python does.
func (o *mobj) index(raw json.RawMessage) (int, *Error) {
	var i int
	if err := json.Unmarshal(raw, &i); err != nil {
		return 0, pyErr("TypeError", "list indices must be integers, not %s", raw)
	}
	if i < 0 {
		i += len(o.vals)
	}
	if i < 0 || i >= len(o.vals) {
		return 0, pyErr("IndexError", "list index out of range")
	}
	return i, nil
}

// call runs a method with its arguments for the process with pid caller.
// It returns the result, or a Python error, or errWait when the call must
// wait for a change (the caller decides whether it may).
func (o *mobj) call(method string, args []json.RawMessage, caller int) (json.RawMessage, *Error) {
	arg := func(i int) json.RawMessage {
		if i < len(args) {
			return args[i]
		}
		return nil
	}
	none := json.RawMessage("null")
	mark := func(b bool) json.RawMessage { return json.RawMessage(strconv.FormatBool(b)) }
	switch o.typ + "." + method {
	case "dict.__getitem__", "dict.get", "dict.__contains__", "dict.pop", "dict.setdefault",
		"Namespace.__getattr__", "dict.__delitem__", "Namespace.__delattr__":
		k, e := canonKey(arg(0))
		if e != nil {
			return nil, e
		}
		i := o.find(k)
		switch {
		case method == "__contains__":
			return mark(i >= 0), nil
		case i < 0 && method == "get":
			if d := arg(1); d != nil {
				return d, nil
			}
			return none, nil
		case i < 0 && method == "setdefault":
			d := arg(1)
			if d == nil {
				d = none
			}
			o.set(k, d)
			return d, nil
		case i < 0 && (method == "pop" && arg(1) != nil):
			return arg(1), nil
		case i < 0 && o.typ == MNamespace:
			return nil, pyErr("AttributeError", "'Namespace' object has no attribute %s", pyKey(k))
		case i < 0:
			return nil, pyErr("KeyError", "%s", pyKey(k))
		}
		v := o.vals[i]
		if method == "pop" || method == "__delitem__" || method == "__delattr__" {
			o.keys, o.vals = slices.Delete(o.keys, i, i+1), slices.Delete(o.vals, i, i+1)
			if method != "pop" {
				return none, nil
			}
		}
		return v, nil
	case "dict.__setitem__", "Namespace.__setattr__":
		k, e := canonKey(arg(0))
		if e != nil {
			return nil, e
		}
		o.set(k, arg(1))
		return none, nil
	case "dict.update":
		return none, o.update(arg(0))
	case "dict.__len__", "list.__len__":
		return json.RawMessage(strconv.Itoa(len(o.vals))), nil
	case "dict.keys":
		keys := make([]json.RawMessage, len(o.keys))
		for i, k := range o.keys {
			keys[i] = json.RawMessage(k)
		}
		b, _ := json.Marshal(keys)
		return b, nil
	case "dict.values":
		b, _ := json.Marshal(append([]json.RawMessage{}, o.vals...))
		return b, nil
	case "dict.copy", "list.copy", "Namespace.copy", "Value.copy", "Queue.copy", "Lock.copy":
		return o.snapshot(), nil
	case "list.append":
		o.vals = append(o.vals, arg(0))
		return none, nil
	case "list.extend":
		var more []json.RawMessage
		if err := json.Unmarshal(arg(0), &more); err != nil {
			return nil, pyErr("TypeError", "extend() takes an iterable")
		}
		o.vals = append(o.vals, more...)
		return none, nil
	case "list.__getitem__", "list.__setitem__":
		i, e := o.index(arg(0))
		if e != nil {
			return nil, e
		}
		if method == "__setitem__" {
			o.vals[i] = arg(1)
			return none, nil
		}
		return o.vals[i], nil
	case "list.pop":
		if len(o.vals) == 0 {
			return nil, pyErr("IndexError", "pop from empty list")
		}
		at := json.RawMessage("-1")
		if a := arg(0); a != nil {
			at = a
		}
		i, e := o.index(at)
		if e != nil {
			return nil, pyErr("IndexError", "pop index out of range")
		}
		v := o.vals[i]
		o.vals = slices.Delete(o.vals, i, i+1)
		return v, nil
	case "Value.get":
		return o.value, nil
	case "Value.set":
		return none, o.setValue(arg(0))
	case "Lock.acquire":
		if o.holder != 0 {
			return nil, errWait
		}
		o.holder = caller
		return mark(true), nil
	case "Lock.release":
		if o.holder == 0 {
			return nil, pyErr("RuntimeError", "release unlocked lock")
		}
		o.holder = 0
		return none, nil
	case "Lock.locked":
		return mark(o.holder != 0), nil
	case "Queue.put":
		if o.max > 0 && len(o.vals) >= o.max {
			return nil, errWait
		}
		o.vals = append(o.vals, arg(0))
		return none, nil
	case "Queue.get":
		if len(o.vals) == 0 {
			return nil, errWait
		}
		v := o.vals[0]
		o.vals = slices.Delete(o.vals, 0, 1)
		return v, nil
	case "Queue.qsize":
		return json.RawMessage(strconv.Itoa(len(o.vals))), nil
	case "Queue.empty":
		return mark(len(o.vals) == 0), nil
	case "Queue.full":
		return mark(o.max > 0 && len(o.vals) >= o.max), nil
	}
	return nil, pyErr("AttributeError", "'%s' object has no attribute '%s'", o.typ, method)
}

// pyKey is a canonical key as Python's KeyError prints it.
func pyKey(k string) string {
	var s string
	if json.Unmarshal([]byte(k), &s) == nil {
		return "'" + s + "'"
	}
	return k
}

// timedOut is the outcome of a call that could not complete in time (or at
// once, when it was not to block).
func (o *mobj) timedOut(method string) (json.RawMessage, *Error) {
	switch method {
	case "put":
		return nil, &Error{Type: "queue.Full"}
	case "get":
		return nil, &Error{Type: "queue.Empty"}
	}
	return json.RawMessage("false"), nil // Lock.acquire
}
