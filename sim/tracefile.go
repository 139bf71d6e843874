package sim

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/proctour/proctour/primitives"
)

// WriteRecord writes one event as a trace line (JSON Lines).
func WriteRecord(w io.Writer, r primitives.Record) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// requiredFields are the fields every trace line must have (DESIGN.md).
var requiredFields = []string{"seq", "t_ns", "pid", "proc", "kind", "obj", "val"}

// ReadTrace reads a trace file and checks its form: one JSON object a line
// with every required field, seq strictly increasing from 1 and t_ns never
// decreasing. The error names the first bad line.
func ReadTrace(r io.Reader) ([]primitives.Record, error) {
	var out []primitives.Record
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(b, &fields); err != nil {
			return nil, fmt.Errorf("trace line %d: not a JSON object", line)
		}
		for _, f := range requiredFields {
			if _, ok := fields[f]; !ok {
				return nil, fmt.Errorf("trace line %d: no %q field", line, f)
			}
		}
		var rec primitives.Record
		if err := json.Unmarshal(b, &rec); err != nil {
			return nil, fmt.Errorf("trace line %d: %v", line, err)
		}
		if want := int64(len(out)) + 1; rec.Seq != want {
			return nil, fmt.Errorf("trace line %d: seq is %d, want %d", line, rec.Seq, want)
		}
		if n := len(out); n > 0 && rec.TNs < out[n-1].TNs {
			return nil, fmt.Errorf("trace line %d: t_ns goes back in time", line)
		}
		if rec.Kind == "" || rec.Proc == "" {
			return nil, fmt.Errorf("trace line %d: empty kind or proc", line)
		}
		out = append(out, rec)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("trace line %d: %w", line+1, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("trace is empty")
	}
	return out, nil
}
