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

// mobj is one object in a manager's server process: its id, its name in
// events, its typeid and its kind, which holds its state and runs its
// methods. They run there, one call at a time (under the server's lock); a
// call that must wait (a held lock, an empty or full queue) reports so and
// is tried again when anything changes.
type mobj struct {
	id, name, typ string
	kind          mkind
}

// mkind is one proxied kind: an object's state and its methods.
type mkind interface {
	// call runs a method with its arguments for the process with pid
	// caller: the result, or a Python error, or errWait when the call must
	// wait for a change, or errNoMethod.
	call(method string, a margs, caller int) (json.RawMessage, *Error)
	// snapshot is the object's value as a JSON document.
	snapshot() json.RawMessage
}

// mwaiter is a kind whose calls may return errWait: timedOut is the outcome
// of such a call that could not complete in time (or at once, when it was
// not to block).
type mwaiter interface {
	timedOut(method string) (json.RawMessage, *Error)
}

var (
	// errWait is returned by a call that cannot complete yet.
	errWait = &Error{Type: "wait"}
	// errNoMethod is a kind's answer to a method it does not have.
	errNoMethod = &Error{Type: "no method"}
)

// margs are a call's arguments.
type margs []json.RawMessage

// at is argument i, nil when there are fewer.
func (a margs) at(i int) json.RawMessage {
	if i < len(a) {
		return a[i]
	}
	return nil
}

func mNone() json.RawMessage       { return json.RawMessage("null") }
func mBool(b bool) json.RawMessage { return json.RawMessage(strconv.FormatBool(b)) }
func mInt(n int) json.RawMessage   { return json.RawMessage(strconv.Itoa(n)) }

// newMobj makes an object from its constructor's arguments: the initial
// dict or list, Value's typecode and value, Queue's maxsize.
func newMobj(id, name, typ string, args []json.RawMessage) (*mobj, *Error) {
	a := margs(args)
	var k mkind
	var e *Error
	switch typ {
	case MDict:
		d := &mdict{}
		k, e = d, d.init(a.at(0))
	case MNamespace:
		n := &mnamespace{}
		k, e = n, n.init(a.at(0))
	case MList:
		k, e = newMlist(a.at(0))
	case MValue:
		k, e = newMvalue(a)
	case MQueue:
		q := &mqueue{}
		if a := a.at(0); len(a) > 0 {
			json.Unmarshal(a, &q.max)
		}
		k = q
	case MLock:
		k = &mlock{}
	default:
		return nil, pyErr("KeyError", "%q: no such type in this manager", typ)
	}
	if e != nil {
		return nil, e
	}
	return &mobj{id: id, name: name, typ: typ, kind: k}, nil
}

// call runs a method with its arguments for the process with pid caller.
// It returns the result, or a Python error, or errWait when the call must
// wait for a change (the caller decides whether it may). Every kind has
// copy(), its snapshot.
func (o *mobj) call(method string, args []json.RawMessage, caller int) (json.RawMessage, *Error) {
	if method == "copy" {
		return o.kind.snapshot(), nil
	}
	v, e := o.kind.call(method, margs(args), caller)
	if e == errNoMethod {
		return nil, pyErr("AttributeError", "'%s' object has no attribute '%s'", o.typ, method)
	}
	return v, e
}

// snapshot is the object's value as a JSON document: a dict or Namespace as
// an object (keys as text), a list or a Queue's items as an array, a
// Value's value, a Lock's holder pid (null when free).
func (o *mobj) snapshot() json.RawMessage { return o.kind.snapshot() }

// timedOut is the outcome of a call that returned errWait and could not
// complete in time (or at once, when it was not to block).
func (o *mobj) timedOut(method string) (json.RawMessage, *Error) {
	return o.kind.(mwaiter).timedOut(method)
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

// pyKey is a canonical key as Python's KeyError prints it.
func pyKey(k string) string {
	var s string
	if json.Unmarshal([]byte(k), &s) == nil {
		return "'" + s + "'"
	}
	return k
}

// mkeyed is what a dict and a Namespace hold: canonical keys, in insertion
// order, and their values.
type mkeyed struct {
	keys []string
	vals []json.RawMessage
}

// init fills the object from its constructor's mapping, if it has one.
func (m *mkeyed) init(raw json.RawMessage) *Error {
	if len(raw) > 0 && string(raw) != "null" {
		return m.update(raw)
	}
	return nil
}

func (m *mkeyed) find(key string) int { return slices.Index(m.keys, key) }

// lookup is the canonical key of raw and its index, -1 when absent.
func (m *mkeyed) lookup(raw json.RawMessage) (string, int, *Error) {
	k, e := canonKey(raw)
	if e != nil {
		return "", 0, e
	}
	return k, m.find(k), nil
}

func (m *mkeyed) set(key string, v json.RawMessage) {
	if i := m.find(key); i >= 0 {
		m.vals[i] = v
		return
	}
	m.keys, m.vals = append(m.keys, key), append(m.vals, v)
}

// setItem is d[key] = v and setattr(ns, key, v).
func (m *mkeyed) setItem(a margs) (json.RawMessage, *Error) {
	k, e := canonKey(a.at(0))
	if e != nil {
		return nil, e
	}
	m.set(k, a.at(1))
	return mNone(), nil
}

func (m *mkeyed) remove(i int) {
	m.keys, m.vals = slices.Delete(m.keys, i, i+1), slices.Delete(m.vals, i, i+1)
}

// update is dict.update(mapping): a JSON object's keys are strings.
func (m *mkeyed) update(raw json.RawMessage) *Error {
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
		m.set(string(k), v)
	}
	return nil
}

func (m *mkeyed) snapshot() json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range m.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		if k[0] == '"' {
			b.WriteString(k)
		} else {
			b.WriteString(strconv.Quote(k))
		}
		b.WriteByte(':')
		b.Write(m.vals[i])
	}
	b.WriteByte('}')
	return b.Bytes()
}

// mdict is manager.dict().
type mdict struct{ mkeyed }

func (d *mdict) call(method string, a margs, _ int) (json.RawMessage, *Error) {
	switch method {
	case "__getitem__", "get", "__contains__", "pop", "setdefault", "__delitem__":
		return d.item(method, a)
	case "__setitem__":
		return d.setItem(a)
	case "update":
		return mNone(), d.update(a.at(0))
	case "__len__":
		return mInt(len(d.vals)), nil
	case "keys":
		keys := make([]json.RawMessage, len(d.keys))
		for i, k := range d.keys {
			keys[i] = json.RawMessage(k)
		}
		b, _ := json.Marshal(keys)
		return b, nil
	case "values":
		b, _ := json.Marshal(append([]json.RawMessage{}, d.vals...))
		return b, nil
	}
	return nil, errNoMethod
}

// item runs the dict's methods on one key: d[key], get, in, pop,
// setdefault and del d[key].
func (d *mdict) item(method string, a margs) (json.RawMessage, *Error) {
	k, i, e := d.lookup(a.at(0))
	if e != nil {
		return nil, e
	}
	if method == "__contains__" {
		return mBool(i >= 0), nil
	}
	if i < 0 {
		dflt := a.at(1)
		switch {
		case method == "get" && dflt != nil, method == "pop" && dflt != nil:
			return dflt, nil
		case method == "get":
			return mNone(), nil
		case method == "setdefault":
			if dflt == nil {
				dflt = mNone()
			}
			d.set(k, dflt)
			return dflt, nil
		}
		return nil, pyErr("KeyError", "%s", pyKey(k))
	}
	v := d.vals[i]
	switch method {
	case "pop":
		d.remove(i)
	case "__delitem__":
		d.remove(i)
		return mNone(), nil
	}
	return v, nil
}

// mnamespace is manager.Namespace(): its attributes are keys.
type mnamespace struct{ mkeyed }

func (n *mnamespace) call(method string, a margs, _ int) (json.RawMessage, *Error) {
	switch method {
	case "__getattr__", "__delattr__":
		k, i, e := n.lookup(a.at(0))
		if e != nil {
			return nil, e
		}
		if i < 0 {
			return nil, pyErr("AttributeError", "'Namespace' object has no attribute %s", pyKey(k))
		}
		if method == "__getattr__" {
			return n.vals[i], nil
		}
		n.remove(i)
		return mNone(), nil
	case "__setattr__":
		return n.setItem(a)
	}
	return nil, errNoMethod
}

// jsonArray is values as a JSON array.
func jsonArray(vals []json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, v := range vals {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(v)
	}
	b.WriteByte(']')
	return b.Bytes()
}

// mlist is manager.list().
type mlist struct{ vals []json.RawMessage }

func newMlist(initial json.RawMessage) (*mlist, *Error) {
	l := &mlist{}
	if len(initial) > 0 && string(initial) != "null" {
		if err := json.Unmarshal(initial, &l.vals); err != nil {
			return nil, pyErr("TypeError", "list() argument must be an iterable")
		}
	}
	return l, nil
}

func (l *mlist) snapshot() json.RawMessage { return jsonArray(l.vals) }

func (l *mlist) call(method string, a margs, _ int) (json.RawMessage, *Error) {
	switch method {
	case "__len__":
		return mInt(len(l.vals)), nil
	case "append":
		l.vals = append(l.vals, a.at(0))
		return mNone(), nil
	case "extend":
		var more []json.RawMessage
		if err := json.Unmarshal(a.at(0), &more); err != nil {
			return nil, pyErr("TypeError", "extend() takes an iterable")
		}
		l.vals = append(l.vals, more...)
		return mNone(), nil
	case "__getitem__", "__setitem__":
		i, e := l.index(a.at(0))
		if e != nil {
			return nil, e
		}
		if method == "__setitem__" {
			l.vals[i] = a.at(1)
			return mNone(), nil
		}
		return l.vals[i], nil
	case "pop":
		if len(l.vals) == 0 {
			return nil, pyErr("IndexError", "pop from empty list")
		}
		at := json.RawMessage("-1")
		if a := a.at(0); a != nil {
			at = a
		}
		i, e := l.index(at)
		if e != nil {
			return nil, pyErr("IndexError", "pop index out of range")
		}
		v := l.vals[i]
		l.vals = slices.Delete(l.vals, i, i+1)
		return v, nil
	}
	return nil, errNoMethod
}

// index reads a list index, negative from the end, as Python does.
func (l *mlist) index(raw json.RawMessage) (int, *Error) {
	var i int
	if err := json.Unmarshal(raw, &i); err != nil {
		return 0, pyErr("TypeError", "list indices must be integers, not %s", raw)
	}
	if i < 0 {
		i += len(l.vals)
	}
	if i < 0 || i >= len(l.vals) {
		return 0, pyErr("IndexError", "list index out of range")
	}
	return i, nil
}

// mvalue is manager.Value(typecode, value).
type mvalue struct{ value json.RawMessage }

// newMvalue makes a Value; the typecode, a.at(0), is never read: see
// setValue.
func newMvalue(a margs) (*mvalue, *Error) {
	if len(a.at(1)) == 0 {
		return nil, pyErr("TypeError", "Value.__init__() missing 1 required positional argument: 'value'")
	}
	return &mvalue{value: a.at(1)}, nil
}

func (v *mvalue) snapshot() json.RawMessage { return v.value }

func (v *mvalue) call(method string, a margs, _ int) (json.RawMessage, *Error) {
	switch method {
	case "get":
		return v.value, nil
	case "set":
		return mNone(), v.setValue(a.at(0))
	}
	return nil, errNoMethod
}

// setValue is value = x on manager.Value(typecode, value). Lesson 10
// teaches the manager's Value, so proctour matches CPython's
// multiprocessing.managers.Value: the typecode is never read (CPython stores
// it; here it is not even kept) and the value is whatever it is given
// (Value('i', 0).value = 1.5 is 1.5; Value('x', 'text') is fine). The
// shared-ctypes multiprocessing.Value('i', 0), which refuses 1.5 with a
// TypeError, is another object, and proctour has none.
func (v *mvalue) setValue(raw json.RawMessage) *Error {
	if len(raw) == 0 {
		return pyErr("TypeError", "ValueProxy.set() missing 1 required positional argument: 'value'")
	}
	v.value = raw
	return nil
}

// mlock is manager.Lock(): holder is the caller's pid, 0 when free.
type mlock struct{ holder int }

func (l *mlock) snapshot() json.RawMessage {
	if l.holder == 0 {
		return mNone()
	}
	return mInt(l.holder)
}

func (l *mlock) call(method string, _ margs, caller int) (json.RawMessage, *Error) {
	switch method {
	case "acquire":
		if l.holder != 0 {
			return nil, errWait
		}
		l.holder = caller
		return mBool(true), nil
	case "release":
		if l.holder == 0 {
			return nil, pyErr("RuntimeError", "release unlocked lock")
		}
		l.holder = 0
		return mNone(), nil
	case "locked":
		return mBool(l.holder != 0), nil
	}
	return nil, errNoMethod
}

// timedOut: acquire gives up, False.
func (l *mlock) timedOut(string) (json.RawMessage, *Error) { return mBool(false), nil }

// mqueue is manager.Queue(maxsize): max 0 is unbounded.
type mqueue struct {
	items []json.RawMessage
	max   int
}

func (q *mqueue) snapshot() json.RawMessage { return jsonArray(q.items) }

func (q *mqueue) full() bool { return q.max > 0 && len(q.items) >= q.max }

func (q *mqueue) call(method string, a margs, _ int) (json.RawMessage, *Error) {
	switch method {
	case "put":
		if q.full() {
			return nil, errWait
		}
		q.items = append(q.items, a.at(0))
		return mNone(), nil
	case "get":
		if len(q.items) == 0 {
			return nil, errWait
		}
		v := q.items[0]
		q.items = slices.Delete(q.items, 0, 1)
		return v, nil
	case "qsize":
		return mInt(len(q.items)), nil
	case "empty":
		return mBool(len(q.items) == 0), nil
	case "full":
		return mBool(q.full()), nil
	}
	return nil, errNoMethod
}

// timedOut: a put finds the queue still full, a get still empty.
func (q *mqueue) timedOut(method string) (json.RawMessage, *Error) {
	if method == "put" {
		return nil, errQueueFull()
	}
	return nil, errQueueEmpty()
}
