package pytrace

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/proctour/proctour/trace"
)

// benchSrc times a Lock acquire+release and a Queue put→get round trip in
// one process; the same program runs untraced and traced.
const benchSrc = `import sys, time
from multiprocessing import Lock, Queue

N = 2000

if __name__ == '__main__':
    lock = Lock()
    q = Queue()
    q.put(0); q.get()  # start the feeder thread
    c0, t0 = time.process_time_ns(), time.perf_counter_ns()
    for _ in range(N):
        lock.acquire()
        lock.release()
    c1, t1 = time.process_time_ns(), time.perf_counter_ns()
    for i in range(N):
        q.put(i)
        q.get()
    c2, t2 = time.process_time_ns(), time.perf_counter_ns()
    print('RESULT %d %d %d %d' % ((t1 - t0) // N, (t2 - t1) // N, (c1 - c0) // N, (c2 - c1) // N))
`

// benchResult is one run's figures, ns per operation: wall clock, and the
// CPU time of the Python process (all its threads), which a loaded machine
// disturbs less.
type benchResult struct{ lock, queue, lockCPU, queueCPU float64 }

func (a *benchResult) add(b benchResult) {
	a.lock, a.queue, a.lockCPU, a.queueCPU = a.lock+b.lock, a.queue+b.queue, a.lockCPU+b.lockCPU, a.queueCPU+b.queueCPU
}

func parseResult(s string) (r benchResult, ok bool) {
	i := strings.Index(s, "RESULT ")
	if i < 0 {
		return r, false
	}
	_, err := fmt.Sscanf(s[i:], "RESULT %g %g %g %g", &r.lock, &r.queue, &r.lockCPU, &r.queueCPU)
	return r, err == nil
}

// BenchmarkTracerOverhead reports, from one run of each, the cost of a
// Lock acquire+release and of a Queue put→get round trip in CPython,
// untraced and traced (ns per operation), and the ratios.
func BenchmarkTracerOverhead(b *testing.B) {
	needPython(b)
	python, _ := FindPython("")
	dir := b.TempDir()
	prog := filepath.Join(dir, "bench.py")
	os.WriteFile(prog, []byte(benchSrc), 0o600)
	var u, tr benchResult
	for i := 0; i < b.N; i++ {
		out, err := exec.Command(python, prog).Output()
		if err != nil {
			b.Fatal(err)
		}
		r, ok := parseResult(string(out))
		if !ok {
			b.Fatalf("untraced output %q", out)
		}
		u.add(r)
		tl, err := Trace(context.Background(), Options{Program: prog, Dir: dir, Timeout: 5 * time.Minute})
		if err != nil {
			b.Fatal(err)
		}
		found := false
		for _, r := range tl {
			if r.Kind == trace.KindStdout {
				if r, ok := parseResult(str(r.Val)); ok {
					tr.add(r)
					found = true
				}
			}
		}
		if !found {
			b.Fatal("no RESULT line in the traced run")
		}
	}
	n := float64(b.N)
	b.ReportMetric(u.lock/n, "ns/lock-untraced")
	b.ReportMetric(tr.lock/n, "ns/lock-traced")
	b.ReportMetric(u.queue/n, "ns/queue-untraced")
	b.ReportMetric(tr.queue/n, "ns/queue-traced")
	b.ReportMetric(tr.lock/u.lock, "x-lock")
	b.ReportMetric(tr.queue/u.queue, "x-queue")
	b.ReportMetric(tr.queueCPU/u.queueCPU, "x-queue-cpu")
	b.ReportMetric(tr.lockCPU/u.lockCPU, "x-lock-cpu")
}
