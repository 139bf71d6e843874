package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/proctour/proctour/internal/natsembed"
	"github.com/proctour/proctour/trace"
)

// Two proctour processes stand for two machines on loopback: a
// serve-queue's trace, and workers that join it by address.

// server starts `proctour serve-queue` on a free loopback port, printing
// its trace, and returns the address it listens on and a reader of the
// rest of its trace.
type server struct {
	cmd   *exec.Cmd
	addr  string
	mu    sync.Mutex
	recs  []trace.Record
	done  chan struct{}
	errb  bytes.Buffer
	exitE error
}

func startServer(t *testing.T, bin string, args ...string) *server {
	t.Helper()
	s := &server{done: make(chan struct{})}
	s.cmd = exec.Command(bin, append([]string{"serve-queue", "--addr", "127.0.0.1:0", "--format", "json"}, args...)...)
	s.cmd.Stderr = &s.errb
	out, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.cmd.Process.Signal(syscall.SIGINT)
		<-s.done
	})
	addr := make(chan string, 1)
	go func() {
		defer close(s.done)
		sc := bufio.NewScanner(out)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var r trace.Record
			if json.Unmarshal(sc.Bytes(), &r) != nil {
				continue
			}
			s.mu.Lock()
			s.recs = append(s.recs, r)
			s.mu.Unlock()
			var v string
			if r.Kind == trace.KindStdout && json.Unmarshal(r.Val, &v) == nil {
				if a, ok := strings.CutPrefix(v, "listening on "); ok {
					addr <- a
				}
			}
		}
		io.Copy(io.Discard, out)
		s.exitE = s.cmd.Wait()
		close(addr)
	}()
	a, ok := <-addr
	if !ok {
		t.Fatalf("serve-queue ended before it listened: %v\n%s", s.exitE, s.errb.String())
	}
	s.addr = a
	return s
}

// wait waits for the server to end and returns its trace.
func (s *server) wait() []trace.Record {
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.recs
}

func worker(bin string, args ...string) *exec.Cmd {
	return exec.Command(bin, append([]string{"worker"}, args...)...)
}

// startWorker starts proctour worker with args, its output into out.
func startWorker(t *testing.T, bin string, out *bytes.Buffer, args ...string) *exec.Cmd {
	t.Helper()
	w := worker(bin, args...)
	w.Stdout, w.Stderr = out, out
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	return w
}

// brokerDemoJoined runs proctour run broker with args (and --format json)
// and, once the demo says that no consumer runs, calls join with what its
// broker.listen said; join checks it and starts a worker (startWorker,
// its output into wout), or returns nil, which stops the demo. It waits
// for the demo, then for the worker, and returns the demo's trace.
func brokerDemoJoined(t *testing.T, bin string, wout *bytes.Buffer, join func(trace.Listen) *exec.Cmd, args ...string) []trace.Record {
	t.Helper()
	cmd := exec.Command(bin, append(append([]string{"run", "broker"}, args...), "--format", "json")...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var recs []trace.Record
	var listen trace.Listen
	var w *exec.Cmd
	sc := bufio.NewScanner(out)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r trace.Record
		if json.Unmarshal(sc.Bytes(), &r) != nil {
			continue
		}
		recs = append(recs, r)
		if r.Kind == trace.KindBrokerListen {
			json.Unmarshal(r.Val, &listen)
		}
		var v string
		if r.Kind != trace.KindStdout || json.Unmarshal(r.Val, &v) != nil || !strings.HasPrefix(v, "no consumer runs: ") || w != nil {
			continue
		}
		if w = join(listen); w == nil {
			cmd.Process.Kill()
			break
		}
	}
	if err := cmd.Wait(); err != nil && w != nil {
		t.Fatalf("the demo: %v\n%s", err, errb.String())
	}
	if w == nil {
		t.Fatal("no worker joined: the demo never said that no consumer runs, or its join line was wrong")
	}
	if err := w.Wait(); err != nil {
		t.Errorf("the worker: %v\n%s", err, wout.String())
	}
	return recs
}

func TestServeQueueWorkersOnTwoMachines(t *testing.T) {
	if testing.Short() {
		t.Skip("builds proctour and runs three processes")
	}
	bin := buildProctour(t)
	const key = "k3y-of-the-class"
	s := startServer(t, bin, "--jobs", "6", "--authkey", key)
	var outs [2]bytes.Buffer
	var ws [2]*exec.Cmd
	for i, name := range []string{"alice", "bob"} {
		ws[i] = worker(bin, "--connect", s.addr, "--authkey", key, "--name", name)
		ws[i].Stdout, ws[i].Stderr = &outs[i], &outs[i]
		if err := ws[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	for i, w := range ws {
		if err := w.Wait(); err != nil {
			t.Errorf("worker %d: %v\n%s", i, err, outs[i].String())
		}
	}
	recs := s.wait()
	if s.exitE != nil {
		t.Fatalf("serve-queue: %v\n%s", s.exitE, s.errb.String())
	}
	// Every job done once, by one worker or the other, as each says.
	var done []string
	for i := range outs {
		for _, m := range regexp.MustCompile(`job (\d+) done`).FindAllStringSubmatch(outs[i].String(), -1) {
			done = append(done, m[1])
		}
	}
	sort.Strings(done)
	if strings.Join(done, ",") != "0,1,2,3,4,5" {
		t.Errorf("the workers did jobs %v, want 0 to 5 once each:\n%s\n%s", done, outs[0].String(), outs[1].String())
	}
	// The server's trace has each worker as a lane of its own, with its
	// host: started, its calls, and an exit 0.
	host := map[string]string{}
	exits := map[string]string{}
	gets := map[string]int{}
	for _, r := range recs {
		if r.Proc != "alice" && r.Proc != "bob" {
			continue
		}
		switch r.Kind {
		case trace.KindProcStart:
			host[r.Proc] = r.Host
		case trace.KindProcExit:
			exits[r.Proc] = string(r.Val)
		case trace.KindManagerCall:
			gets[r.Proc]++
		}
	}
	for _, name := range []string{"alice", "bob"} {
		if host[name] == "" {
			t.Errorf("%s has no lane with a host in the server's trace", name)
		}
		if exits[name] != "0" {
			t.Errorf("%s's lane ends with exit %q, want 0", name, exits[name])
		}
		if gets[name] == 0 {
			t.Errorf("%s's lane shows no call to the manager", name)
		}
	}
	if last := recs[len(recs)-1]; last.Kind != trace.KindRunEnd {
		t.Errorf("the server's trace ends with %s, want run.end", last.Kind)
	}
	// The class's key is the instructor's: a trace they save and share
	// does not give it away (the join command reads --authkey …).
	for _, r := range recs {
		if b, _ := json.Marshal(r); strings.Contains(string(b), key) {
			t.Errorf("the server's trace holds the authkey: %s", b)
		}
	}
}

func TestWorkerWithWrongAuthkeyIsRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("builds proctour and runs two processes")
	}
	bin := buildProctour(t)
	s := startServer(t, bin, "--jobs", "1", "--authkey", "class")
	out, err := worker(bin, "--connect", s.addr, "--authkey", "guess").CombinedOutput()
	if err == nil {
		t.Fatalf("a worker with a wrong authkey succeeded:\n%s", out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "AuthenticationError") {
		t.Errorf("want one line naming AuthenticationError, got:\n%s", out)
	}
	// Unreachable: nobody listens on a port just closed by the server.
	s.cmd.Process.Signal(syscall.SIGINT)
	recs := s.wait()
	refused := false
	for _, r := range recs {
		refused = refused || r.Kind == trace.KindManagerRefuse
	}
	if !refused {
		t.Errorf("the server's trace has no manager.refuse")
	}
	out, err = worker(bin, "--connect", s.addr).CombinedOutput()
	if err == nil || strings.Count(strings.TrimSpace(string(out)), "\n") != 0 || !strings.Contains(string(out), "cannot join") {
		t.Errorf("a worker with nobody at %s: want one line 'cannot join' and a failure, got %v:\n%s", s.addr, err, out)
	}
}

// A worker killed mid-job: the server sees its connection go (its lane
// ends with exit 1, ConnectionResetError) and the job it held is lost —
// a manager's queue does not give it back, which is what a broker's
// acknowledgements are for. Ctrl-C then ends the server cleanly.
func TestWorkerKilledMidJobEndsItsLane(t *testing.T) {
	if testing.Short() {
		t.Skip("builds proctour and runs two processes")
	}
	bin := buildProctour(t)
	s := startServer(t, bin, "--jobs", "3", "--authkey", "class")
	w := worker(bin, "--connect", s.addr, "--authkey", "class", "--name", "carol")
	out, _ := w.StdoutPipe()
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() && !strings.Contains(sc.Text(), "job 0 done") {
	}
	w.Process.Kill()
	w.Wait()
	// Wait for the server to see it go, then stop the server.
	for {
		s.mu.Lock()
		seen := false
		for _, r := range s.recs {
			seen = seen || (r.Proc == "carol" && r.Kind == trace.KindProcExit)
		}
		s.mu.Unlock()
		if seen {
			break
		}
		select {
		case <-s.done:
			t.Fatalf("the server ended first: %v\n%s", s.exitE, s.errb.String())
		default:
		}
		sleepBriefly()
	}
	s.cmd.Process.Signal(syscall.SIGINT)
	recs := s.wait()
	for _, r := range recs {
		if r.Proc == "carol" && r.Kind == trace.KindProcExit && (string(r.Val) != "1" || r.Err != "ConnectionResetError") {
			t.Errorf("carol's lane ends with %s %s, want 1 ConnectionResetError", r.Val, r.Err)
		}
	}
	if last := recs[len(recs)-1]; last.Kind != trace.KindRunEnd {
		t.Errorf("the stopped server's trace ends with %s, want run.end", last.Kind)
	}
	// Nothing of the server is left: its manager process is gone.
	for _, r := range recs {
		if r.Kind == trace.KindProcStart && r.Proc == "SyncManager-1" {
			if syscall.Kill(r.Pid, 0) == nil {
				t.Errorf("the manager's server process %d outlived serve-queue", r.Pid)
			}
		}
	}
}

func sleepBriefly() { time.Sleep(20 * time.Millisecond) }

// testBroker starts a NATS server in this test process on the loopback,
// with the token ("" for none); it stops when the test ends, or earlier by
// stop.
func testBroker(t *testing.T, token string) (url string, stop func()) {
	t.Helper()
	url, stop, err := natsembed.Start("127.0.0.1", token)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return url, stop
}

// The broker on its own "machine" (a NATS server in this test process),
// proctour's producer and consumers in another process: every job is
// acknowledged, and the one consumer-1 held when it died is redelivered.
func TestBrokerDemoThroughANetworkBroker(t *testing.T) {
	if testing.Short() {
		t.Skip("builds proctour and starts a NATS server")
	}
	bin := buildProctour(t)
	url, _ := testBroker(t, "")
	out, err := exec.Command(bin, "run", "broker", "--broker", url, "--set", "jobs=4", "--format", "json").Output()
	if err != nil {
		t.Fatalf("proctour run broker --broker %s: %v\n%s", url, err, out)
	}
	checkBrokerRun(t, out)
}

// With no --broker, proctour starts the NATS server inside itself: the
// demo runs as a student starts it, with nothing installed.
func TestBrokerDemoWithTheBrokerInside(t *testing.T) {
	if testing.Short() {
		t.Skip("builds proctour and starts a NATS server")
	}
	bin := buildProctour(t)
	out, err := exec.Command(bin, "run", "broker", "--set", "jobs=4", "--format", "json").Output()
	if err != nil {
		t.Fatalf("proctour run broker: %v\n%s", err, out)
	}
	checkBrokerRun(t, out)
}

// checkBrokerRun checks a trace of the broker demo with jobs=4 and
// crash=on: every job and the stop acknowledged, and consumer-1's job
// redelivered.
func checkBrokerRun(t *testing.T, out []byte) {
	t.Helper()
	acked := map[string]bool{}
	redelivered := 0
	for _, l := range strings.Split(string(out), "\n") {
		var r trace.Record
		if json.Unmarshal([]byte(l), &r) != nil {
			continue
		}
		var m trace.BrokerMsg
		json.Unmarshal(r.Val, &m)
		switch r.Kind {
		case trace.KindBrokerAck:
			acked[string(m.Job)] = true
		case trace.KindBrokerRedeliver:
			redelivered++
		}
	}
	if len(acked) != 5 || redelivered == 0 { // jobs 0 to 3 and the stop
		t.Errorf("acknowledged %v and %d redelivered; want jobs 0 to 3 and the stop, and a redelivery", acked, redelivered)
	}
}

// A broker that goes away mid-run: the run ends with one line and a
// failure, and none of its processes is left.
func TestBrokerGoneMidRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds proctour and starts a NATS server")
	}
	bin := buildProctour(t)
	url, stop := testBroker(t, "")
	cmd := exec.Command(bin, "run", "broker", "--broker", url, "--set", "jobs=4", "--format", "json")
	var errb bytes.Buffer
	cmd.Stderr = &errb
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var pids []int
	sc := bufio.NewScanner(out)
	stopped := false
	for sc.Scan() {
		var r trace.Record
		if json.Unmarshal(sc.Bytes(), &r) != nil {
			continue
		}
		if r.Kind == trace.KindProcStart {
			pids = append(pids, r.Pid)
		}
		// consumer-1 has died holding a job: the broker goes away
		// while the others wait for its redelivery.
		if !stopped && r.Kind == trace.KindStdout && strings.Contains(string(r.Val), "dies holding job") {
			stop()
			stopped = true
		}
	}
	err := cmd.Wait()
	if !stopped {
		t.Fatalf("consumer-1 never died holding a job")
	}
	if err == nil {
		t.Errorf("the run succeeded without its broker")
	}
	if lines := strings.Split(strings.TrimSpace(errb.String()), "\n"); len(lines) != 1 {
		t.Errorf("want one line on stderr, got:\n%s", errb.String())
	}
	for _, pid := range pids {
		if syscall.Kill(pid, 0) == nil {
			t.Errorf("process %d is still there after the run", pid)
		}
	}
}

// A consumer of another machine joins the broker demo (proctour worker
// --broker): the demo's only consumer of its own dies holding its first
// job, so the jobs wait in the broker while no consumer runs ("no consumer
// runs" in the trace); the worker, started only then, takes every one of
// them, the dead consumer's redelivered job too. Its events reach the
// demo's trace over the broker, as a lane with its host that ends with
// exit 0, and the demo ends by itself.
func TestBrokerWorkerJoinsFromAnotherMachine(t *testing.T) {
	if testing.Short() {
		t.Skip("builds proctour and starts a NATS server")
	}
	bin := buildProctour(t)
	url, _ := testBroker(t, "")
	var wout bytes.Buffer
	recs := brokerDemoJoined(t, bin, &wout, func(l trace.Listen) *exec.Cmd {
		if l.Join != "proctour worker --broker "+url {
			t.Errorf("the demo said to join with %q", l.Join)
		}
		return startWorker(t, bin, &wout, "--broker", url, "--name", "dave")
	}, "--broker", url, "--set", "jobs=4", "--set", "consumers=1", "--set", "crash=on")
	var done []string
	for _, m := range regexp.MustCompile(`job (\d+) done`).FindAllStringSubmatch(wout.String(), -1) {
		done = append(done, m[1])
	}
	sort.Strings(done)
	if strings.Join(done, ",") != "0,1,2,3" {
		t.Errorf("the worker did jobs %v, want 0 to 3:\n%s", done, wout.String())
	}
	host, exit, redelivered, end := "", "", false, false
	for _, r := range recs {
		if r.Proc == "dave" {
			switch r.Kind {
			case trace.KindProcStart:
				host = r.Host
			case trace.KindProcExit:
				exit = string(r.Val)
			case trace.KindBrokerRedeliver:
				redelivered = true
			}
		}
		end = end || (r.Kind == trace.KindStdout && string(r.Val) == `"every job acknowledged"`)
	}
	if host == "" || exit != "0" || !redelivered {
		t.Errorf("dave's lane: host %q, exit %q, took the redelivered job %v", host, exit, redelivered)
	}
	if !end || recs[len(recs)-1].Kind != trace.KindRunEnd {
		t.Errorf("the demo did not end by itself with every job acknowledged")
	}
}

// Bad input to proctour worker --broker: one line, and a non-zero exit.
func TestBrokerWorkerBadInput(t *testing.T) {
	wantRefused(t, exitUsage, "want nats://HOST:PORT", "worker", "--broker", "http://127.0.0.1:4222")
	wantRefused(t, exitUsage, "give one of --connect", "worker")
	wantRefused(t, exitUsage, "give one of --connect", "worker", "--connect", "127.0.0.1:1", "--broker", "nats://127.0.0.1:1")
	// nobody listens on port 1
	wantRefused(t, exitFailed, "cannot join nats://127.0.0.1:1: no broker at 127.0.0.1:1: connection refused", "worker", "--broker", "nats://127.0.0.1:1")
	url, _ := testBroker(t, "")
	wantRefused(t, exitFailed, "no broker demo runs there", "worker", "--broker", url)
}

// A server stopped while a worker is joined ends the worker's lane, and
// leaves the worker's process alone: its pid is another machine's (here
// the same machine's, which is how it was found that the teardown sent it
// SIGTERM). The worker ends by itself, saying its server went away.
func TestStoppedServerDoesNotSignalAJoinedWorker(t *testing.T) {
	if testing.Short() {
		t.Skip("builds proctour and runs two processes")
	}
	bin := buildProctour(t)
	s := startServer(t, bin, "--jobs", "40", "--authkey", "class")
	w := worker(bin, "--connect", s.addr, "--authkey", "class", "--name", "erin")
	out, _ := w.StdoutPipe()
	var errb bytes.Buffer
	w.Stderr = &errb
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() && !strings.Contains(sc.Text(), "job 0 done") {
	}
	s.cmd.Process.Signal(syscall.SIGINT)
	s.wait()
	io.Copy(io.Discard, out)
	err := w.Wait()
	if ws, ok := w.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		t.Fatalf("the joined worker was killed by %v when the server stopped", ws.Signal())
	}
	if err == nil || strings.Count(strings.TrimSpace(errb.String()), "\n") != 0 || !strings.HasPrefix(errb.String(), "proctour: ") {
		t.Errorf("the worker whose server went: %v, stderr %q; want a failure and one line", err, errb.String())
	}
}
