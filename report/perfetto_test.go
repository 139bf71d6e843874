package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// TestMain runs a demo's child process when this test binary is started
// as one: the scenario tests start real children.
func TestMain(m *testing.M) {
	primitives.MaybeRunChild()
	os.Exit(m.Run())
}

// small are the settings that keep each scenario's run short; the others
// run with their defaults.
var small = map[string][]string{
	"tickets":         {"buyers=6"},
	"manager":         {"procs=8"},
	"semaphore":       {"people=6"},
	"pool-vs-process": {"tasks=10"},
	"prodcons":        {"items=6"},
}

// runTrace runs a scenario headless, four times faster than in class,
// and returns its trace.
func runTrace(t *testing.T, id string) []trace.Record {
	t.Helper()
	sc, err := lessons.Lookup(id)
	if err != nil {
		t.Fatal(err)
	}
	v, err := sc.Resolve(small[id])
	if err != nil {
		t.Fatal(err)
	}
	opts := sc.Options(4, 0)
	opts.Auto = true
	s, err := sim.Start(sc.Script(v), opts)
	if err != nil {
		t.Fatal(err)
	}
	var events []trace.Record
	for r := range s.Events() {
		events = append(events, r)
	}
	return events
}

// TestPerfettoExportOfEveryScenario exports a run of every scenario and
// checks the file against the trace event format's rules, and that every
// item got and every message received has its arrow.
func TestPerfettoExportOfEveryScenario(t *testing.T) {
	for _, sc := range lessons.Scenarios() {
		t.Run(sc.ID, func(t *testing.T) {
			t.Parallel()
			events := runTrace(t, sc.ID)
			var buf bytes.Buffer
			if err := Perfetto(&buf, events); err != nil {
				t.Fatal(err)
			}
			evs := checkTraceEventFormat(t, buf.Bytes(), events)

			// Every get, recv and pool task, in the trace, has its flow.
			want := map[string]int{}
			for _, r := range events {
				switch {
				case r.Err != "":
				case r.Kind == trace.KindQueueGet:
					want["queue"]++
				case r.Kind == trace.KindPipeRecv:
					want["pipe"]++
				case r.Kind == trace.KindPoolTaskStart:
					want["pool"]++
				case r.Kind == trace.KindManagerCall:
					want["manager"]++
				}
			}
			got := map[string]int{}
			for _, e := range evs {
				if e.Ph == "f" {
					got[e.Cat]++
				}
			}
			if !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
				t.Errorf("flows ending per category: %v; the trace's gets, recvs, tasks and manager calls: %v", got, want)
			}
		})
	}
}

var tsFirst = regexp.MustCompile(`^\{"ph":"[A-Za-z]","ts":[0-9]`)

// checkTraceEventFormat checks a JSON trace file as Perfetto's importer
// reads it, and returns its events.
func checkTraceEventFormat(t *testing.T, file []byte, events []trace.Record) []TraceEvent {
	t.Helper()
	var doc struct {
		TraceEvents []json.RawMessage `json:"traceEvents"`
	}
	if err := json.Unmarshal(file, &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if len(doc.TraceEvents) == 0 {
		t.Fatal("no traceEvents")
	}
	// Perfetto takes a "displayTimeUnit" for the unit of ts and stops at
	// a key it does not know: traceEvents is the only one.
	var top map[string]json.RawMessage
	json.Unmarshal(file, &top)
	if len(top) != 1 {
		t.Errorf("top-level keys %v, want traceEvents alone", slices.Collect(maps.Keys(top)))
	}
	var evs []TraceEvent
	for i, raw := range doc.TraceEvents {
		// Perfetto's tokenizer finds ts by reading the keys before it.
		if !tsFirst.Match(raw) {
			t.Errorf("event %d does not begin with ph and ts: %s", i, raw)
		}
		var e TraceEvent
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			t.Fatalf("event %d: %v: %s", i, err, raw)
		}
		var fields map[string]any
		json.Unmarshal(raw, &fields)
		for _, k := range []string{"ph", "pid", "tid", "ts"} {
			if _, ok := fields[k]; !ok {
				t.Errorf("event %d has no %s: %s", i, k, raw)
			}
		}
		if e.Ph == "X" && e.Dur == nil {
			t.Errorf("X event %d has no dur: %s", i, raw)
		}
		evs = append(evs, e)
	}

	first, last := float64(events[0].TNs)/1000, float64(events[len(events)-1].TNs)/1000
	named := map[int]string{}
	for _, e := range evs {
		if e.Ph == "M" && e.Name == "process_name" {
			named[e.Pid], _ = e.Args["name"].(string)
		}
	}
	for _, r := range events {
		// A process's track has the name its proc.start gives it, and
		// a pid without one (the run's own events) has a name too. A
		// process of another machine has a track pid of its own
		// (TestPerfettoProcessesOfOtherMachines).
		if r.Host != "" {
			continue
		}
		if want := fmt.Sprintf("%s (pid %d)", r.Proc, r.Pid); r.Kind == trace.KindProcStart && named[r.Pid] != want {
			t.Errorf("pid %d's track is named %q, want %q", r.Pid, named[r.Pid], want)
		}
		if _, ok := named[r.Pid]; !ok {
			t.Errorf("pid %d (%s) has no track", r.Pid, r.Proc)
		}
	}

	type flowKey struct {
		cat, name string
		id        int
	}
	starts, ends := map[flowKey][]TraceEvent{}, map[flowKey][]TraceEvent{}
	type asyncKey struct {
		cat, id string
		pid     int
	}
	open := map[asyncKey][]TraceEvent{}
	type thread struct{ pid, tid int }
	stacks := map[thread][]int64{}                           // end times of the open X slices, in ns
	ns := func(us float64) int64 { return int64(us * 1000) } // as Perfetto's importer reads a time
	for i, e := range evs {
		if e.Ph == "M" {
			continue
		}
		if _, ok := named[e.Pid]; !ok {
			t.Errorf("event %d (%s %q) has pid %d, which has no process_name", i, e.Ph, e.Name, e.Pid)
		}
		// µs since the session started: inside the trace's span.
		if e.Ts < 0 || e.Ts < first-0.001 || e.Ts > last+0.001 {
			t.Errorf("event %d (%s %q) at ts %v µs, outside the trace's %v..%v µs", i, e.Ph, e.Name, e.Ts, first, last)
		}
		if i > 0 && e.Ts < evs[i-1].Ts && evs[i-1].Ph != "M" {
			t.Errorf("event %d (%s %q) at %v µs comes after one at %v µs", i, e.Ph, e.Name, e.Ts, evs[i-1].Ts)
		}
		switch e.Ph {
		case "X":
			if *e.Dur < 0 || e.Ts+*e.Dur > last+0.001 {
				t.Errorf("X %q at %v lasts %v µs, past the trace's end %v", e.Name, e.Ts, *e.Dur, last)
			}
			// Slices on one thread nest: one that begins inside another
			// ends inside it (Perfetto drops one that does not).
			th := thread{e.Pid, e.Tid}
			st := stacks[th]
			from, to := ns(e.Ts), ns(e.Ts)+ns(*e.Dur)
			for len(st) > 0 && st[len(st)-1] <= from {
				st = st[:len(st)-1]
			}
			if len(st) > 0 && to > st[len(st)-1] {
				t.Errorf("X %q [%d, %d] ns on pid %d overlaps the end (%d ns) of the slice it begins in", e.Name, from, to, e.Pid, st[len(st)-1])
			}
			stacks[th] = append(st, to)
		case "s", "f":
			if e.ID == 0 {
				t.Errorf("flow %q has no id", e.Name)
			}
			k := flowKey{e.Cat, e.Name, e.ID}
			if e.Ph == "s" {
				starts[k] = append(starts[k], e)
			} else {
				if e.Bp != "e" {
					t.Errorf("flow end %q binds to the next slice, not its own (bp %q)", e.Name, e.Bp)
				}
				ends[k] = append(ends[k], e)
			}
		case "b", "e":
			if e.ID2 == nil || e.ID2.Local == "" || e.Cat == "" {
				t.Fatalf("async %s %q has no cat or id", e.Ph, e.Name)
			}
			k := asyncKey{e.Cat, e.ID2.Local, e.Pid}
			if e.Ph == "b" {
				open[k] = append(open[k], e)
				continue
			}
			st := open[k]
			if len(st) == 0 {
				t.Errorf("async e %q (%v) at %v µs on pid %d ends nothing", e.Name, k, e.Ts, e.Pid)
				continue
			}
			b := st[len(st)-1]
			open[k] = st[:len(st)-1]
			if b.Name != e.Name || e.Ts < b.Ts {
				t.Errorf("async e %q at %v ends b %q at %v", e.Name, e.Ts, b.Name, b.Ts)
			}
		case "C":
			if len(e.Args) == 0 {
				t.Errorf("counter %q has no values", e.Name)
			}
			for k, v := range e.Args {
				if n, ok := v.(float64); !ok || n < 0 {
					t.Errorf("counter %q: %s is %v, want a number ≥ 0", e.Name, k, v)
				}
			}
		case "i":
			if e.Scope != "t" && e.Scope != "g" {
				t.Errorf("instant %q has scope %q", e.Name, e.Scope)
			}
		default:
			t.Errorf("event %d has phase %q", i, e.Ph)
		}
	}
	for k, s := range starts {
		f := ends[k]
		if len(s) != 1 || len(f) != 1 {
			t.Errorf("flow %v: %d starts and %d ends, want one of each", k, len(s), len(f))
			continue
		}
		if f[0].Ts < s[0].Ts {
			t.Errorf("flow %v ends at %v µs, before it starts at %v µs", k, f[0].Ts, s[0].Ts)
		}
	}
	for k, f := range ends {
		if len(starts[k]) == 0 {
			t.Errorf("flow %v ends %d times and never starts", k, len(f))
		}
	}
	for k, st := range open {
		if len(st) > 0 {
			t.Errorf("async %v: %d slices begun and never ended", k, len(st))
		}
	}
	return evs
}

// TestPerfettoSmallTrace converts a trace written by hand and checks the
// exact events of a lock hold, a put→get flow and a queue's counter.
// perfettoOfLines exports a trace given as its JSON lines and checks the
// file's format.
func perfettoOfLines(t *testing.T, lines []string) []TraceEvent {
	t.Helper()
	events, err := trace.Read(strings.NewReader(strings.Join(lines, "\n") + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Perfetto(&buf, events); err != nil {
		t.Fatal(err)
	}
	return checkTraceEventFormat(t, buf.Bytes(), events)
}

func TestPerfettoSmallTrace(t *testing.T) {
	lines := []string{
		// proctour's own event before MainProcess starts, on its pid.
		`{"seq":1,"t_ns":500,"pid":10,"proc":"proctour","kind":"stdout","obj":"","val":"about to run"}`,
		`{"seq":2,"t_ns":1000,"pid":10,"proc":"MainProcess","kind":"proc.start","obj":"demo.py","val":"demo"}`,
		`{"seq":3,"t_ns":2000,"pid":10,"proc":"MainProcess","kind":"queue.new","obj":"q","val":{"maxsize":0,"joinable":false}}`,
		`{"seq":4,"t_ns":3000,"pid":11,"ppid":10,"proc":"Process-1","kind":"proc.start","obj":"","val":"demo.child","daemon":false}`,
		`{"seq":5,"t_ns":4000,"pid":11,"proc":"Process-1","kind":"lock.acquire","obj":"lock","val":true}`,
		`{"seq":6,"t_ns":5000,"pid":10,"proc":"MainProcess","kind":"lock.wait","obj":"lock","val":null}`,
		`{"seq":7,"t_ns":6500,"pid":11,"proc":"Process-1","kind":"queue.put","obj":"q","val":"bun-1"}`,
		`{"seq":8,"t_ns":8000,"pid":11,"proc":"Process-1","kind":"lock.release","obj":"lock","val":null}`,
		`{"seq":9,"t_ns":8500,"pid":10,"proc":"MainProcess","kind":"lock.acquire","obj":"lock","val":true}`,
		`{"seq":10,"t_ns":9000,"pid":11,"proc":"Process-1","kind":"proc.exit","obj":"","val":0}`,
		`{"seq":11,"t_ns":10000,"pid":10,"proc":"MainProcess","kind":"queue.get","obj":"q","val":"bun-1"}`,
		`{"seq":12,"t_ns":11000,"pid":10,"proc":"MainProcess","kind":"lock.release","obj":"lock","val":null}`,
		`{"seq":13,"t_ns":12000,"pid":10,"proc":"MainProcess","kind":"proc.exit","obj":"","val":0}`,
	}
	evs := perfettoOfLines(t, lines)

	pick := func(phases ...string) []string {
		var out []string
		for _, e := range evs {
			if slices.Contains(phases, e.Ph) {
				e.Args = nil
				b, _ := json.Marshal(e)
				out = append(out, string(b))
			}
		}
		return out
	}
	wantAsync := []string{
		`{"ph":"b","ts":4,"pid":11,"tid":11,"name":"holds lock","cat":"lock","id2":{"local":"lock"}}`,
		`{"ph":"b","ts":5,"pid":10,"tid":10,"name":"waits for lock","cat":"lock.wait","id2":{"local":"lock"}}`,
		`{"ph":"e","ts":8,"pid":11,"tid":11,"name":"holds lock","cat":"lock","id2":{"local":"lock"}}`,
		`{"ph":"e","ts":8.5,"pid":10,"tid":10,"name":"waits for lock","cat":"lock.wait","id2":{"local":"lock"}}`,
		`{"ph":"b","ts":8.5,"pid":10,"tid":10,"name":"holds lock","cat":"lock","id2":{"local":"lock"}}`,
		`{"ph":"e","ts":11,"pid":10,"tid":10,"name":"holds lock","cat":"lock","id2":{"local":"lock"}}`,
	}
	wantFlow := []string{
		`{"ph":"s","ts":6.5,"pid":11,"tid":11,"name":"put → get","cat":"queue","id":1}`,
		`{"ph":"f","ts":10,"pid":10,"tid":10,"name":"put → get","cat":"queue","id":1,"bp":"e"}`,
	}
	wantCounter := []string{
		`{"ph":"C","ts":2,"pid":10,"tid":10,"name":"queue q","cat":"counter"}`,
		`{"ph":"C","ts":6.5,"pid":10,"tid":10,"name":"queue q","cat":"counter"}`,
		`{"ph":"C","ts":10,"pid":10,"tid":10,"name":"queue q","cat":"counter"}`,
	}
	for _, c := range []struct {
		what      string
		got, want []string
	}{{"async", pick("b", "e"), wantAsync}, {"flows", pick("s", "f"), wantFlow}, {"counters", pick("C"), wantCounter}} {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s:\ngot  %s\nwant %s", c.what, strings.Join(c.got, "\n     "), strings.Join(c.want, "\n     "))
		}
	}
	for _, e := range evs {
		if e.Ph == "M" && e.Name == "process_name" && e.Pid == 10 && e.Args["name"] != "MainProcess (pid 10)" {
			t.Errorf("pid 10's track is named %q, want MainProcess's", e.Args["name"])
		}
	}
	var items []float64
	for _, e := range evs {
		if e.Ph == "C" {
			items = append(items, e.Args["items"].(float64))
		}
	}
	if !slices.Equal(items, []float64{0, 1, 0}) {
		t.Errorf("queue q's items counter: %v, want 0, 1, 0", items)
	}
	// The put and the get are slices the flow's ends land in.
	for _, want := range []string{`q.put('bun-1')`, `q.get() → 'bun-1'`} {
		found := false
		for _, e := range evs {
			found = found || e.Ph == "X" && e.Name == want
		}
		if !found {
			t.Errorf("no slice %q", want)
		}
	}
}

// Workers on two other machines with the same pid as each other and as a
// process here (a remote queue's class): a track each, named with its
// machine and its pid there.
func TestPerfettoProcessesOfOtherMachines(t *testing.T) {
	lines := []string{
		`{"seq":1,"t_ns":1000,"pid":10,"proc":"MainProcess","kind":"proc.start","obj":"demo.py","val":"demo"}`,
		`{"seq":2,"t_ns":2000,"pid":20,"ppid":10,"proc":"Process-1","kind":"proc.start","obj":"","val":"demo.child","daemon":false}`,
		`{"seq":3,"t_ns":3000,"pid":20,"proc":"worker-1","kind":"proc.start","obj":"","val":"w","host":"pc-anna"}`,
		`{"seq":4,"t_ns":4000,"pid":20,"proc":"worker-1","kind":"proc.start","obj":"","val":"w","host":"pc-ben"}`,
		`{"seq":5,"t_ns":5000,"pid":20,"proc":"worker-1","kind":"stdout","obj":"","val":"job 1","host":"pc-ben"}`,
		`{"seq":6,"t_ns":6000,"pid":20,"proc":"worker-1","kind":"proc.exit","obj":"","val":0,"host":"pc-anna"}`,
		`{"seq":7,"t_ns":7000,"pid":20,"proc":"worker-1","kind":"proc.exit","obj":"","val":0,"host":"pc-ben"}`,
		`{"seq":8,"t_ns":8000,"pid":20,"proc":"Process-1","kind":"proc.exit","obj":"","val":0}`,
		`{"seq":9,"t_ns":9000,"pid":10,"proc":"MainProcess","kind":"proc.exit","obj":"","val":0}`,
	}
	evs := perfettoOfLines(t, lines)
	names := map[int]string{}
	for _, e := range evs {
		if e.Name == "process_name" {
			names[e.Pid] = fmt.Sprint(e.Args["name"])
		}
	}
	got := slices.Sorted(maps.Values(names))
	want := []string{"MainProcess (pid 10)", "Process-1 (pid 20)", "worker-1 (pid 20 on pc-anna)", "worker-1 (pid 20 on pc-ben)"}
	if !slices.Equal(got, want) {
		t.Errorf("process tracks %q, want %q", got, want)
	}
}
