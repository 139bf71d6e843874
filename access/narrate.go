package access

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/proctour/proctour/i18n"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// Sentence narrates one event as a plain sentence, for a screen reader or a
// handout: "buyer-3 takes the lock." st is the world just before the event
// (the fold of every earlier one), which says what a wait is for ("held by
// buyer-3"). An event with nothing to say (a formality of the machinery)
// gives the zero T.
func Sentence(st *sim.State, r trace.Record) i18n.T {
	who := r.Proc
	if who == "" {
		who = "?"
	}
	v := sim.PyValue(r.Val)
	switch r.Kind {
	case trace.KindProcStart:
		switch target := strText(r.Val); {
		case target == trace.TargetManagerServer:
			return i18n.Tf("The manager's server process %s starts (pid %d).", who, r.Pid)
		case target == trace.TargetPoolWorker:
			return i18n.Tf("Pool worker %s starts (pid %d).", who, r.Pid)
		case target == trace.TargetForkServer:
			return i18n.Tf("The fork server %s starts (pid %d), started by %s: from now on it forks the children.", who, r.Pid, procName(st, r.PPid))
		case r.PPid == 0:
			return i18n.Tf("The main script %s starts as %s (pid %d).", r.Obj, who, r.Pid)
		case r.Daemon != nil && *r.Daemon:
			return i18n.Tf("%s starts as a daemon (pid %d), started by %s.", who, r.Pid, procName(st, r.PPid))
		default:
			return i18n.Tf("%s starts (pid %d), started by %s.", who, r.Pid, procName(st, r.PPid))
		}
	case trace.KindRunBegin:
		var b trace.RunBegin
		json.Unmarshal(r.Val, &b)
		return i18n.Tf("The run begins: %s.", sim.SettingsText(b))
	case trace.KindRunEnd:
		var e trace.RunEnd
		json.Unmarshal(r.Val, &e)
		return i18n.Tf("The run ends: %s.", sim.EndText(e))
	case trace.KindProcExit:
		var code int
		json.Unmarshal(r.Val, &code)
		switch {
		case r.Obj == "stopped": // a Go demo's main script, in proctour, which goes on
			return i18n.Tf("%s, the main script, is stopped before its end.", who)
		case code == 0:
			return i18n.Tf("%s exits normally.", who)
		case code < 0:
			return i18n.Tf("%s is killed by signal %d.", who, -code)
		default:
			return i18n.Tf("%s exits with code %d.", who, code)
		}
	case trace.KindProcZombie:
		return i18n.Tf("%s has exited; its parent has not waited for it yet, so it is a zombie.", who)
	case trace.KindProcTerminate:
		return i18n.Tf("%s terminates %s.", who, r.Obj)
	case trace.KindProcJoin:
		if p := st.Proc(pidOf(st, r.Obj)); p != nil && p.Status == sim.Exited {
			return i18n.Tf("%s joins %s, which has already exited.", who, r.Obj)
		}
		return i18n.Tf("%s waits for %s to finish.", who, r.Obj)
	case trace.KindStdout:
		if r.Obj == "stderr" {
			return i18n.Tf("%s writes an error: %s", who, strText(r.Val))
		}
		return i18n.Tf("%s prints: %s", who, strText(r.Val))
	case trace.KindSleep:
		return i18n.Tf("%s sleeps for %s s.", who, v)
	case trace.KindLockWait:
		if l := findLock(st, r.Obj); l != nil && l.Holder != 0 {
			return i18n.Tf("%s waits for %s, held by %s.", who, r.Obj, procName(st, l.Holder))
		}
		return i18n.Tf("%s waits for %s.", who, r.Obj)
	case trace.KindLockAcquire:
		if v == "False" {
			return i18n.Tf("%s tries %s, but it is taken.", who, r.Obj)
		}
		return i18n.Tf("%s takes %s.", who, r.Obj)
	case trace.KindLockRelease:
		return i18n.Tf("%s releases %s.", who, r.Obj)
	case trace.KindSemWait:
		return i18n.Tf("%s waits for a free slot of %s.", who, r.Obj)
	case trace.KindSemAcquire:
		var sv trace.SemValue
		if json.Unmarshal(r.Val, &sv) != nil {
			return i18n.Tf("%s tries %s, but no slot is free.", who, r.Obj)
		}
		return i18n.Tf("%s enters %s; %d slots left.", who, r.Obj, sv.Value)
	case trace.KindSemRelease:
		var sv trace.SemValue
		json.Unmarshal(r.Val, &sv)
		return i18n.Tf("%s leaves %s; %d slots free.", who, r.Obj, sv.Value)
	case trace.KindEventWait:
		return i18n.Tf("%s waits for the event %s to be set.", who, r.Obj)
	case trace.KindEventWake:
		return i18n.Tf("%s stops waiting for %s; wait() returned %s.", who, r.Obj, v)
	case trace.KindEventSet:
		return i18n.Tf("%s sets the event %s.", who, r.Obj)
	case trace.KindEventClear:
		return i18n.Tf("%s clears the event %s.", who, r.Obj)
	case trace.KindQueuePut:
		if r.Err != "" {
			return i18n.Tf("%s cannot put into %s: %s.", who, r.Obj, r.Err)
		}
		return i18n.Tf("%s puts %s into %s.", who, v, r.Obj)
	case trace.KindQueueGet:
		if r.Err != "" {
			return i18n.Tf("%s gets nothing from %s: %s.", who, r.Obj, r.Err)
		}
		return i18n.Tf("%s gets %s from %s.", who, v, r.Obj)
	case trace.KindQueueBlock:
		var b trace.QueueBlock
		json.Unmarshal(r.Val, &b)
		if b.Op == "put" {
			return i18n.Tf("%s waits: %s is full.", who, r.Obj)
		}
		return i18n.Tf("%s waits: %s is empty.", who, r.Obj)
	case trace.KindQueueTaskDone:
		return i18n.Tf("%s marks an item of %s done; %s not done yet.", who, r.Obj, v)
	case trace.KindQueueJoin:
		return i18n.Tf("%s waits until every item of %s is done.", who, r.Obj)
	case trace.KindPipeSend:
		if r.Err != "" {
			return i18n.Tf("%s cannot send on %s: %s.", who, r.Obj, r.Err)
		}
		return i18n.Tf("%s sends %s on %s.", who, v, r.Obj)
	case trace.KindPipeRecv:
		if r.Err != "" {
			return i18n.Tf("%s receives nothing on %s: %s.", who, r.Obj, r.Err)
		}
		return i18n.Tf("%s receives %s on %s.", who, v, r.Obj)
	case trace.KindPipeBlock:
		return i18n.Tf("%s waits: nothing has arrived on %s.", who, r.Obj)
	case trace.KindPipeClose:
		return i18n.Tf("%s closes its copy of %s.", who, r.Obj)
	case trace.KindPipeEOF:
		return i18n.Tf("%s gets EOFError on %s: every copy of the other end is closed.", who, r.Obj)
	case trace.KindFileRead:
		return i18n.Tf("%s reads %s: %s.", who, r.Obj, v)
	case trace.KindFileWrite:
		return i18n.Tf("%s writes %s to %s.", who, v, r.Obj)
	case trace.KindFileAppend:
		return i18n.Tf("%s appends %s to %s.", who, v, r.Obj)
	case trace.KindFileReplace:
		return i18n.Tf("%s replaces %s with %s in one step.", who, r.Obj, strText(r.Val))
	case trace.KindWatchdog:
		var t i18n.T
		if len(r.Text) > 0 && json.Unmarshal(r.Text, &t) == nil && !t.IsZero() {
			return i18n.Join(i18n.Tf("The watchdog stops the demo: "), t, i18n.Tf("."))
		}
		return i18n.Tf("The watchdog stops the demo: %s.", strText(r.Val))
	case trace.KindPipeNew, trace.KindPipeInherit, trace.KindQueueNew, trace.KindQueueClose, trace.KindManagerNew,
		trace.KindManagerServe, trace.KindPoolWorker:
		return i18n.T{} // the machinery's own bookkeeping
	}
	// The rest (manager calls, pool tasks, files, timings) say themselves
	// best as the Python they are.
	return i18n.Join(i18n.Tf("%s: ", who), sim.DescribeText(r))
}

func strText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return strings.TrimSpace(string(raw))
}

// procName is the name of pid in st, or "pid N".
func procName(st *sim.State, pid int) string {
	if p := st.Proc(pid); p != nil && p.Name != "" {
		return p.Name
	}
	return "pid " + strconv.Itoa(pid)
}

func pidOf(st *sim.State, name string) int {
	for _, p := range st.Procs {
		if p.Name == name {
			return p.Pid
		}
	}
	return 0
}

func findLock(st *sim.State, name string) *sim.LockState {
	for _, l := range st.Locks {
		if l.Name == name {
			return l
		}
	}
	return nil
}
