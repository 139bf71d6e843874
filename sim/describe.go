package sim

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/proctour/proctour/i18n"
	"github.com/proctour/proctour/trace"
)

// Describe says what an event is in the Python terms the lessons use:
// `lock.acquire()`, `time.sleep(0.1)`, `print('sold out')`, in English.
func Describe(r trace.Record) string { return DescribeIn(r, "en") }

// DescribeIn is Describe in lang: the Python stays as it is, its comments
// are put into lang. Control characters from the trace are written as
// escapes, so that a description drawn as it is cannot move the cursor.
func DescribeIn(r trace.Record, lang string) string { return printable(describeText(r).In(lang)) }

// DescribeText is Describe as a format and its values, for a caller that
// puts it into a sentence of its own before choosing the language.
func DescribeText(r trace.Record) i18n.T { return describeText(r) }

// describeText is the description as a format and its values: Python
// code, names and values are values; only the prose around them (a
// comment, "a worker of pool") is the format, which the catalogue puts
// into another language.
func describeText(r trace.Record) i18n.T {
	t := describe(r)
	if r.Err != "" && r.Kind != trace.KindStdout && r.Kind != trace.KindPipeEOF && !strings.HasPrefix(r.Kind, "pool.") {
		t = i18n.Join(t, i18n.Code(" → "+r.Err))
	}
	return t
}

func describe(r trace.Record) i18n.T {
	v := valText(r.Val)
	code := i18n.Code
	switch r.Kind {
	case trace.KindProcStart:
		return procStartText(r)
	case trace.KindRunBegin:
		return runBeginText(payload[trace.RunBegin](r))
	case trace.KindRunEnd:
		return i18n.Tf("the run ends  # %s", EndText(payload[trace.RunEnd](r)))
	case trace.KindProcExit:
		exit := code("exit, exitcode=" + v)
		if r.Obj == "stopped" {
			// A Go demo's main script runs in proctour itself: it was
			// stopped, and -15 is what the stop made of it.
			return i18n.Tf("%s  # the main script was stopped, not ended", exit)
		} else if n, _ := strconv.Atoi(v); n < 0 {
			return i18n.Tf("%s  # killed by %s", exit, signalName(-n))
		}
		return exit
	case trace.KindProcZombie:
		return i18n.Tf("exited  # a zombie until its parent waits for it")
	case trace.KindProcTerminate:
		if v == `'SIGKILL'` {
			return code(r.Obj + ".kill()")
		}
		return code(r.Obj + ".terminate()")
	case trace.KindProcJoin:
		if t := timeoutText(v); t != "" {
			return i18n.Tf("%s  # returns once %s has exited, or after %s s", r.Obj+".join("+t+")", r.Obj, v)
		}
		return i18n.Tf("%s  # returns once %s has exited", r.Obj+".join()", r.Obj)
	case trace.KindStdout:
		if r.Obj == "stderr" {
			return code(strText(r.Val))
		}
		return code("print(" + v + ")")
	case trace.KindSleep:
		return code("time.sleep(" + v + ")")
	case trace.KindLockWait:
		return i18n.Tf("%s  # waiting", r.Obj+".acquire("+timeoutText(v)+")")
	case trace.KindLockAcquire, trace.KindSemAcquire:
		switch {
		case v == "false":
			return code(r.Obj + ".acquire() → False")
		case r.Kind == trace.KindSemAcquire:
			return semLeft(r.Obj+".acquire()", r.Val)
		}
		return code(r.Obj + ".acquire()")
	case trace.KindLockRelease:
		return code(r.Obj + ".release()")
	case trace.KindSemRelease:
		return semLeft(r.Obj+".release()", r.Val)
	case trace.KindSemWait:
		return i18n.Tf("%s  # waiting for a free slot", r.Obj+".acquire()")
	case trace.KindEventWait:
		return i18n.Tf("%s  # waiting", r.Obj+".wait("+timeoutText(v)+")")
	case trace.KindEventWake:
		return code(r.Obj + ".wait() → " + pyBool(v))
	case trace.KindEventSet:
		return code(r.Obj + ".set()")
	case trace.KindEventClear:
		return code(r.Obj + ".clear()")
	case trace.KindCondWait, trace.KindCondNotify, trace.KindCondWake,
		trace.KindBarrierWait, trace.KindBarrierPass, trace.KindBarrierBroken, trace.KindBarrierAbort, trace.KindBarrierReset:
		return describeCond(r)
	case trace.KindFileRead:
		return code("open('" + r.Obj + "').read() → " + v)
	case trace.KindFileWrite:
		return code("open('" + r.Obj + "', 'w').write(" + v + ")")
	case trace.KindFileAppend:
		return code("open('" + r.Obj + "', 'a').write(" + v + ")")
	case trace.KindFileReplace:
		return code("os.replace('" + strText(r.Val) + "', '" + r.Obj + "')")
	case trace.KindWatchdog:
		return i18n.Tf("watchdog: %s", watchdogText(r))
	case trace.KindTiming:
		var sec float64
		json.Unmarshal(r.Val, &sec)
		return i18n.Tf("timed %s: %.3f s", TimingLabel(r.Obj), sec)
	case trace.KindQueueNew:
		return code(queueCtor(r))
	case trace.KindQueuePut:
		return code(r.Obj + ".put(" + v + ")")
	case trace.KindQueueGet:
		if r.Err != "" { // nothing was got: the error says so below
			return code(r.Obj + ".get()")
		}
		return code(r.Obj + ".get() → " + v)
	case trace.KindQueueBlock:
		return queueBlockText(r)
	case trace.KindQueueTaskDone:
		return i18n.Tf("%s  # %s not done yet", r.Obj+".task_done()", v)
	case trace.KindQueueJoin:
		return i18n.Tf("%s  # until every item is done", r.Obj+".join()")
	case trace.KindPipeSend:
		if r.Err != "" { // the failed send's value is not in the event
			v = "..."
		}
		return code(r.Obj + ".send(" + v + ")")
	case trace.KindPipeRecv:
		if r.Err != "" {
			return code(r.Obj + ".recv()")
		}
		return code(r.Obj + ".recv() → " + v)
	case trace.KindPipeClose:
		return code(r.Obj + ".close()")
	case trace.KindPipeEOF:
		return i18n.Tf("%s → EOFError: every copy of the other end is closed", r.Obj+".recv()")
	case trace.KindPipeNew:
		return code(pipeCtor(r))
	case trace.KindPipeInherit:
		return i18n.Tf("%s  # a copy of this end, passed in the arguments", r.Obj)
	case trace.KindPipeBlock:
		if v == "'poll'" { // poll(timeout) waits for a message
			return i18n.Tf("%s  # nothing has arrived: waiting", r.Obj+".poll()")
		}
		return i18n.Tf("%s  # nothing has arrived: waiting", r.Obj+".recv()")
	case trace.KindPipePoll:
		return code(pollText(r))
	case trace.KindManagerCall, trace.KindManagerNew, trace.KindManagerServe, trace.KindManagerBlock:
		return describeManager(r)
	case trace.KindBrokerPublish, trace.KindBrokerDeliver, trace.KindBrokerRedeliver, trace.KindBrokerAck:
		return describeBroker(r)
	case trace.KindManagerListen, trace.KindBrokerListen:
		l := payload[trace.Listen](r)
		return i18n.Tf("listens on %s for other machines: %s", cmp.Or(l.Addr, "?"), cmp.Or(l.Join, "?"))
	case trace.KindManagerRefuse:
		return i18n.Tf("refuses a connection from %s: its authkey is wrong (AuthenticationError)", strText(r.Val))
	case trace.KindPoolNew, trace.KindPoolWorker, trace.KindPoolSubmit, trace.KindPoolTaskStart, trace.KindPoolTaskDone,
		trace.KindPoolCallback, trace.KindPoolGet, trace.KindPoolClose, trace.KindPoolJoin, trace.KindPoolTerminate:
		return describePool(r)
	case trace.KindQueueClose:
		return i18n.Tf("%s  # no more puts from this process", r.Obj+".close()")
	}
	return code(r.Kind + " " + r.Obj + " " + v)
}

// procStartText is a process's start: the main script, a Process, a
// manager's server or a pool's worker.
func procStartText(r trace.Record) i18n.T {
	var t i18n.T
	switch {
	case strText(r.Val) == trace.TargetManagerServer:
		t = i18n.Tf("Manager()  # its server process starts, pid %d", r.Pid)
	case strText(r.Val) == trace.TargetPoolWorker:
		t = i18n.Tf("a pool's worker process starts  # pid %d", r.Pid)
	case strText(r.Val) == trace.TargetForkServer:
		t = i18n.Tf("the fork server starts  # pid %d: it forks the children from now on", r.Pid)
	case r.PPid == 0:
		t = i18n.Tf("python %s  # the main script, pid %d", scriptName(r), r.Pid)
	default:
		t = i18n.Tf("%s  # pid %d", "Process(target="+targetText(r)+").start()", r.Pid)
	}
	if r.Daemon != nil && *r.Daemon {
		t = i18n.Join(t, i18n.Tf(", daemon"))
	}
	return t
}

// queueBlockText is a put into a full queue or a get from an empty one,
// waiting.
func queueBlockText(r trace.Record) i18n.T {
	var b trace.QueueBlock
	json.Unmarshal(r.Val, &b)
	t := i18n.Tf("%s  # empty: waiting for an item", r.Obj+".get()")
	if b.Op == "put" {
		t = i18n.Tf("%s  # full: waiting for a free slot", r.Obj+".put(...)")
	}
	if limit := valText(b.Timeout); limit != "None" && limit != "" {
		t = i18n.Join(t, i18n.Tf(", at most %s s", limit))
	}
	return t
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
func targetText(r trace.Record) string {
	t := strText(r.Val)
	if _, rest, ok := strings.Cut(t, "."); ok {
		return rest
	}
	return t
}

// semLeft is a semaphore's call and its value after: "s.acquire()  #
// value 2 of 3".
func semLeft(call string, raw json.RawMessage) i18n.T {
	var v trace.SemValue
	if json.Unmarshal(raw, &v) != nil || v.Initial == 0 {
		return i18n.Code(call)
	}
	return i18n.Tf("%s  # value %d of %d", call, v.Value, v.Initial)
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
func queueCtor(r trace.Record) string {
	var v trace.QueueNew
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
func pipeCtor(r trace.Record) string {
	var v trace.PipeNew
	json.Unmarshal(r.Val, &v)
	if v.Duplex {
		return r.Obj + " = Pipe()"
	}
	return r.Obj + " = Pipe(duplex=False)"
}

// pollText is poll(timeout) and what it found.
func pollText(r trace.Record) string {
	var v trace.PipePoll
	json.Unmarshal(r.Val, &v)
	var timeout *float64
	json.Unmarshal(v.Timeout, &timeout)
	arg := "None"
	if timeout != nil {
		arg = strconv.FormatFloat(*timeout, 'g', -1, 64)
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
func scriptName(r trace.Record) string {
	if r.Obj != "" {
		return r.Obj
	}
	return targetText(r) + ".py"
}

// runBeginText is run.begin: what was run, and how.
func runBeginText(b trace.RunBegin) i18n.T {
	what := b.Scenario
	switch {
	case b.Program != "" && b.Scenario != "":
		what = b.Scenario + " (" + b.Program + ")"
	case b.Program != "":
		what = strings.Join(append([]string{b.Program}, b.Args...), " ")
	}
	t := i18n.Tf("run %s  # %s", printable(what), SettingsText(b))
	if b.Python != "" {
		t = i18n.Join(t, i18n.Tf(", Python %s", printable(b.Python)))
	}
	if b.Proctour != "" {
		t = i18n.Join(t, i18n.Tf(", proctour %s", printable(b.Proctour)))
	}
	return t
}

// SettingsText is how a run was run, as a status bar says it: its
// variant values, its mode (and seed, when seeded) and its speed:
// "lock=off buyers=100 · seeded, seed 7 · ×0.5".
func SettingsText(b trace.RunBegin) i18n.T {
	var parts []i18n.T
	if len(b.Vars) > 0 {
		keys := slices.Sorted(maps.Keys(b.Vars))
		kv := make([]string, len(keys))
		for i, k := range keys {
			kv[i] = k + "=" + b.Vars[k]
		}
		parts = append(parts, i18n.Code(printable(strings.Join(kv, " "))))
	}
	switch b.Mode {
	case "seeded":
		parts = append(parts, i18n.Tf("seeded, seed %d", b.Seed))
	case "live", "step":
		parts = append(parts, i18n.Tf(b.Mode))
	case "":
	default: // a trace from elsewhere: its words, not a format
		parts = append(parts, i18n.Code(printable(b.Mode)))
	}
	if b.Speed > 0 {
		parts = append(parts, i18n.Code("×"+strconv.FormatFloat(b.Speed, 'g', -1, 64)))
	}
	if len(parts) == 0 {
		return i18n.T{}
	}
	t := parts[0]
	for _, p := range parts[1:] {
		t = i18n.Join(t, i18n.Code(" · "), p)
	}
	return t
}

// EndText is how a run ended (run.end): stopped by the watchdog, stopped,
// or the main script's exit code; and the scenario's outcome.
func EndText(e trace.RunEnd) i18n.T {
	var t i18n.T
	switch e.StoppedBy {
	case trace.StoppedByWatchdog:
		t = i18n.Tf("the main script was stopped by the watchdog")
	case trace.StoppedByUser:
		t = i18n.Tf("the main script was stopped before its end")
	default:
		t = i18n.Tf("the main script ended with exit code %d", e.Exit)
	}
	if e.Outcome != nil {
		t = i18n.Join(t, i18n.Tf("; %s: %d", OutcomeLabel(e.OutcomeLabel), *e.Outcome))
	}
	return t
}

// OutcomeLabel is a scenario's outcome label as run.end records it
// ("tickets sold"), put into the screen's language where the catalogue
// has it.
func OutcomeLabel(label string) i18n.T {
	if i18n.Has("zh", label) {
		return i18n.Tf(label)
	}
	return i18n.Code(printable(label))
}

// Returned is what a process whose last step was a call that waits
// (p.join(), q.join(), pool.join()) did once that call returned, given
// the call as the description of that step names it:
// "reader.join() returned". ok is false for any other step.
func Returned(r trace.Record, call string) (t i18n.T, ok bool) {
	switch r.Kind {
	case trace.KindProcJoin, trace.KindPoolJoin:
		return i18n.Tf("%s returned", call), true
	case trace.KindQueueJoin:
		return i18n.Tf("%s returned: every item is done", call), true
	}
	return i18n.T{}, false
}

// InListing is a description of a call on obj named as the listing's line
// src names it: a child's end of a pipe is its parameter there (conn, not
// child_conn), a process the variable that holds it (w, not writer). When
// desc starts with obj's call (obj.method(…) and src has no such call but
// calls method on exactly one other name, that name takes obj's place.
// Otherwise desc is returned as it is.
func InListing(desc, obj, src string) string {
	if obj == "" || src == "" || !strings.HasPrefix(desc, obj+".") {
		return desc
	}
	rest := desc[len(obj)+1:]
	n := 0
	for n < len(rest) && isIdent(rest[n]) {
		n++
	}
	if n == 0 || n == len(rest) || rest[n] != '(' {
		return desc
	}
	call := "." + rest[:n+1] // ".recv("
	src = codeOf(src)
	if strings.Contains(src, obj+call) {
		return desc
	}
	name := ""
	for i := 0; ; {
		j := strings.Index(src[i:], call)
		if j < 0 {
			break
		}
		j += i
		k := j
		for k > 0 && isIdent(src[k-1]) {
			k--
		}
		if k < j && !(k > 0 && src[k-1] == '.') && (src[k] < '0' || src[k] > '9') {
			if name != "" && name != src[k:j] {
				return desc // two names: which is it?
			}
			name = src[k:j]
		}
		i = j + len(call)
	}
	if name == "" {
		return desc
	}
	return name + desc[len(obj):]
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// codeOf is a line of Python without its comment, the text of its
// strings blanked out.
func codeOf(line string) string {
	b := []byte(line)
	var quote byte
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0 && c == '\\' && i+1 < len(b):
			b[i], b[i+1] = ' ', ' '
			i++
		case quote != 0:
			b[i] = ' '
		case c == '\'' || c == '"':
			quote = c
		case c == '#':
			return string(b[:i])
		}
	}
	return string(b)
}
