package trace

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// The limits on what a trace line may hold, checked by Read. A trace is
// data from anywhere: a value nested 9,000 deep, printed by a printer
// that recursed and decoded the rest at every level, took gigabytes and
// minutes every frame.
const (
	// MaxValueDepth is how deeply a trace line's value may nest. The
	// demos' values nest 3 levels at most (a pool job's args, a manager's
	// dict of lists); 64 leaves room for any hand-written trace, and a
	// deeper one is refused when read.
	MaxValueDepth = 64

	// MaxLineBytes is the longest trace line Read takes. A demo's
	// longest line is well under 1 KiB (a manager list of 100 pids); 1 MiB
	// holds any value a lesson could show and keeps a hostile trace from
	// making the reader hold an unbounded line.
	MaxLineBytes = 1 << 20
)

// requiredFields are the fields every trace line must have (DESIGN.md).
var requiredFields = [...]string{"seq", "t_ns", "pid", "proc", "kind", "obj", "val"}

// utf8BOM is what some editors put at the start of a text file.
const utf8BOM = "\xef\xbb\xbf"

// Read reads a trace file and checks its form: one JSON object a line
// with every required field, each of its type, seq strictly increasing
// from 1 and t_ns never decreasing; a line at most MaxLineBytes long and
// a value nested at most MaxValueDepth deep. The error names the first bad
// line and says what is wrong with it in the trace's terms.
func Read(r io.Reader) ([]Record, error) {
	var out []Record
	br := bufio.NewReaderSize(r, 64<<10)
	for line := 1; ; line++ {
		b, ended, tooLong, err := readLine(br)
		if tooLong {
			return nil, fmt.Errorf("trace line %d is longer than %s", line, sizeText(MaxLineBytes))
		}
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("reading trace line %d: %w", line, err)
		}
		if line == 1 {
			b = bytes.TrimPrefix(b, []byte(utf8BOM))
		}
		if b = bytes.TrimSpace(b); len(b) > 0 {
			rec, why := parseLine(b)
			if why == cutShort {
				// The file's last line cut short is a truncated trace (a
				// copy or a download that stopped, head -c); one cut
				// short with lines after it is broken.
				why = "the line is cut short: the trace looks truncated"
				if ended && !restIsBlank(br) {
					why = "not a JSON object: the line ends in the middle of one"
				}
			}
			if why != "" {
				return nil, fmt.Errorf("trace line %d: %s", line, why)
			}
			if want := int64(len(out)) + 1; rec.Seq != want {
				return nil, fmt.Errorf("trace line %d: seq is %d, want %d", line, rec.Seq, want)
			}
			if n := len(out); n > 0 && rec.TNs < out[n-1].TNs {
				return nil, fmt.Errorf("trace line %d: t_ns goes back in time", line)
			}
			out = append(out, rec)
		}
		if err == io.EOF {
			break
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the trace is empty: it has no events")
	}
	return out, nil
}

// readLine reads one line without its newline; ended says it had one. A
// line longer than MaxLineBytes is tooLong, found without holding more
// than that of it.
func readLine(br *bufio.Reader) (b []byte, ended, tooLong bool, err error) {
	for {
		chunk, err := br.ReadSlice('\n')
		if len(b)+len(chunk) > MaxLineBytes+1 { // +1: the newline
			return nil, false, true, nil
		}
		b = append(b, chunk...)
		switch {
		case err == nil:
			return b[:len(b)-1], true, false, nil
		case err == bufio.ErrBufferFull:
			continue
		default: // io.EOF or a read error: the last line has no newline
			if len(b) > MaxLineBytes {
				return nil, false, true, nil
			}
			return b, false, false, err
		}
	}
}

// cutShort is parseLine's word for a line that ends in the middle of a
// JSON object: Read says what that means from where the line is.
const cutShort = "cut short"

// restIsBlank reads what is left of a trace and reports whether it is
// only blank lines.
func restIsBlank(br *bufio.Reader) bool {
	for {
		b, err := br.ReadSlice('\n')
		if len(bytes.TrimSpace(b)) > 0 {
			return false
		}
		if err != nil && err != bufio.ErrBufferFull {
			return true
		}
	}
}

// parseLine reads one trace line, or says what is wrong with it.
func parseLine(b []byte) (Record, string) {
	var rec Record
	if d := Depth(b); d > MaxValueDepth+1 { // +1: the line's own {}
		return rec, fmt.Sprintf("the value is nested deeper than %d levels", MaxValueDepth)
	}
	if !json.Valid(b) {
		var se *json.SyntaxError
		if err := json.Unmarshal(b, new(any)); errors.As(err, &se) && se.Offset >= int64(len(b)) {
			return rec, cutShort
		} else if se != nil {
			return rec, fmt.Sprintf("not a JSON object (bad JSON at column %d)", se.Offset)
		}
		return rec, "not a JSON object"
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(b, &fields) != nil {
		return rec, "not a JSON object"
	}
	for _, f := range requiredFields {
		if _, ok := fields[f]; !ok {
			return rec, fmt.Sprintf("no %q field", f)
		}
	}
	var why string
	whole := func(name string, bits int, optional bool) int64 {
		raw, ok := fields[name]
		if !ok && optional || why != "" {
			return 0
		}
		n, err := strconv.ParseInt(string(raw), 10, bits)
		if err != nil {
			why = fmt.Sprintf("%q must be a whole number", name)
			if errors.Is(err, strconv.ErrRange) {
				why = fmt.Sprintf("%q is too large a number", name)
			}
		}
		return n
	}
	text := func(name string, optional bool) string {
		raw, ok := fields[name]
		if !ok && optional || why != "" {
			return ""
		}
		var s string
		if raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
			why = fmt.Sprintf("%q must be a string", name)
		} else if hasControl(s) {
			why = fmt.Sprintf("%q holds a control character", name)
		}
		return s
	}
	rec.Seq = whole("seq", 64, false)
	rec.TNs = whole("t_ns", 64, false)
	rec.Pid = int(whole("pid", strconv.IntSize, false))
	rec.PPid = int(whole("ppid", strconv.IntSize, true))
	rec.Line = int(whole("line", strconv.IntSize, true))
	rec.Proc = text("proc", false)
	rec.Kind = text("kind", false)
	rec.Obj = text("obj", false)
	rec.Err = text("err", true)
	rec.Host = text("host", true)
	if raw, ok := fields["daemon"]; ok && why == "" {
		switch string(raw) {
		case "true", "false":
			d := string(raw) == "true"
			rec.Daemon = &d
		case "null":
		default:
			why = `"daemon" must be true or false`
		}
	}
	if raw, ok := fields["text"]; ok && why == "" {
		// Only its form is checked here: what it says, and whether its
		// format is one proctour writes, is the business of whoever puts
		// it into words (it falls back to val).
		if raw[0] != '{' && string(raw) != "null" {
			why = `"text" is not a message as proctour writes it`
		}
		rec.Text = raw
	}
	if why != "" {
		return rec, why
	}
	if rec.Kind == "" || rec.Proc == "" {
		return rec, "empty kind or proc"
	}
	rec.Val = fields["val"]
	return rec, ""
}

// Depth is how deeply the JSON text b nests ({"a":[1]} is 2), found in
// one pass without decoding it.
func Depth(b []byte) int {
	depth, most := 0, 0
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '"':
			for i++; i < len(b) && b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
		case '[', '{':
			depth++
			most = max(most, depth)
		case ']', '}':
			depth--
		}
	}
	return most
}

// hasControl reports whether s holds a control character (C0, DEL or
// C1), which drawn as it is could move the terminal's cursor or change
// its colours.
func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || (r >= 0x7f && r < 0xa0) })
}

// sizeText is a byte count as a person would say it: "1 MiB".
func sizeText(n int) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// EndsEarly reports whether a trace stops before its run ended: it has
// run.begin and does not end with run.end, or, written before run.begin
// and run.end were, it does not end with the main script's exit (the
// first process's proc.exit). A trace cut short by line (head -400) reads
// well line by line and ends early.
func EndsEarly(events []Record) bool {
	if len(events) == 0 {
		return true
	}
	last := events[len(events)-1]
	if events[0].Kind == KindRunBegin {
		return last.Kind != KindRunEnd
	}
	for _, e := range events {
		if e.Kind == KindProcStart {
			return last.Kind != KindProcExit || last.Pid != e.Pid
		}
	}
	return true
}
