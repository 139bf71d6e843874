package primitives

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// A pool moves lists of arguments and results between processes; most
// lessons' tasks take and return ints. These are json.Marshal and
// json.Unmarshal with a fast path for []int, which they write and read by
// hand (reflection costs about ten times as much per element).

// encodeList encodes a list of values as a JSON array.
func encodeList[T any](items []T) ([]byte, error) {
	if ints, ok := any(items).([]int); ok {
		b := make([]byte, 0, 2+len(ints)*6)
		b = append(b, '[')
		for i, n := range ints {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, int64(n), 10)
		}
		return append(b, ']'), nil
	}
	return json.Marshal(items)
}

// decodeInto decodes JSON into v, by hand when v is a *[]int and the JSON
// is a plain array of integers; anything else goes to json.Unmarshal.
func decodeInto(b []byte, v any) error {
	if p, ok := v.(*[]int); ok {
		if ints, ok := parseInts(b); ok {
			*p = ints
			return nil
		}
	}
	return json.Unmarshal(b, v)
}

// parseInts reads "[1,-2,3]" (no spaces, as encodeList and json.Marshal
// write it); ok is false for anything else.
func parseInts(b []byte) ([]int, bool) {
	if len(b) < 2 || b[0] != '[' || b[len(b)-1] != ']' {
		return nil, false
	}
	b = b[1 : len(b)-1]
	out := make([]int, 0, len(b)/4+1)
	if len(b) == 0 {
		return out, true
	}
	for len(b) > 0 {
		i := 0
		if b[0] == '-' {
			i++
		}
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == start || i-start > 18 || (b[start] == '0' && i-start > 1) {
			return nil, false
		}
		n, err := strconv.Atoi(string(b[:i]))
		if err != nil {
			return nil, false
		}
		out = append(out, n)
		b = b[i:]
		if len(b) > 0 {
			if b[0] != ',' || len(b) == 1 {
				return nil, false
			}
			b = b[1:]
		}
	}
	return out, true
}

// poolTask is a chunk of a job on the task queue: items I, I+1, … of job
// Job. A task with no Func tells a worker to exit.
type poolTask struct {
	Job  int             `json:"j"`
	I    int             `json:"i"`
	N    int             `json:"n"`
	Func string          `json:"f,omitempty"`
	Args json.RawMessage `json:"a,omitempty"` // a JSON array of N arguments
}

// poolResult is a chunk's results, or its first error.
type poolResult struct {
	Job  int             `json:"j"`
	I    int             `json:"i"`
	N    int             `json:"n"`           // results in Vals
	Vals json.RawMessage `json:"v,omitempty"` // a JSON array
	Err  *Error          `json:"e,omitempty"`
}

// encode writes the task by hand: Args is already JSON, and json.Marshal
// would scan it again.
func (t poolTask) encode() rawItem {
	b := make([]byte, 0, len(t.Args)+len(t.Func)+48)
	b = append(b, `{"j":`...)
	b = strconv.AppendInt(b, int64(t.Job), 10)
	b = append(b, `,"i":`...)
	b = strconv.AppendInt(b, int64(t.I), 10)
	b = append(b, `,"n":`...)
	b = strconv.AppendInt(b, int64(t.N), 10)
	if t.Func != "" {
		b = append(b, `,"f":`...)
		b = strconv.AppendQuote(b, t.Func)
		b = append(b, `,"a":`...)
		b = append(b, t.Args...)
	}
	return append(b, '}')
}

// encode writes the result by hand, as poolTask.encode.
func (r poolResult) encode() rawItem {
	b := make([]byte, 0, len(r.Vals)+48)
	b = append(b, `{"j":`...)
	b = strconv.AppendInt(b, int64(r.Job), 10)
	b = append(b, `,"i":`...)
	b = strconv.AppendInt(b, int64(r.I), 10)
	b = append(b, `,"n":`...)
	b = strconv.AppendInt(b, int64(r.N), 10)
	if len(r.Vals) > 0 {
		b = append(b, `,"v":`...)
		b = append(b, r.Vals...)
	}
	if r.Err != nil {
		e, _ := json.Marshal(r.Err)
		b = append(b, `,"e":`...)
		b = append(b, e...)
	}
	return append(b, '}')
}

// poolMsg is a task or a result as parsePoolMsg reads it: a task's
// arguments and a result's values are both in Args.
type poolMsg struct {
	Job, I, N int
	Func      string
	Args      json.RawMessage
	err       *Error
}

// parsePoolMsg reads what poolTask.encode and poolResult.encode write,
// without scanning the JSON arrays inside: they were made by json.Marshal
// and are decoded (and so checked) where they are used.
func parsePoolMsg(b []byte) (poolMsg, error) {
	var m poolMsg
	bad := func() (poolMsg, error) { return m, fmt.Errorf("pool: bad message %.60q", b) }
	s := string(b)
	num := func(prefix string) (int, bool) {
		rest, ok := strings.CutPrefix(s, prefix)
		if !ok {
			return 0, false
		}
		end := strings.IndexAny(rest, ",}")
		if end < 0 {
			return 0, false
		}
		n, err := strconv.Atoi(rest[:end])
		s = rest[end:]
		return n, err == nil
	}
	var ok1, ok2, ok3 bool
	m.Job, ok1 = num(`{"j":`)
	m.I, ok2 = num(`,"i":`)
	m.N, ok3 = num(`,"n":`)
	if !ok1 || !ok2 || !ok3 || !strings.HasSuffix(s, "}") {
		return bad()
	}
	switch {
	case s == "}":
	case strings.HasPrefix(s, `,"f":`):
		q, err := strconv.QuotedPrefix(s[5:])
		if err != nil {
			return bad()
		}
		m.Func, _ = strconv.Unquote(q)
		rest, ok := strings.CutPrefix(s[5+len(q):], `,"a":`)
		if !ok {
			return bad()
		}
		m.Args = json.RawMessage(rest[:len(rest)-1])
	case strings.HasPrefix(s, `,"v":`):
		m.Args = json.RawMessage(s[5 : len(s)-1])
	case strings.HasPrefix(s, `,"e":`):
		m.err = new(Error)
		if json.Unmarshal([]byte(s[5:len(s)-1]), m.err) != nil {
			return bad()
		}
	default:
		return bad()
	}
	return m, nil
}
