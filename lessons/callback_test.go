package lessons

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// callbackRun is what a student reads off a callback run: the order the
// downloads finished in (the workers' pool.task_done), the order the
// callbacks ran in, and the lines parse printed.
type callbackRun struct {
	done, called []string // paths
	parsed       []string // MainProcess's prints of parse, in order
	mainPid      int
	workers      map[int]bool
}

func watchCallbacks(t *testing.T, events []trace.Record, st *sim.State) callbackRun {
	t.Helper()
	r := callbackRun{mainPid: st.Procs[0].Pid, workers: map[int]bool{}}
	base := ""
	for _, e := range events {
		var text string
		if e.Kind == trace.KindStdout {
			json.Unmarshal(e.Val, &text)
		}
		switch {
		case e.Obj == "stderr" || e.Err != "":
			t.Errorf("%s: %s %s %s", e.Proc, e.Kind, e.Err, e.Val)
		case e.Kind == trace.KindStdout && strings.HasPrefix(text, "main ") && base == "":
			_, url, ok := strings.Cut(text, " on ")
			if !ok {
				t.Fatalf("main's first line %q names no address", text)
			}
			base = url
		case e.Kind == trace.KindPoolTaskDone:
			var v struct{ Result downloaded }
			if err := json.Unmarshal(e.Val, &v); err != nil {
				t.Fatalf("task_done %s: %v", e.Val, err)
			}
			r.done = append(r.done, strings.TrimPrefix(v.Result.URL, base))
			r.workers[e.Pid] = true
		case e.Kind == trace.KindPoolCallback:
			var v struct {
				Callback string
				Value    downloaded
			}
			if err := json.Unmarshal(e.Val, &v); err != nil {
				t.Fatalf("callback %s: %v", e.Val, err)
			}
			if v.Callback != "parse" || e.Proc != "MainProcess" || e.Pid != r.mainPid {
				t.Errorf("callback %s ran in %s (pid %d); want parse in MainProcess (pid %d)", v.Callback, e.Proc, e.Pid, r.mainPid)
			}
			r.called = append(r.called, strings.TrimPrefix(v.Value.URL, base))
		case e.Kind == trace.KindStdout && strings.Contains(text, " bytes, title "):
			if e.Proc != "MainProcess" || e.Pid != r.mainPid {
				t.Errorf("parse printed in %s (pid %d): %q", e.Proc, e.Pid, text)
			}
			r.parsed = append(r.parsed, strings.TrimPrefix(text, base))
		}
	}
	for _, p := range st.Procs[1:] {
		if p.ExitCode != 0 {
			t.Errorf("%s exited with %d", p.Name, p.ExitCode)
		}
	}
	return r
}

func TestCallbackParsesEveryPageInTheMainProcessInCompletionOrder(t *testing.T) {
	t.Parallel()
	var submitted []string
	for _, p := range callbackPages {
		submitted = append(submitted, p.path)
	}
	for range repeats(3) {
		events, st := run(t, "callback")
		r := watchCallbacks(t, events, st)
		// Each page parsed once, with its size and title right, downloaded
		// by a worker and parsed in the main process.
		if len(r.parsed) != len(callbackPages) {
			t.Fatalf("parse printed %d lines, want one per page (%d): %q", len(r.parsed), len(callbackPages), r.parsed)
		}
		for i, line := range r.parsed {
			path, _, _ := strings.Cut(line, ":")
			k := slices.IndexFunc(callbackPages, func(p callbackPage) bool { return p.path == path })
			if k < 0 {
				t.Errorf("parse printed an unknown page: %q", line)
				continue
			}
			p := callbackPages[k]
			var pid, in int
			want := fmt.Sprintf("%s: %d bytes, title %s, downloaded by %%d, parsed in %%d", p.path, p.size, p.title)
			if n, _ := fmt.Sscanf(line, want, &pid, &in); n != 2 || !r.workers[pid] || in != r.mainPid {
				t.Errorf("parse printed %q; want %q with a worker's pid and the main process's (%d)", line, want, r.mainPid)
			}
			if path != r.called[i] {
				t.Errorf("print %d is about %s, but callback %d was given %s", i, path, i, r.called[i])
			}
		}
		// In the order the downloads finished. That this is not the order
		// they were submitted in (the slow first page finishes last) is the
		// OS scheduler's call in a live run — on a loaded machine the pool's
		// workers may start far enough apart to download one after another
		// — and the downloads wait on the page server, outside the gate, so
		// a seeded run does not order them either (seeds 1 to 4 all finish
		// them in submission order): it is not asserted. With one worker
		// the order is the submission order (the test below).
		if !slices.Equal(r.called, r.done) {
			t.Errorf("callbacks ran in the order %v; the downloads finished in the order %v", r.called, r.done)
		}
		t.Logf("downloads finished as %v (submitted %v)", r.done, submitted)
		out := prints(events)
		if want := "MainProcess: parsed:    " + strings.Join(r.called, " "); out[len(out)-1] != want {
			t.Errorf("main's last line %q, want %q", out[len(out)-1], want)
		}
	}
}

// One worker downloads one page after another: the callbacks come in the
// order the pages were submitted.
func TestCallbackWithOneWorkerKeepsSubmissionOrder(t *testing.T) {
	t.Parallel()
	var submitted []string
	for _, p := range callbackPages {
		submitted = append(submitted, p.path)
	}
	for _, mode := range []sim.Options{{Mode: sim.Live}, {Mode: sim.Seeded, Seed: 3}} {
		events, st := runIn(t, mode, "callback", "processes=1")
		r := watchCallbacks(t, events, st)
		if !slices.Equal(r.called, submitted) || !slices.Equal(r.done, submitted) {
			t.Errorf("%v: one worker: downloads done %v, callbacks %v; want both %v", mode.Mode, r.done, r.called, submitted)
		}
		if len(r.workers) != 1 || len(r.parsed) != len(callbackPages) {
			t.Errorf("%v: %d workers downloaded, %d pages parsed", mode.Mode, len(r.workers), len(r.parsed))
		}
	}
}

// The page server and its client speak enough HTTP/1.0 for each other, and
// Shutdown leaves no connection or port behind.
func TestPageServerServesAndShutsDown(t *testing.T) {
	t.Parallel()
	rt := primitives.NewMain(primitives.MainOptions{Speed: 10})
	s, err := newPageServer(rt, callbackPages)
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	for _, p := range callbackPages[:2] {
		body, err := httpGet("http://"+s.Addr()+p.path, rt.Real(callbackTimeout))
		if err != nil || body != p.body() || len(body) != p.size {
			t.Errorf("GET %s: %d bytes, %v; want %d", p.path, len(body), err, p.size)
		}
	}
	if _, err := httpGet("http://"+s.Addr()+"/nothing", rt.Real(callbackTimeout)); err == nil || !strings.Contains(err.Error(), "HTTP Error 404") {
		t.Errorf("GET /nothing: %v, want HTTP Error 404", err)
	}
	// A request in progress when the server shuts down: dropped at once.
	got := make(chan error, 1)
	go func() {
		_, err := httpGet("http://"+s.Addr()+"/processes", rt.Real(callbackTimeout))
		got <- err
	}()
	for {
		s.mu.Lock()
		n := len(s.conns)
		s.mu.Unlock()
		if n > 0 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	addr := s.Addr()
	s.Shutdown()
	if err := <-got; err == nil {
		t.Error("a download in progress during shutdown succeeded")
	}
	if _, err := httpGet("http://"+addr+"/pools", rt.Real(callbackTimeout)); err == nil {
		t.Error("the server still answers after shutdown")
	}
	s.Shutdown() // twice is fine
}

// A session stopped while downloads are under way ends at once, and the main
// process's HTTP server is gone with it: its port no longer answers.
func TestCallbackStoppedLeavesNoServer(t *testing.T) {
	t.Parallel()
	sc, _ := Lookup("callback")
	v, err := sc.Resolve(nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sim.Start(sc.Script(v), sc.Options(1, 0))
	if err != nil {
		t.Fatal(err)
	}
	var events []trace.Record
	base := ""
	timeout := time.After(10 * time.Second)
	for done := false; !done; {
		select {
		case e, ok := <-s.Events():
			if !ok {
				done = true
				break
			}
			events = append(events, e)
			var text string
			if e.Kind == trace.KindStdout && json.Unmarshal(e.Val, &text) == nil && strings.HasPrefix(text, "main ") {
				_, base, _ = strings.Cut(text, " on ")
			}
			if e.Kind == trace.KindPoolCallback && base != "" {
				s.Stop() // the first page is parsed, the others are on their way
			}
		case <-timeout:
			t.Fatal("the stopped session has not ended after 10 s")
		}
	}
	if last := events[len(events)-2]; last.Obj != "stopped" { // (before run.end)
		t.Errorf("the session ended with %s %s, not stopped", last.Kind, last.Obj)
	}
	if base == "" {
		t.Fatal("main never said where it serves")
	}
	if _, err := httpGet(base+"/pools", time.Second); err == nil {
		t.Errorf("%s still answers after the session was stopped", base)
	}
	for _, e := range events {
		if e.Proc == "MainProcess" && e.Obj == "stderr" {
			t.Errorf("main printed %s", e.Val)
		}
	}
}
