package trace

import (
	"encoding/json"
	"io"
)

// Record is one event of a trace: something a process did. Seq and TNs
// are assigned by the session's collector; the other fields are filled in
// by the process that acts. The field order is the order of a trace
// line's fields.
type Record struct {
	Seq    int64           `json:"seq"`
	TNs    int64           `json:"t_ns"`
	Pid    int             `json:"pid"`
	PPid   int             `json:"ppid,omitempty"`
	Proc   string          `json:"proc"`
	Kind   string          `json:"kind"`
	Obj    string          `json:"obj"`
	Val    json.RawMessage `json:"val"`
	Daemon *bool           `json:"daemon,omitempty"`
	Line   int             `json:"line,omitempty"`
	Err    string          `json:"err,omitempty"`
	// Text, where present, is what val says in English as a format and
	// its values, for the screen to put into another language (the
	// watchdog's report). The reader checks only that it is a JSON
	// object; whoever draws it decodes it, and falls back to val.
	Text json.RawMessage `json:"text,omitempty"`
	// Host, where present, is the machine the process runs on, when that
	// is not the session's own: a process of another machine that joined
	// a manager served over TCP (proctour worker). Its pid is a pid there.
	Host string `json:"host,omitempty"`
}

// Write writes one event as a trace line (JSON Lines).
func Write(w io.Writer, r Record) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
