package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/proctour/proctour/primitives"
)

// The pipe kinds of DESIGN.md.
const (
	kindPipeSend  = "pipe.send"
	kindPipeRecv  = "pipe.recv"
	kindPipeClose = "pipe.close"
	kindPipeEOF   = "pipe.eof"
)

// Describe says what an event is in the Python terms the lessons use:
// `lock.acquire()`, `time.sleep(0.1)`, `print('sold out')`.
func Describe(r primitives.Record) string {
	v := valText(r.Val)
	var s string
	switch r.Kind {
	case primitives.KindProcStart:
		s = fmt.Sprintf("Process(target=%s).start()  # pid %d", targetText(r), r.Pid)
		if r.PPid == 0 {
			s = fmt.Sprintf("python %s  # the main script, pid %d", scriptName(r), r.Pid)
		}
		switch strText(r.Val) {
		case managerTarget:
			s = fmt.Sprintf("Manager()  # its server process starts, pid %d", r.Pid)
		case poolWorkerTarget:
			s = fmt.Sprintf("a pool's worker process starts  # pid %d", r.Pid)
		}
		if r.Daemon != nil && *r.Daemon {
			s += ", daemon"
		}
	case primitives.KindProcExit:
		s = "exit, exitcode=" + v
		if r.Obj == "stopped" {
			s += "  # the demo was stopped"
		} else if code, _ := strconv.Atoi(v); code < 0 {
			s += "  # killed by " + signalName(-code)
		}
	case primitives.KindProcZombie:
		s = "exited  # a zombie until its parent waits for it"
	case primitives.KindProcTerminate:
		if v == `'SIGKILL'` {
			s = r.Obj + ".kill()"
		} else {
			s = r.Obj + ".terminate()"
		}
	case primitives.KindProcJoin:
		s = r.Obj + ".join(" + timeoutText(v) + ")"
	case primitives.KindStdout:
		if r.Obj == "stderr" {
			s = strText(r.Val)
		} else {
			s = "print(" + v + ")"
		}
	case primitives.KindSleep:
		s = "time.sleep(" + v + ")"
	case primitives.KindLockWait:
		s = r.Obj + ".acquire(" + timeoutText(v) + ")  # waiting"
	case primitives.KindLockAcquire, primitives.KindSemAcquire:
		s = r.Obj + ".acquire()"
		if v == "false" {
			s += " → False"
		} else if r.Kind == primitives.KindSemAcquire {
			s += semLeft(r.Val)
		}
	case primitives.KindLockRelease, primitives.KindSemRelease:
		s = r.Obj + ".release()"
		if r.Kind == primitives.KindSemRelease {
			s += semLeft(r.Val)
		}
	case primitives.KindSemWait:
		s = r.Obj + ".acquire()  # waiting for a free slot"
	case primitives.KindEventWait:
		s = r.Obj + ".wait(" + timeoutText(v) + ")  # waiting"
	case primitives.KindEventWake:
		s = r.Obj + ".wait() → " + pyBool(v)
	case primitives.KindEventSet:
		s = r.Obj + ".set()"
	case primitives.KindEventClear:
		s = r.Obj + ".clear()"
	case primitives.KindFileRead:
		s = "open('" + r.Obj + "').read() → " + v
	case primitives.KindFileWrite:
		s = "open('" + r.Obj + "', 'w').write(" + v + ")"
	case primitives.KindFileAppend:
		s = "open('" + r.Obj + "', 'a').write(" + v + ")"
	case primitives.KindWatchdog:
		s = "watchdog: " + strText(r.Val)
	case primitives.KindTiming:
		var sec float64
		json.Unmarshal(r.Val, &sec)
		s = fmt.Sprintf("timed %s: %.3f s", r.Obj, sec)
	case kindQueueNew:
		s = queueCtor(r)
	case kindQueuePut:
		s = r.Obj + ".put(" + v + ")"
	case kindQueueGet:
		s = r.Obj + ".get() → " + v
		if r.Err != "" { // nothing was got: the error says so below
			s = r.Obj + ".get()"
		}
	case kindQueueBlock:
		var b blockVal
		json.Unmarshal(r.Val, &b)
		limit := ""
		if t := valText(b.Timeout); t != "None" && t != "" {
			limit = ", at most " + t + " s"
		}
		if b.Op == "put" {
			s = r.Obj + ".put(...)  # full: waiting for a free slot" + limit
		} else {
			s = r.Obj + ".get()  # empty: waiting for an item" + limit
		}
	case kindQueueTaskDone:
		s = r.Obj + ".task_done()  # " + v + " not done yet"
	case kindQueueJoin:
		s = r.Obj + ".join()  # until every item is done"
	case kindPipeSend:
		if r.Err != "" { // the failed send's value is not in the event
			v = "..."
		}
		s = r.Obj + ".send(" + v + ")"
	case kindPipeRecv:
		s = r.Obj + ".recv() → " + v
		if r.Err != "" {
			s = r.Obj + ".recv()"
		}
	case kindPipeClose:
		s = r.Obj + ".close()"
	case kindPipeEOF:
		s = r.Obj + ".recv() → EOFError: every copy of the other end is closed"
	case kindPipeNew:
		s = pipeCtor(r)
	case kindPipeInherit:
		s = r.Obj + "  # a copy of this end, passed in the arguments"
	case kindPipeBlock:
		s = r.Obj + ".recv()  # nothing has arrived: waiting"
	case kindPipePoll:
		s = pollText(r)
	case kindManagerCall, kindManagerNew, kindManagerServe, kindManagerBlock:
		s = describeManager(r)
	case kindPoolNew, kindPoolWorker, kindPoolSubmit, kindPoolTaskStart, kindPoolTaskDone,
		kindPoolCallback, kindPoolGet, kindPoolClose, kindPoolJoin, kindPoolTerminate:
		s = describePool(r)
	case kindQueueClose:
		s = r.Obj + ".close()  # no more puts from this process"
	default:
		s = r.Kind + " " + r.Obj + " " + v
	}
	if r.Err != "" && r.Kind != primitives.KindStdout && r.Kind != kindPipeEOF && !strings.HasPrefix(r.Kind, "pool.") {
		s += " → " + r.Err
	}
	return printable(s)
}

func pyRepr(x any) string {
	switch v := x.(type) {
	case nil:
		return "None"
	case bool:
		return pyBool(strconv.FormatBool(v))
	case string:
		return pyQuote(v)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = pyRepr(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		parts := make([]string, 0, len(v))
		for _, k := range slices.Sorted(maps.Keys(v)) {
			parts = append(parts, pyRepr(k)+": "+pyRepr(v[k]))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(x)
}

// Repr is a string as Python's repr() shows it, quotes and escapes included.
func Repr(s string) string { return pyRepr(s) }

func pyBool(v string) string {
	switch v {
	case "true":
		return "True"
	case "false":
		return "False"
	}
	return v
}

// strText is a payload's text: a JSON string's content, else the JSON as
// it is (cut to RenderBytes), control characters escaped.
func strText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return printable(s)
	}
	return printable(cutBytes(string(raw), RenderBytes))
}

func timeoutText(v string) string {
	if v == "None" || v == "" {
		return ""
	}
	return "timeout=" + v
}

// targetText is the Python name of a registered target: "tickets.task"
// is task, "hello.Greeter.run" is Greeter.run.
func targetText(r primitives.Record) string {
	t := strText(r.Val)
	if _, rest, ok := strings.Cut(t, "."); ok {
		return rest
	}
	return t
}

func semLeft(raw json.RawMessage) string {
	var v primitives.SemValue
	if json.Unmarshal(raw, &v) != nil || v.Initial == 0 {
		return ""
	}
	return fmt.Sprintf("  # value %d of %d", v.Value, v.Initial)
}

func signalName(n int) string {
	switch n {
	case 9:
		return "SIGKILL"
	case 15:
		return "SIGTERM"
	case 2:
		return "SIGINT"
	}
	return "signal " + strconv.Itoa(n)
}

// queueCtor is a queue's creation as the listing writes it.
func queueCtor(r primitives.Record) string {
	var v queueNew
	json.Unmarshal(r.Val, &v)
	ctor := "Queue"
	if v.Joinable {
		ctor = "JoinableQueue"
	}
	args := ""
	if v.MaxSize > 0 {
		args = strconv.Itoa(v.MaxSize)
	}
	return r.Obj + " = " + ctor + "(" + args + ")"
}

// pipeCtor is a pipe's creation as the listing writes it:
// "parent_conn, child_conn = Pipe()".
func pipeCtor(r primitives.Record) string {
	var v pipeNew
	json.Unmarshal(r.Val, &v)
	if v.Duplex {
		return r.Obj + " = Pipe()"
	}
	return r.Obj + " = Pipe(duplex=False)"
}

// pollText is poll(timeout) and what it found.
func pollText(r primitives.Record) string {
	var v struct {
		Timeout *float64 `json:"timeout"`
		Ready   bool     `json:"ready"`
	}
	json.Unmarshal(r.Val, &v)
	arg := "None"
	if v.Timeout != nil {
		arg = strconv.FormatFloat(*v.Timeout, 'g', -1, 64)
	}
	return r.Obj + ".poll(" + arg + ") → " + pyBool(strconv.FormatBool(v.Ready))
}

// OrderedKeys lists a JSON object's keys in their order.
func OrderedKeys(raw json.RawMessage) []string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return keys
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return keys
		}
		if s, ok := k.(string); ok {
			keys = append(keys, s)
		}
	}
	return keys
}

// scriptName is the main script's file name, from MainProcess's
// proc.start: its obj, which the session sets from the scenario
// (Options.Script), or, in a trace without one, the scenario id with .py.
func scriptName(r primitives.Record) string {
	if r.Obj != "" {
		return r.Obj
	}
	return targetText(r) + ".py"
}
