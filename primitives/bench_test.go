package primitives

import (
	"testing"
)

// Benchmarks run with events off, as CPython's figures have no tracing.
// Compare pinned to one CPU: taskset -c 0 go test -run '^$' -bench . ./primitives

var (
	benchNothing = Register("bench.nothing", func(rt *Runtime, _ struct{}) error { return nil })
	benchLocker  = Register("bench.locker", func(rt *Runtime, a struct {
		Lock  *Lock
		Ready *Event
		N     int
	}) error {
		a.Ready.Set()
		for range a.N {
			a.Lock.Acquire()
			a.Lock.Release()
		}
		return nil
	})
	benchPong = Register("bench.pong", func(rt *Runtime, a struct {
		Ping, Pong *Event
		N          int
	}) error {
		for range a.N {
			a.Ping.Wait()
			a.Ping.Clear()
			a.Pong.Set()
		}
		return nil
	})
)

func BenchmarkChildStartJoin(b *testing.B) {
	rt := NewMain(MainOptions{})
	defer rt.Close()
	for b.Loop() {
		p := NewProcess(rt, benchNothing, struct{}{})
		if err := p.Start(); err != nil {
			b.Fatal(err)
		}
		p.Join()
	}
}

func BenchmarkStart100ThenJoin(b *testing.B) {
	rt := NewMain(MainOptions{})
	defer rt.Close()
	ps := make([]*Process, 100)
	for b.Loop() {
		for i := range ps {
			ps[i] = NewProcess(rt, benchNothing, struct{}{})
			if err := ps[i].Start(); err != nil {
				b.Fatal(err)
			}
		}
		for _, p := range ps {
			p.Join()
		}
	}
}

func BenchmarkLockUncontended(b *testing.B) {
	rt := NewMain(MainOptions{})
	defer rt.Close()
	l, err := rt.NewLock("lock")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		l.Acquire()
		l.Release()
	}
}

// BenchmarkLockHandoff has a child and the parent take the lock in turn as
// fast as they can: ns per acquire+release of one side, with the other
// competing.
func BenchmarkLockHandoff(b *testing.B) {
	rt := NewMain(MainOptions{})
	defer rt.Close()
	l, _ := rt.NewLock("lock")
	ready, _ := rt.NewEvent("ready")
	p := NewProcess(rt, benchLocker, struct {
		Lock  *Lock
		Ready *Event
		N     int
	}{l, ready, b.N})
	if err := p.Start(); err != nil {
		b.Fatal(err)
	}
	ready.Wait()
	b.ResetTimer()
	for range b.N {
		l.Acquire()
		l.Release()
	}
	p.Join()
}

func BenchmarkSemaphoreUncontended(b *testing.B) {
	rt := NewMain(MainOptions{})
	defer rt.Close()
	s, _ := rt.NewSemaphore("sem", 3)
	for b.Loop() {
		s.Acquire()
		s.Release()
	}
}

// BenchmarkEventPingPong is one round trip: the parent sets ping and waits
// for pong, which the child sets once it has seen ping.
func BenchmarkEventPingPong(b *testing.B) {
	rt := NewMain(MainOptions{})
	defer rt.Close()
	ping, _ := rt.NewEvent("ping")
	pong, _ := rt.NewEvent("pong")
	p := NewProcess(rt, benchPong, struct {
		Ping, Pong *Event
		N          int
	}{ping, pong, b.N + 1})
	if err := p.Start(); err != nil {
		b.Fatal(err)
	}
	// One warm-up round, so that the child is running before the clock starts.
	ping.Set()
	pong.Wait()
	pong.Clear()
	b.ResetTimer()
	for range b.N {
		ping.Set()
		pong.Wait()
		pong.Clear()
	}
	b.StopTimer()
	p.Join()
}
