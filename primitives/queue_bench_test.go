package primitives

import (
	"strings"
	"testing"
	"time"
)

// Queue benchmarks, events off. Compare pinned to one CPU with CPython's
// queue and joinablequeue sections:
//
//	taskset -c 0 go test -run '^$' -bench Queue ./primitives
//	python3 /work/shared/bench/py_mp_bench.py --pin same --only queue,joinablequeue

var (
	benchQueueProducer = Register("bench.queue.producer", func(rt *Runtime, a benchQueueArgs) error {
		a.Go.Wait()
		for range a.N {
			if err := a.Q.Put(a.Item); err != nil {
				return err
			}
		}
		rt.joinFeeders() // what Finish does at the end of a process
		return nil
	})
	benchQueueEcho = Register("bench.queue.echo", func(rt *Runtime, a struct {
		In, Out *Queue
		N       int
	}) error {
		var v int
		for range a.N {
			if err := a.In.Get(&v); err != nil {
				return err
			}
			if err := a.Out.Put(v); err != nil {
				return err
			}
		}
		rt.joinFeeders()
		return nil
	})
	benchJoinableConsumer = Register("bench.queue.joinable", func(rt *Runtime, q *JoinableQueue) error {
		for {
			var v *int
			if err := q.Get(&v); err != nil {
				return err
			}
			if err := q.TaskDone(); err != nil {
				return err
			}
			if v == nil {
				return nil
			}
		}
	})
)

type benchQueueArgs struct {
	Q    *Queue
	Go   *Event
	N    int
	Item any
}

// BenchmarkQueueThroughput: a child puts b.N small items (the int 12345, as
// CPython's benchmark), the parent gets them; items/s from the first put
// to the last get.
func BenchmarkQueueThroughput(b *testing.B) {
	var v int
	benchQueueThroughput(b, 12345, &v)
}

// BenchmarkQueueThroughput1KiB is the same with 1 KiB items (a string of
// 1024 characters; CPython's bytes1k pickles b"x"*1024).
func BenchmarkQueueThroughput1KiB(b *testing.B) {
	var v string
	benchQueueThroughput(b, strings.Repeat("x", 1024), &v)
}

func benchQueueThroughput(b *testing.B, item, into any) {
	rt := NewMain(MainOptions{})
	defer rt.Close()
	q, err := rt.NewQueue("q", 0)
	if err != nil {
		b.Fatal(err)
	}
	goEv, _ := rt.NewEvent("go")
	p := NewProcess(rt, benchQueueProducer, benchQueueArgs{q, goEv, b.N, item})
	if err := p.Start(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	begin := time.Now()
	goEv.Set()
	for range b.N {
		if err := q.Get(into); err != nil {
			b.Fatal(err)
		}
	}
	el := time.Since(begin)
	b.StopTimer()
	p.Join()
	b.ReportMetric(float64(b.N)/el.Seconds(), "items/s")
}

// BenchmarkQueueRoundTrip: parent put → child get → child put on a second
// queue → parent get; ns per round trip.
func BenchmarkQueueRoundTrip(b *testing.B) {
	rt := NewMain(MainOptions{})
	defer rt.Close()
	in, _ := rt.NewQueue("in", 0)
	out, _ := rt.NewQueue("out", 0)
	const warm = 100
	p := NewProcess(rt, benchQueueEcho, struct {
		In, Out *Queue
		N       int
	}{in, out, b.N + warm})
	if err := p.Start(); err != nil {
		b.Fatal(err)
	}
	var v int
	for i := range warm {
		in.Put(i)
		out.Get(&v)
	}
	b.ResetTimer()
	for i := range b.N {
		in.Put(i)
		if err := out.Get(&v); err != nil || v != i {
			b.Fatalf("got %d, %v; want %d", v, err, i)
		}
	}
	b.StopTimer()
	p.Join()
}

// BenchmarkJoinableQueue: the parent puts b.N items and joins; a child
// gets and marks each done (CPython's joinablequeue section).
func BenchmarkJoinableQueue(b *testing.B) {
	rt := NewMain(MainOptions{})
	defer rt.Close()
	q, err := rt.NewJoinableQueue("jq", 0)
	if err != nil {
		b.Fatal(err)
	}
	p := NewProcess(rt, benchJoinableConsumer, q)
	if err := p.Start(); err != nil {
		b.Fatal(err)
	}
	q.Put(-1) // warm-up: the consumer is running
	q.Join()
	b.ResetTimer()
	begin := time.Now()
	for i := range b.N {
		q.Put(i)
	}
	q.Put(nil)
	q.Join()
	el := time.Since(begin)
	b.StopTimer()
	p.Join()
	b.ReportMetric(float64(b.N+1)/el.Seconds(), "items/s")
}
