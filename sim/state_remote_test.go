package sim

import (
	"testing"

	"github.com/proctour/proctour/trace"
)

// on is ev for a process of another machine.
func on(host string, pid int, proc, kind, obj string, val any) trace.Record {
	e := ev(pid, proc, kind, obj, val)
	e.Host = host
	return e
}

// Two student machines whose workers have the same pid as each other and
// as a process of the teacher's machine: three lanes, each with its
// machine and its own pid there, and each one's events on its own lane.
func TestRemoteProcessesWithTheSamePidHaveLanesOfTheirOwn(t *testing.T) {
	st := foldOf(t,
		ev(100, "MainProcess", trace.KindProcStart, "", "x"),
		ev(200, "server", trace.KindProcStart, "", "t"),
		on("pc-anna", 200, "worker-1", trace.KindProcStart, "", "t"),
		on("pc-ben", 200, "worker-1", trace.KindProcStart, "", "t"),
		on("pc-ben", 200, "worker-1", trace.KindStdout, "", "job 3 done"),
		on("pc-anna", 200, "worker-1", trace.KindProcExit, "", 0),
	)
	if len(st.Violations) > 0 {
		t.Fatal(st.Violations)
	}
	if len(st.Procs) != 4 {
		t.Fatalf("%d lanes, want 4 (main, the server, a worker on each student machine)", len(st.Procs))
	}
	server, anna, ben := st.Procs[1], st.Procs[2], st.Procs[3]
	if server.Host != "" || server.OSPid != 200 || server.Status == Exited {
		t.Errorf("the teacher's process: host %q pid %d %s, want this machine, pid 200, still running", server.Host, server.OSPid, server.Status)
	}
	if anna.Host != "pc-anna" || anna.OSPid != 200 || anna.Status != Exited {
		t.Errorf("anna's worker: host %q pid %d %s, want pc-anna, pid 200, exited", anna.Host, anna.OSPid, anna.Status)
	}
	if ben.Host != "pc-ben" || ben.OSPid != 200 || ben.Status == Exited || ben.Last.Kind != trace.KindStdout {
		t.Errorf("ben's worker: host %q pid %d %s, last %s, want pc-ben, pid 200, running, its print last", ben.Host, ben.OSPid, ben.Status, ben.Last.Kind)
	}
	if st.Proc(anna.Pid) != anna || st.Proc(ben.Pid) != ben || anna.Pid == ben.Pid || anna.Pid == 200 {
		t.Errorf("keys: anna %d, ben %d: want two keys of their own, neither a pid of this machine", anna.Pid, ben.Pid)
	}
	// A new process with a pid an exited one had, on the same machine, is
	// a new lane.
	again := on("pc-anna", 200, "worker-2", trace.KindProcStart, "", "t")
	again.Seq = st.Seq + 1
	st.Apply(again)
	if len(st.Violations) > 0 || len(st.Procs) != 5 || st.Procs[4].Name != "worker-2" || st.Procs[4].Pid == anna.Pid {
		t.Errorf("a reused pid on pc-anna: %d lanes, violations %v; want a fifth lane of its own", len(st.Procs), st.Violations)
	}
}
