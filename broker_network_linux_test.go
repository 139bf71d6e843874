package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"

	"github.com/proctour/proctour/trace"
)

// The broker demo with listen=network: its broker listens on every
// interface and takes only clients that give the token made for the run,
// which its join line shows. A worker with the announced URL's token (its
// host replaced by the loopback address, which reaches the same 0.0.0.0
// listener and is there in any CI) takes the jobs that wait while no
// consumer of the demo runs, and appears as a lane with its host; one
// with a wrong token, or none, is refused with one line and a failure.
func TestBrokerNetworkWorkerJoinsWithTheRunsToken(t *testing.T) {
	if testing.Short() {
		t.Skip("builds proctour and runs a broker demo")
	}
	bin := buildProctour(t)
	var wout bytes.Buffer
	var listen trace.Listen
	joinRe := regexp.MustCompile(`^proctour worker --broker nats://([a-z0-9]{10})@([^:@/]+):(\d+)$`)
	recs := brokerDemoJoined(t, bin, &wout, func(l trace.Listen) *exec.Cmd {
		listen = l
		m := joinRe.FindStringSubmatch(l.Join)
		if m == nil {
			t.Errorf("the demo said to join with %q; want proctour worker --broker nats://TOKEN@HOST:PORT", l.Join)
			return nil
		}
		token, host, port := m[1], m[2], m[3]
		if l.Addr != "nats://0.0.0.0:"+port {
			t.Errorf("the broker listens on %q; want every interface, nats://0.0.0.0:%s", l.Addr, port)
		}
		if host == "127.0.0.1" || host == "0.0.0.0" {
			t.Errorf("the join line names %s: not an address another computer reaches", host)
		}
		for _, bad := range []string{"nats://guessedtok@127.0.0.1:" + port, "nats://127.0.0.1:" + port} {
			b, err := worker(bin, "--broker", bad).CombinedOutput()
			lines := strings.Split(strings.TrimSpace(string(b)), "\n")
			if err == nil || len(lines) != 1 || !strings.Contains(lines[0], "Authorization Violation") {
				t.Errorf("worker --broker %s: want one line naming Authorization Violation and a failure, got %v:\n%s", bad, err, b)
			}
		}
		return startWorker(t, bin, &wout, "--broker", "nats://"+token+"@127.0.0.1:"+port, "--name", "fay")
	}, "--set", "listen=network", "--set", "jobs=4", "--set", "consumers=1", "--set", "crash=on")
	if strings.Contains(wout.String(), listen.Join[len("proctour worker --broker nats://"):][:10]) {
		t.Errorf("the worker printed the token:\n%s", wout.String())
	}
	done := regexp.MustCompile(`job (\d+) done`).FindAllString(wout.String(), -1)
	if len(done) != 4 {
		t.Errorf("the worker did %d jobs, want the 4 that waited:\n%s", len(done), wout.String())
	}
	host, exit, acks := "", "", 0
	for _, r := range recs {
		if r.Proc != "fay" {
			continue
		}
		switch r.Kind {
		case trace.KindProcStart:
			host = r.Host
		case trace.KindProcExit:
			exit = string(r.Val)
		case trace.KindBrokerAck:
			acks++
		}
	}
	hostname, _ := os.Hostname()
	if host == "" || !strings.HasPrefix(host, hostname) || exit != "0" || acks != 5 { // 4 jobs and a stop
		t.Errorf("fay's lane: host %q (want %q), exit %q, %d acks (want 5)", host, hostname, exit, acks)
	}
}

// An external broker given with a user and password: the demo connects
// with them, and neither the password nor the URL holding it is written
// to the trace (run.begin and broker.listen included) or to the text log;
// the join line reads nats://USER:…@HOST:PORT. A wrong password fails the
// run with one line.
func TestBrokerPasswordStaysOutOfTheTrace(t *testing.T) {
	if testing.Short() {
		t.Skip("builds proctour and starts a NATS server")
	}
	bin := buildProctour(t)
	dir := t.TempDir()
	s, err := natsserver.NewServer(&natsserver.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: dir, NoLog: true, NoSigs: true, Username: "ann", Password: "pw-s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	go s.Start()
	defer func() { s.Shutdown(); s.WaitForShutdown() }()
	if !s.ReadyForConnections(time.Minute) {
		t.Fatal("the NATS server did not start")
	}
	u, _ := url.Parse(s.ClientURL())
	withPass := fmt.Sprintf("nats://ann:pw-s3cret@%s", u.Host)
	for _, format := range []string{"json", "text"} {
		cmd := exec.Command(bin, "run", "broker", "--broker", withPass, "--set", "jobs=2", "--set", "consumers=1", "--set", "crash=off", "--format", format)
		var errb bytes.Buffer
		cmd.Stderr = &errb
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("proctour run broker --broker nats://ann:…@%s --format %s: %v\n%s", u.Host, format, err, errb.String())
		}
		if bytes.Contains(out, []byte("s3cret")) || strings.Contains(errb.String(), "s3cret") {
			t.Errorf("--format %s: the password is in the output:\n%s", format, out)
		}
		if format != "json" {
			continue
		}
		recs, err := trace.Read(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		var listen trace.Listen
		begin, acked := "", 0
		for _, r := range recs {
			switch r.Kind {
			case trace.KindRunBegin:
				begin = string(r.Val)
			case trace.KindBrokerListen:
				json.Unmarshal(r.Val, &listen)
			case trace.KindBrokerAck:
				acked++
			}
		}
		if want := "proctour worker --broker nats://ann:…@" + u.Host; listen.Join != want {
			t.Errorf("the join line reads %q, want %q", listen.Join, want)
		}
		if begin == "" || strings.Contains(begin, "nats://") || acked != 3 { // 2 jobs and a stop
			t.Errorf("run.begin %s; %d acks (want 3)", begin, acked)
		}
	}
	code, out, errs := proctour("run", "broker", "--broker", "nats://ann:wrong-pw@"+u.Host, "--set", "jobs=1", "--format", "json")
	if code == exitOK || strings.Count(errs, "\n") != 1 || strings.Contains(out+errs, "wrong-pw") || !strings.Contains(out, "Authorization Violation") {
		t.Errorf("a wrong password: exit %d, stderr %q; want a failure, one line, the refusal in the trace and no password:\n%s", code, errs, out)
	}
}

// A broker with a token (the one inside proctour, as listen=network runs
// it) refuses a worker without it, or with another, in one line.
func TestBrokerWorkerWrongToken(t *testing.T) {
	url, _ := testBroker(t, "right-token")
	host := strings.TrimPrefix(url, "nats://")
	wantRefused(t, exitFailed, "cannot join nats://…@"+host+": the broker at "+host+" refused this connection: Authorization Violation: a wrong token", "worker", "--broker", "nats://guess@"+host)
	wantRefused(t, exitFailed, "Authorization Violation: it wants a token", "worker", "--broker", url)
	// the right token: the broker takes it, and no demo runs there
	wantRefused(t, exitFailed, "no broker demo runs there", "worker", "--broker", "nats://right-token@"+host)
}
