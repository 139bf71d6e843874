package lessons

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// remote-queue with machines=0, as the demo view runs it (no
// serve-queue): the main script says how to join — the address and the
// authkey, on the listing's own line — and waits for as long as it takes
// (its run.begin has no budget). A worker that joins with exactly what it
// said (as proctour worker does: its own trace, relayed) does every job,
// and its process is a lane of its own, with its host, in the session's
// trace; the run ends by itself once the worker has gone.
func TestRemoteQueueSaysHowToJoinAndWaitsForWorkers(t *testing.T) {
	t.Parallel()
	t.Run("loopback", func(t *testing.T) { t.Parallel(); remoteQueueJoined(t, "loopback") })
	t.Run("network", func(t *testing.T) { t.Parallel(); remoteQueueJoined(t, "network") })
}

// remoteQueueJoined runs remote-queue with machines=0 listening on listen
// and a worker process that joins it as the main script says to: on the
// loopback with the lesson's key, on the network with a key made for the
// run (every reader of the lesson knows "proctour").
func remoteQueueJoined(t *testing.T, listen string) {
	sc := RemoteQueue
	vars, err := sc.Resolve([]string{"machines=0", "jobs=3", "listen=" + listen})
	if err != nil {
		t.Fatal(err)
	}
	s, err := StartSession(sc, vars, sc.Options(1, 0))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	var events []trace.Record
	addr, key := "", ""
	for r := range s.Events() {
		events = append(events, r)
		var l trace.Listen
		if r.Kind == trace.KindManagerListen && json.Unmarshal(r.Val, &l) == nil {
			f := strings.Fields(l.Join)
			for i := range f[:len(f)-1] {
				switch f[i] {
				case "--connect":
					addr = f[i+1]
				case "--authkey":
					key = f[i+1]
				}
			}
			break
		}
	}
	var begin trace.RunBegin
	json.Unmarshal(events[0].Val, &begin)
	if begin.Timeout != 0 {
		t.Errorf("run.begin says a budget of %v s: a server waiting for workers has none", begin.Timeout)
	}
	if addr == "" || listen == "loopback" && key != "proctour" {
		t.Fatalf("the main script did not say how to join (address %q, authkey %q)", addr, key)
	}
	if listen == "network" && (len(key) != 10 || key == "proctour") {
		t.Fatalf("listening on the network with authkey %q: want a key of ten characters made for this run", key)
	}

	// The worker is another process (this test binary, run as
	// TestRemoteQueueWorkerProcess), as proctour worker would be: a
	// process's connections to a manager are its own.
	cmd := exec.Command(os.Args[0], "-test.run=^TestRemoteQueueWorkerProcess$", "-test.v")
	cmd.Env = append(os.Environ(), "PROCTOUR_TEST_WORKER="+addr+" "+key)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("the worker: %v\n%s", err, out)
	}
	done := strings.Count(string(out), "worker: job done")
	for r := range s.Events() {
		events = append(events, r)
	}
	st := sim.Fold(events)
	if len(st.Violations) > 0 {
		t.Errorf("violations: %v", st.Violations)
	}
	if done != 3 {
		t.Errorf("the worker did %d jobs, want 3", done)
	}
	var lane *sim.Proc
	for _, p := range st.Procs {
		if p.Name == "worker@laptop-7" {
			lane = p
		}
	}
	if lane == nil || lane.Last.Host != "laptop-7" || lane.Status != sim.Exited || lane.ExitCode != 0 {
		t.Errorf("the worker's lane: %+v", lane)
	}
	if st.Watchdog != "" || st.End == nil || st.End.Exit != 0 {
		t.Errorf("the run did not end by itself: watchdog %q, end %+v", st.Watchdog, st.End)
	}
}

// TestRemoteQueueWorkerProcess is the worker of the test above, in a
// process of its own: what proctour worker does, named worker@laptop-7
// on host laptop-7. Run alone (no PROCTOUR_TEST_WORKER) it does nothing.
func TestRemoteQueueWorkerProcess(t *testing.T) {
	addr, key, ok := strings.Cut(os.Getenv("PROCTOUR_TEST_WORKER"), " ")
	if !ok {
		return
	}
	tr, err := primitives.NewTrace()
	if err != nil {
		t.Fatal(err)
	}
	relay, err := primitives.NewRelay(addr, []byte(key), tr)
	if err != nil {
		t.Fatalf("joining %s with authkey %s: %v", addr, key, err)
	}
	rt := primitives.NewRemote(tr, "worker@laptop-7", "laptop-7", 1)
	rt.Emit(trace.KindProcStart, "", "worker")
	werr := RemoteWork(rt, addr, []byte(key), func(int) { fmt.Println("worker: job done") })
	rt.Emit(trace.KindProcExit, "", 0)
	if err := relay.Close(); err != nil || werr != nil {
		t.Errorf("the worker: %v; its relay: %v", werr, err)
	}
}
