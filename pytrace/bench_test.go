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
    t0 = time.perf_counter_ns()
    for _ in range(N):
        lock.acquire()
        lock.release()
    t1 = time.perf_counter_ns()
    for i in range(N):
        q.put(i)
        q.get()
    t2 = time.perf_counter_ns()
    print('RESULT %d %d' % ((t1 - t0) // N, (t2 - t1) // N))
`

func parseResult(s string) (lock, queue float64, ok bool) {
	i := strings.Index(s, "RESULT ")
	if i < 0 {
		return 0, 0, false
	}
	_, err := fmt.Sscanf(s[i:], "RESULT %g %g", &lock, &queue)
	return lock, queue, err == nil
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
	var lu, qu, lt, qt float64
	for i := 0; i < b.N; i++ {
		out, err := exec.Command(python, prog).Output()
		if err != nil {
			b.Fatal(err)
		}
		l, q, ok := parseResult(string(out))
		if !ok {
			b.Fatalf("untraced output %q", out)
		}
		lu, qu = lu+l, qu+q
		tl, err := Trace(context.Background(), Options{Program: prog, Dir: dir, Timeout: 5 * time.Minute})
		if err != nil {
			b.Fatal(err)
		}
		found := false
		for _, r := range tl {
			if r.Kind == trace.KindStdout {
				if l, q, ok := parseResult(str(r.Val)); ok {
					lt, qt, found = lt+l, qt+q, true
				}
			}
		}
		if !found {
			b.Fatal("no RESULT line in the traced run")
		}
	}
	n := float64(b.N)
	b.ReportMetric(lu/n, "ns/lock-untraced")
	b.ReportMetric(lt/n, "ns/lock-traced")
	b.ReportMetric(qu/n, "ns/queue-untraced")
	b.ReportMetric(qt/n, "ns/queue-traced")
	b.ReportMetric(lt/lu, "x-lock")
	b.ReportMetric(qt/qu, "x-queue")
}
