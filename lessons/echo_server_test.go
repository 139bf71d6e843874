package lessons

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// echoRun is what a student reads off an echo-server run: each client's
// port and the echoes it printed, and, in the order they were printed, the
// server's "serving" and "closed" lines and the clients' first echoes.
type echoRun struct {
	port    map[string]int      // client → its port
	echoes  map[string][]string // client → the echoes it printed
	servers map[string][]int    // serving process → the ports it served
	// timeline of what matters for waiting: "serve PORT", "close PORT",
	// "first CLIENT"
	order []string
}

func watchEcho(t *testing.T, events []trace.Record, st *sim.State) echoRun {
	t.Helper()
	r := echoRun{port: map[string]int{}, echoes: map[string][]string{}, servers: map[string][]int{}}
	for _, e := range events {
		if e.Obj == "stderr" || e.Err != "" {
			t.Errorf("%s: %s %s %s", e.Proc, e.Kind, e.Err, e.Val)
			continue
		}
		if e.Kind != trace.KindStdout {
			continue
		}
		var text string
		json.Unmarshal(e.Val, &text)
		who, what, _ := strings.Cut(text, ": ")
		if who != e.Proc {
			t.Errorf("%s printed %q", e.Proc, text)
		}
		var port int
		var waited float64
		var echo string
		switch {
		case strings.HasPrefix(what, "connected from port "):
			fmt.Sscanf(what, "connected from port %d", &port)
			r.port[who] = port
		case strings.HasPrefix(what, "serving port "):
			fmt.Sscanf(what, "serving port %d", &port)
			r.servers[who] = append(r.servers[who], port)
			r.order = append(r.order, fmt.Sprint("serve ", port))
		case strings.HasSuffix(what, " closed the connection"):
			fmt.Sscanf(what, "port %d closed the connection", &port)
			r.order = append(r.order, fmt.Sprint("close ", port))
		case strings.HasPrefix(what, "first echo after "):
			_, echo, _ = strings.Cut(what, " s: ")
			if n, _ := fmt.Sscanf(what, "first echo after %f s:", &waited); n != 1 {
				t.Errorf("%s printed %q", who, text)
			}
			r.echoes[who] = append(r.echoes[who], echo)
			r.order = append(r.order, "first "+who)
		case strings.HasPrefix(what, "echo: "):
			r.echoes[who] = append(r.echoes[who], strings.TrimPrefix(what, "echo: "))
		default:
			t.Errorf("unexpected line %q", text)
		}
	}
	for _, p := range st.Procs[1:] {
		if p.ExitCode != 0 {
			t.Errorf("%s exited with %d", p.Name, p.ExitCode)
		}
	}
	return r
}

// Every client gets back exactly the lines it sent, in order; every
// client's port is served once, by one server process, and closed.
func (r echoRun) checkEchoes(t *testing.T, clients int) {
	t.Helper()
	if len(r.port) != clients {
		t.Errorf("%d clients connected, want %d", len(r.port), clients)
	}
	for i := 1; i <= clients; i++ {
		c := fmt.Sprintf("client-%d", i)
		var want []string
		for _, w := range echoWords {
			want = append(want, strings.TrimSpace(echoLine(c, w)))
		}
		if !slices.Equal(r.echoes[c], want) {
			t.Errorf("%s got back %q, sent %q", c, r.echoes[c], want)
		}
		p := r.port[c]
		if count(r.order, fmt.Sprint("serve ", p)) != 1 || count(r.order, fmt.Sprint("close ", p)) != 1 {
			t.Errorf("%s's port %d: served and closed %d and %d times, want once each", c, p, count(r.order, fmt.Sprint("serve ", p)), count(r.order, fmt.Sprint("close ", p)))
		}
	}
}

// mostAtOnce is the largest number of connections being served at once.
func (r echoRun) mostAtOnce() int {
	n, most := 0, 0
	for _, x := range r.order {
		switch {
		case strings.HasPrefix(x, "serve "):
			n++
			most = max(most, n)
		case strings.HasPrefix(x, "close "):
			n--
		}
	}
	return most
}

// waited lists the clients whose first echo came after another client's
// connection was closed: they were queued until a server was free.
func (r echoRun) waited() []string {
	var out []string
	closed := false
	for _, x := range r.order {
		if strings.HasPrefix(x, "close ") {
			closed = true
		}
		if c, ok := strings.CutPrefix(x, "first "); ok && closed {
			out = append(out, c)
		}
	}
	return out
}

func procsOf(st *sim.State, target string) []*sim.Proc {
	var out []*sim.Proc
	for _, p := range st.Procs {
		if p.Target == target {
			out = append(out, p)
		}
	}
	return out
}

func TestEchoServerForkStartsOneHandlerPerClient(t *testing.T) {
	t.Parallel()
	for _, sets := range [][]string{nil, nil, {"clients=1"}, {"clients=7"}} {
		events, st := run(t, "echo-server", sets...)
		r := watchEcho(t, events, st)
		clients := 4
		if len(sets) > 0 {
			fmt.Sscanf(sets[0], "clients=%d", &clients)
		}
		r.checkEchoes(t, clients)
		handlers := procsOf(st, "echo-server.serve")
		if len(handlers) != clients || len(procsOf(st, "echo-server.client")) != clients {
			t.Errorf("%v: %d handler and %d client processes, want %d of each", sets, len(handlers), len(procsOf(st, "echo-server.client")), clients)
		}
		for _, h := range handlers {
			if ports := r.servers[h.Name]; len(ports) != 1 {
				t.Errorf("%v: %s served ports %v, want one connection", sets, h.Name, ports)
			}
		}
		if len(procsOf(st, "pool.worker")) != 0 {
			t.Errorf("%v: a pool in fork mode", sets)
		}
	}
}

func TestEchoServerPoolServesWorkersAtOnceAndTheOthersWait(t *testing.T) {
	t.Parallel()
	for range repeats(3) {
		events, st := run(t, "echo-server", "server=pool")
		r := watchEcho(t, events, st)
		r.checkEchoes(t, 4)
		if most := r.mostAtOnce(); most > 2 {
			t.Errorf("%d connections served at once by a pool of 2", most)
		}
		workers := procsOf(st, "pool.worker")
		if len(workers) != 2 || len(procsOf(st, "echo-server.serve")) != 0 {
			t.Errorf("%d pool workers and %d handler processes, want 2 and none", len(workers), len(procsOf(st, "echo-server.serve")))
		}
		served := 0
		for _, w := range workers {
			served += len(r.servers[w.Name])
		}
		if served != 4 {
			t.Errorf("the workers served %d connections, want 4: %v", served, r.servers)
		}
		// Two clients wait for a worker in every run, however the OS
		// schedules it: a worker serves one connection at a time, so the
		// third and fourth connections are served, and echoed, only after
		// a connection has closed (the trace keeps that causal order).
		if w := r.waited(); len(w) < 2 {
			t.Errorf("clients that waited for a free worker: %v, want the 2 beyond the pool's 2 workers", w)
		}
	}
}

func TestEchoServerPoolVariantsInEveryMode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		mode             sim.Options
		clients, workers int
	}{
		{sim.Options{Mode: sim.Live}, 5, 3},
		{sim.Options{Mode: sim.Step}, 3, 2},
		{sim.Options{Mode: sim.Seeded, Seed: 9}, 3, 2},
	} {
		t.Run(fmt.Sprint(tc.mode.Mode), func(t *testing.T) {
			t.Parallel()
			events, st := runIn(t, tc.mode, "echo-server", "server=pool", fmt.Sprint("clients=", tc.clients), fmt.Sprint("workers=", tc.workers))
			r := watchEcho(t, events, st)
			r.checkEchoes(t, tc.clients)
			if most := r.mostAtOnce(); most > tc.workers {
				t.Errorf("%v: %d connections served at once by a pool of %d", tc.mode.Mode, most, tc.workers)
			}
			// The clients beyond the workers wait, whatever the schedule:
			// they are served only after a connection has closed.
			if w := r.waited(); len(w) < tc.clients-tc.workers {
				t.Errorf("%v: clients that waited for a free worker: %v, want %d", tc.mode.Mode, w, tc.clients-tc.workers)
			}
		})
	}
}

// A session stopped while the main script waits — in accept() or join()
// (server=fork), in get() (server=pool) — ends at once: the script unwinds
// without a traceback and no process is left.
func TestEchoServerStopsCleanly(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ server, clients, when string }{
		// One client, stopped as it starts: main waits in accept() for it.
		{"fork", "1", "proc.start"},
		{"fork", "4", "connected"},
		{"fork", "4", "first echo"},
		{"pool", "4", "connected"},
		{"pool", "4", "first echo"},
	} {
		server, when := tc.server, tc.when
		sc, _ := Lookup("echo-server")
		v, err := sc.Resolve([]string{"server=" + server, "clients=" + tc.clients})
		if err != nil {
			t.Fatal(err)
		}
		s, err := sim.Start(sc.Script(v), sc.Options(1, 0))
		if err != nil {
			t.Fatal(err)
		}
		var events []trace.Record
		var w watch
		stopped := false
		timeout := time.After(10 * time.Second)
	read:
		for {
			select {
			case e, ok := <-s.Events():
				if !ok {
					break read
				}
				w.saw(e)
				events = append(events, e)
				if !stopped && (e.Kind == when && e.Proc != "MainProcess" || e.Kind == trace.KindStdout && strings.Contains(string(e.Val), when)) {
					s.Stop()
					stopped = true
				}
			case <-timeout:
				t.Fatalf("server=%s: the stopped session has not ended after 10 s", server)
			}
		}
		last := events[len(events)-2] // (before run.end)
		if !stopped || last.Kind != trace.KindProcExit || last.Obj != "stopped" {
			t.Errorf("server=%s: the session ended with %s %s", server, last.Kind, last.Obj)
		}
		for _, e := range events {
			if e.Proc == "MainProcess" && e.Obj == "stderr" {
				t.Errorf("server=%s: main printed %s", server, e.Val)
			}
		}
		if left := w.leftovers(); len(left) > 0 {
			t.Errorf("server=%s: left after the stop: %v", server, left)
		}
	}
}
