package lessons

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// joinableCheck checks a run the way the lesson traces it: every job is
// got once and marked done once; the producer's q.join() returns (its next
// event) only after the last task_done(); then the producer ends, then the
// main code; then, and only then, the daemon consumers are terminated and
// die of SIGTERM.
func joinableCheck(t *testing.T, events []trace.Record, st *sim.State, consumers, jobs int) {
	t.Helper()
	var want, put []string
	for k := range jobs {
		want = append(want, fmt.Sprintf("job-%d", k))
	}
	gotBy := map[string]string{} // job -> consumer
	gets, dones := map[string]int{}, map[string]int{}
	var left []string // task_done's count of jobs not done, in order
	var wantLeft []string
	puts, doneSoFar := 0, 0
	var lastDone, join, joinReturn, producerExit, mainEnd int64
	for i, e := range events {
		switch {
		case e.Proc == "producer" && e.Kind == trace.KindQueuePut:
			put = append(put, queueText(e.Val))
			puts++
		case e.Kind == trace.KindQueueGet && e.Err == "":
			job := queueText(e.Val)
			if !strings.HasPrefix(e.Proc, "consumer-") {
				t.Errorf("%s got %s; only consumers get", e.Proc, job)
			}
			if other, twice := gotBy[job]; twice {
				t.Errorf("%s got %s, which %s had already got", e.Proc, job, other)
			}
			gotBy[job] = e.Proc
			gets[e.Proc]++
		case e.Kind == trace.KindQueueTaskDone:
			dones[e.Proc]++
			if dones[e.Proc] > gets[e.Proc] {
				t.Errorf("seq %d: %s called task_done() %d times after %d gets", e.Seq, e.Proc, dones[e.Proc], gets[e.Proc])
			}
			if e.Err != "" {
				t.Errorf("seq %d: %s's task_done() raised %s", e.Seq, e.Proc, e.Err)
			}
			// Not done: put so far, less marked done so far.
			doneSoFar++
			left = append(left, string(e.Val))
			wantLeft = append(wantLeft, fmt.Sprint(puts-doneSoFar))
			lastDone = e.Seq
		case e.Proc == "producer" && e.Kind == trace.KindQueueJoin:
			join = e.Seq
			// join() returns with the producer's next event.
			for _, f := range events[i+1:] {
				if f.Proc == "producer" {
					joinReturn = f.Seq
					if f.Kind != trace.KindStdout || queueText(f.Val) != "producer: every job is done" {
						t.Errorf("after q.join() the producer did %s %s, want its print", f.Kind, f.Val)
					}
					break
				}
			}
		case e.Proc == "producer" && e.Kind == trace.KindProcExit:
			producerExit = e.Seq
		case e.Proc == "MainProcess" && e.Kind == trace.KindStdout:
			mainEnd = e.Seq
		}
	}
	if !slices.Equal(put, want) {
		t.Errorf("the producer put %q, want %q", put, want)
	}
	for _, job := range want {
		if gotBy[job] == "" {
			t.Errorf("%s was never got", job)
		}
	}
	if !slices.Equal(left, wantLeft) || len(left) != jobs || left[len(left)-1] != "0" {
		t.Errorf("task_done() left %v jobs not done, want %v: one call per job, down to 0", left, wantLeft)
	}
	// The shutdown order of lesson 8.
	if join == 0 || joinReturn == 0 {
		t.Fatalf("the producer never called q.join() or never came back from it")
	}
	if !(lastDone < joinReturn && joinReturn < producerExit && producerExit < mainEnd) {
		t.Errorf("last task_done seq %d, producer's join() returns seq %d, producer exits seq %d, main code ends seq %d: want them in this order", lastDone, joinReturn, producerExit, mainEnd)
	}
	out := prints(events)
	if len(out) == 0 || out[len(out)-1] != "MainProcess: main: the producer is done; the main code ends" {
		t.Errorf("main's last print: %q", out[max(len(out)-1, 0):])
	}
	for j := 1; j <= consumers; j++ {
		name := fmt.Sprintf("consumer-%d", j)
		c := daemonProc(t, st, name)
		if !c.Daemon || c.PPid != st.Procs[0].Pid {
			t.Errorf("%s: daemon %v, parent %d; want a daemon child of MainProcess", name, c.Daemon, c.PPid)
		}
		term := daemonFind(events, "MainProcess", trace.KindProcTerminate, name)
		exit := daemonFind(events, name, trace.KindProcExit, "*")
		switch {
		case term == nil:
			t.Errorf("%s was never terminated", name)
		case term.Seq < mainEnd || exit.Seq < term.Seq || c.ExitCode != -15:
			t.Errorf("%s: terminated at seq %d, exit %d at seq %d; want both after the main code ends (seq %d), exit -15", name, term.Seq, c.ExitCode, exit.Seq, mainEnd)
		}
		if dones[name] != gets[name] {
			t.Errorf("%s got %d jobs and marked %d done", name, gets[name], dones[name])
		}
		if n := count(out, name+": "+name+" finished "); n != gets[name] {
			t.Errorf("%s finished %d jobs of the %d it got", name, n, gets[name])
		}
		// A daemon dies where it waits, in q.get(): nothing after the main
		// code ends but its exit (and the start of that wait, which may be
		// late in coming).
		for _, e := range events {
			waits := e.Kind == trace.KindQueueBlock && blockOp(e) == "get"
			if e.Proc == name && e.Seq > mainEnd && e.Kind != trace.KindProcExit && !waits {
				t.Errorf("%s did %s after the main code ended", name, e.Kind)
			}
		}
	}
	if p := daemonProc(t, st, "producer"); p.Daemon || p.ExitCode != 0 {
		t.Errorf("the producer: daemon %v, exit %d; want a plain process that exits 0", p.Daemon, p.ExitCode)
	}
}

func TestJoinableShutdownOrder(t *testing.T) {
	t.Parallel()
	for range repeats(3) {
		events, st := run(t, "joinable")
		joinableCheck(t, events, st, 2, 10)
	}
	// The producer puts its jobs at once and reaches join() while they are
	// still being worked on: it waits. Live, whether the consumers have
	// done every job by then is the OS scheduler's call (on a loaded
	// machine the producer may lag a second behind them), so the wait is
	// looked for in seeded runs, the same seed the same run. There join()
	// waits at the gate and its queue.join is told when it returns: it
	// waited if jobs were marked done between the producer's "waiting"
	// print and its queue.join, and jobs were still not done when it
	// printed.
	for _, seed := range []uint64{1, 2} {
		events, st := runIn(t, sim.Options{Mode: sim.Seeded, Seed: seed}, "joinable")
		joinableCheck(t, events, st, 2, 10)
		fold := &sim.State{}
		notDone, doneWhileWaiting, printed := -1, 0, false
		for _, e := range events {
			fold.Apply(e)
			switch {
			case e.Proc == "producer" && e.Kind == trace.KindStdout && strings.Contains(queueText(e.Val), "waiting until they are done"):
				printed, notDone = true, fold.Queues[0].Unfinished
			case printed && e.Kind == trace.KindQueueTaskDone:
				doneWhileWaiting++
			case e.Proc == "producer" && e.Kind == trace.KindQueueJoin:
				printed = false
			}
		}
		if notDone <= 0 || doneWhileWaiting == 0 {
			t.Errorf("seed %d: the producer said it waits with %d job(s) not done, and %d were marked done before its join() returned; it should wait for the consumers", seed, notDone, doneWhileWaiting)
		}
	}
}

func TestJoinableOtherSizes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ consumers, jobs int }{{1, 3}, {4, 16}, {4, 1}} {
		events, st := run(t, "joinable", fmt.Sprintf("consumers=%d", c.consumers), fmt.Sprintf("jobs=%d", c.jobs))
		joinableCheck(t, events, st, c.consumers, c.jobs)
	}
}

func TestJoinableInStepAndSeededModes(t *testing.T) {
	t.Parallel()
	for _, mode := range []sim.Options{{Mode: sim.Step}, {Mode: sim.Seeded, Seed: 2}, {Mode: sim.Seeded, Seed: 13}} {
		events, st := runIn(t, mode, "joinable", "consumers=3", "jobs=5")
		joinableCheck(t, events, st, 3, 5)
	}
}
