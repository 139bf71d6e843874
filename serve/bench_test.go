package serve

import (
	"fmt"
	"maps"
	"os"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
	"github.com/proctour/proctour/tui"
)

// BenchmarkFollowers: an instructor runs the 100-buyer tickets demo with
// n students following over SSH on loopback; each iteration is one run.
// The students' SSH clients and terminals are another process
// (students_test.go), as they are other machines in a classroom; the
// instructor's client is in this one.
//
//	taskset -c 0,1 go test ./serve -run '^$' -bench Followers -benchtime 5x
//
// Over ten sampled followers' screens (drawn by a terminal emulator; the
// others' output is only counted) it reports:
//   - frames/s/follower-p50, -p5: the new frames that reach a screen per
//     second of the run (a new frame: the status bar's "event N of M"
//     shows another M), from its first frame of the run to its last;
//   - delay-ms-p50, -p95: for every event of the run, the time from the
//     event (its moment in its process: the trace's clock from the run's
//     admission, a little before the run's own start, so a little more
//     than the true delay) to the moment the client received the write
//     whose screen first counts it (taken as the SSH client hands the
//     bytes over, before the emulator draws them);
//   - hub-delay-ms-p50, -p95: the same to the moment the hub took a frame
//     with it (the driver's side: the trace's collector and the driver);
//   - driver-delay-ms-p50, -p95: the same to the instructor's own screen
//     (its client), which its own program draws from its run, as a
//     student's does on their own: what the followers' figures compare
//     with;
//   - cpu-ms/follower/run: the process's CPU per run, less a run's with
//     no follower (followers=0, run first), per follower; cpu-ms/run is
//     the whole (the demo's processes are not in it);
//   - idle-cpu-ms/s: the process's CPU per second while every session
//     shows the lesson list and nobody types; idle-cpu-µs/s/follower:
//     what each follower adds to it (the programs' renderers tick 120
//     times a second);
//   - server-heap-KB/session: the heap the students' sessions hold at the
//     lesson list, per session;
//   - class-frames/run: the frames the hub took; hub-frames/follower/run:
//     those handed to each follower's program (one whose screen another
//     draws is handed one every 100 ms).
//
// The machine is shared: its load (uptime) says how far to trust a figure.
func BenchmarkFollowers(b *testing.B) {
	for _, n := range []int{0, 60} {
		b.Run(fmt.Sprintf("followers=%d", n), func(b *testing.B) { benchFollowers(b, n) })
	}
}

// aloneCPU and aloneIdle are the CPU of a run, and of a second with
// nothing to do, with no follower (followers=0), once measured.
var aloneCPU, aloneIdle float64

func benchFollowers(b *testing.B, n int) {
	const sample = 10
	cl := openInstructor(b, Config{}, n)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var studs *students
	if n > 0 {
		studs = startStudents(b, cl.srv.Addr().String(), n, sample)
	}
	cl.waitAttached(b, n)
	time.Sleep(time.Second) // every session drawn its first screen
	runtime.GC()
	runtime.ReadMemStats(&after)
	i0 := cpuTime() // every session at the lesson list, nobody typing
	time.Sleep(2 * time.Second)
	idle := float64((cpuTime() - i0).Microseconds()) / 2e3 // ms/s

	var members []*member // the students' sessions in the hub
	cl.srv.hub.mu.Lock()
	for _, m := range cl.srv.hub.members {
		if !m.instructor {
			members = append(members, m)
		}
	}
	cl.srv.hub.mu.Unlock()
	var start atomic.Int64 // the run's session starts (monotonic ns)
	cl.srv.onRun = func() { start.Store(primitives.Monotonic()) }
	var published atomic.Int64 // frames the driver published
	pub := &watcher{seen: map[int]int64{}}
	own := &watcher{seen: map[int]int64{}, rx: regexp.MustCompile(`event \d+ of (\d+)`)} // the instructor's screen
	cl.instructor.mu.Lock()
	cl.instructor.watch = own.see
	cl.instructor.mu.Unlock()

	cl.srv.hub.mu.Lock()
	cl.srv.hub.onPublish = func(f tui.ClassFrame) { published.Add(1); pub.note(len(f.Timeline)) }
	cl.srv.hub.mu.Unlock()
	cl.openTickets(b)
	cl.instructor.typeKeys(b, "s")
	cl.instructor.waitFor(b, `MainProcess +\d+ +exited`)
	cl.instructor.waitFor(b, `│ ended`)

	var delays, pubDelays, ownDelays []float64
	var fps []float64
	var cpu time.Duration
	var handed int64
	b.ResetTimer()
	if f := os.Getenv("PROCTOUR_BENCH_CPUPROFILE"); f != "" && n > 0 { // the runs alone
		out, err := os.Create(f)
		if err != nil {
			b.Fatal(err)
		}
		pprof.StartCPUProfile(out)
		defer func() { pprof.StopCPUProfile(); out.Close() }()
	}
	published.Store(0)
	for range b.N {
		if studs != nil {
			studs.reset(b)
		}
		pub.reset()
		own.reset()
		for _, m := range members {
			m.frames.Store(0)
		}
		c0 := cpuTime()
		cl.instructor.typeKeys(b, "r")
		cl.instructor.waitFor(b, `Predict before you run`)
		cl.instructor.typeKeys(b, "s")
		cl.instructor.waitFor(b, `│ running`)
		cl.instructor.waitFor(b, `│ ended`)
		end := cl.instructor.waitFor(b, `event (\d+) of (\d+)`)
		total, _ := strconv.Atoi(end[2])
		var seens []map[int]int64
		if studs != nil {
			seens = studs.waitSeen(b, total)
		}
		cpu += cpuTime() - c0
		timeline := cl.srv.hub.latest().Timeline
		if len(timeline) != total {
			b.Fatalf("the hub's timeline has %d events, the instructor's screen %d", len(timeline), total)
		}
		t0 := start.Load()
		pubDelays = append(pubDelays, eventDelays(pub.snapshot(), timeline, t0)...)
		ownDelays = append(ownDelays, eventDelays(own.snapshot(), timeline, t0)...)
		for _, seen := range seens {
			delays = append(delays, eventDelays(seen, timeline, t0)...)
			var first, last int64
			for m, at := range seen {
				if m < 1 || m > len(timeline) {
					continue
				}
				if first == 0 || at < first {
					first = at
				}
				last = max(last, at)
			}
			if last > first {
				fps = append(fps, float64(len(seen)-1)/(float64(last-first)/1e9))
			}
		}
		for _, m := range members {
			handed += m.frames.Load()
		}
	}
	b.StopTimer()
	perRun := float64(cpu.Milliseconds()) / float64(b.N)
	b.ReportMetric(perRun, "cpu-ms/run")
	if n == 0 {
		aloneCPU = perRun
	} else if aloneCPU > 0 { // what the followers add, each
		b.ReportMetric((perRun-aloneCPU)/float64(n), "cpu-ms/follower/run")
	}
	b.ReportMetric(float64(published.Load())/float64(b.N), "class-frames/run")
	b.ReportMetric(idle, "idle-cpu-ms/s")
	if n == 0 {
		aloneIdle = idle
	} else if aloneIdle > 0 {
		b.ReportMetric((idle-aloneIdle)/float64(n)*1e3, "idle-cpu-µs/s/follower")
	}
	slices.Sort(pubDelays)
	b.ReportMetric(pct(pubDelays, 50), "hub-delay-ms-p50")
	b.ReportMetric(pct(pubDelays, 95), "hub-delay-ms-p95")
	slices.Sort(ownDelays)
	b.ReportMetric(pct(ownDelays, 50), "driver-delay-ms-p50")
	b.ReportMetric(pct(ownDelays, 95), "driver-delay-ms-p95")
	if n == 0 {
		return
	}
	slices.Sort(delays)
	slices.Sort(fps)
	b.ReportMetric(pct(fps, 50), "frames/s/follower-p50")
	b.ReportMetric(pct(fps, 5), "frames/s/follower-p5")
	b.ReportMetric(pct(delays, 50), "delay-ms-p50")
	b.ReportMetric(pct(delays, 95), "delay-ms-p95")

	b.ReportMetric(float64(handed)/float64(b.N*n), "hub-frames/follower/run")
	b.ReportMetric((float64(after.HeapInuse)-float64(before.HeapInuse))/float64(n)/1024, "server-heap-KB/session")
}

// eventDelays is, for each event of timeline, the time from the event to
// the first of seen (timeline length → monotonic ns) that shows it: a
// frame showing M events shows every event up to M.
func eventDelays(seen map[int]int64, timeline []trace.Record, t0 int64) []float64 {
	lens := slices.Sorted(maps.Keys(seen))
	var out []float64
	for i := range timeline {
		j, _ := slices.BinarySearch(lens, i+1)
		at := int64(0)
		for _, m := range lens[j:] {
			if at == 0 || seen[m] < at {
				at = seen[m]
			}
		}
		if at != 0 {
			out = append(out, float64(at-(t0+timeline[i].TNs))/1e6)
		}
	}
	return out
}

func pct(sorted []float64, p int) float64 {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)*p/100, len(sorted)-1)]
}

// cpuTime is the process's CPU time, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// watcher notes when a follower's screen first shows each timeline
// length M ("event N of M").
type watcher struct {
	mu   sync.Mutex
	seen map[int]int64 // M → monotonic ns
	last int           // the last M seen
	rx   *regexp.Regexp
}

// see notes what a screen shows after a write that arrived at at: the
// client received the frame then (what its terminal makes of it, the
// emulator's work here, is the client's, not the server's).
func (w *watcher) see(screen string, at int64) {
	m := w.rx.FindStringSubmatch(screen)
	if m == nil {
		return
	}
	n, _ := strconv.Atoi(m[1])
	w.noteAt(n, at)
}

func (w *watcher) note(n int) { w.noteAt(n, primitives.Monotonic()) }

// noteAt notes a timeline of n events seen at now; a shorter timeline
// than the last one seen is a new run's: what was seen before is the
// last run's and is forgotten.
func (w *watcher) noteAt(n int, now int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if n < w.last {
		clear(w.seen)
	}
	w.last = n
	if _, ok := w.seen[n]; !ok {
		w.seen[n] = now
	}
}

func (w *watcher) reset() {
	w.mu.Lock()
	w.seen, w.last = map[int]int64{}, 0
	w.mu.Unlock()
}

func (w *watcher) snapshot() map[int]int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make(map[int]int64, len(w.seen))
	for k, v := range w.seen {
		out[k] = v
	}
	return out
}

// await waits until the screen showed a timeline of m events.
func (w *watcher) await(m int) error {
	deadline := time.Now().Add(120 * time.Second)
	for {
		w.mu.Lock()
		_, ok := w.seen[m]
		w.mu.Unlock()
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("a follower never showed the run's %d events", m)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
