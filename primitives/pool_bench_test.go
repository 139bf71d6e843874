package primitives

import (
	"testing"
)

// Pool and manager benchmarks, events off, against CPython's pool and
// manager sections: taskset -c 0 go test -run '^$' -bench 'Pool|Manager' ./primitives
// and python3 ../shared/bench/py_mp_bench.py --pin same --only manager,pool

var benchSquare = RegisterTask("bench.square", func(rt *Runtime, x int) (int, error) { return x * x, nil })

func BenchmarkManagerDictDecrement(b *testing.B) {
	rt := NewMain(MainOptions{})
	defer rt.Finish()
	m, err := rt.NewManager()
	if err != nil {
		b.Fatal(err)
	}
	d, err := m.Dict("d", map[string]int{"count": 0})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() { // d['count'] -= 1: a get and a set, two round trips
		var n int
		d.Get("count", &n)
		d.Set("count", n-1)
	}
}

func BenchmarkManagerDictDecrementLocked(b *testing.B) {
	rt := NewMain(MainOptions{})
	defer rt.Finish()
	m, err := rt.NewManager()
	if err != nil {
		b.Fatal(err)
	}
	d, _ := m.Dict("d", map[string]int{"count": 0})
	lock, _ := m.Lock("lock")
	for b.Loop() {
		lock.Acquire()
		var n int
		d.Get("count", &n)
		d.Set("count", n-1)
		lock.Release()
	}
}

func benchPool(b *testing.B) (*Runtime, *Pool) {
	rt := NewMain(MainOptions{})
	p, err := rt.NewPool("pool", PoolOptions{Processes: 2})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := Apply(p, benchSquare, 1); err != nil { // warm up
		b.Fatal(err)
	}
	b.Cleanup(func() { p.Terminate(); rt.Finish() })
	return rt, p
}

// 1,000 apply_async with a callback, then every result: per task.
func BenchmarkPoolApplyAsyncCallback1000(b *testing.B) {
	_, p := benchPool(b)
	got := 0
	cb := Callbacks[int]{Callback: func(rt *Runtime, v int) { got++ }}
	rs := make([]*AsyncResult[int], 1000)
	for b.Loop() {
		for i := range rs {
			rs[i], _ = ApplyAsync(p, benchSquare, i, cb)
		}
		for _, r := range rs {
			r.Get()
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000/1000, "µs/task")
}

// Pool(2).map of 10,000 trivial tasks with Python's default chunksize.
func BenchmarkPoolMap10000(b *testing.B) {
	_, p := benchPool(b)
	items := make([]int, 10000)
	for i := range items {
		items[i] = i
	}
	for b.Loop() {
		if _, err := Map(p, benchSquare, items, 0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/map")
}

// Pool(2) created until its first result (apply), as CPython's
// create_to_first_result_ms; closing it is not timed.
func BenchmarkPoolCreateToFirstResult(b *testing.B) {
	rt := NewMain(MainOptions{})
	defer rt.Finish()
	for b.Loop() {
		p, err := rt.NewPool("pool", PoolOptions{Processes: 2})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Apply(p, benchSquare, 1); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		p.Close()
		p.Join()
		b.StartTimer()
	}
}
