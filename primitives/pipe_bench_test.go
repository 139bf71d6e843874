package primitives

import (
	"bytes"
	"testing"
)

// Pipe benchmarks, the counterparts of py_mp_bench.py's pipe section:
//
//	taskset -c 0 go test -run '^$' -bench Pipe ./primitives
//	python3 /work/shared/bench/py_mp_bench.py --pin same --only pipe

type benchEchoArgs struct {
	In  *Conn
	Out *Conn // nil: answer on In (duplex)
}

type benchProducerArgs struct {
	Conn *Conn
	N    int
	Go   *Event
}

var (
	// benchPipeEcho is Python's send(recv()) loop, until EOF.
	benchPipeEcho = Register("bench.pipe_echo", func(rt *Runtime, a benchEchoArgs) error {
		out := a.Out
		if out == nil {
			out = a.In
		}
		for {
			var n int
			if err := a.In.Recv(&n); err != nil {
				if isEOF(err) {
					return nil
				}
				return err
			}
			if err := out.Send(n); err != nil {
				return err
			}
		}
	})
	// benchPipeProducer says it is ready, waits for Go, then sends N
	// messages of 1 KiB and an empty one to say it is done.
	benchPipeProducer = Register("bench.pipe_producer", func(rt *Runtime, a benchProducerArgs) error {
		if err := a.Conn.SendBytes([]byte("ready")); err != nil {
			return err
		}
		a.Go.Wait()
		payload := bytes.Repeat([]byte("x"), 1024)
		for range a.N {
			if err := a.Conn.SendBytes(payload); err != nil {
				return err
			}
		}
		if err := a.Conn.SendBytes(nil); err != nil {
			return err
		}
		return a.Conn.Close()
	})
)

var pipeKinds = []struct {
	name   string
	duplex bool
}{{"duplex", true}, {"simplex", false}}

// BenchmarkPipeRoundTrip is the parent's send(i) then recv() of the child's
// echo: one small value there and back. duplex uses one socketpair; simplex
// two OS pipes, one each way, as py_mp_bench.py does.
func BenchmarkPipeRoundTrip(b *testing.B) {
	for _, k := range pipeKinds {
		b.Run(k.name, func(b *testing.B) { benchRoundTrip(b, k.duplex) })
	}
}

func benchRoundTrip(b *testing.B, duplex bool) {
	rt := NewMain(MainOptions{})
	defer rt.Close()
	defer rt.closeConns(false)
	var send, recv *Conn
	var child benchEchoArgs
	if duplex {
		a, c, err := rt.NewPipe("a, b", true)
		if err != nil {
			b.Fatal(err)
		}
		send, recv, child = a, a, benchEchoArgs{In: c}
	} else {
		r1, w1, err := rt.NewPipe("r1, w1", false)
		if err != nil {
			b.Fatal(err)
		}
		r2, w2, err := rt.NewPipe("r2, w2", false)
		if err != nil {
			b.Fatal(err)
		}
		send, recv, child = w1, r2, benchEchoArgs{In: r1, Out: w2}
	}
	p := NewProcess(rt, benchPipeEcho, child)
	if err := p.Start(); err != nil {
		b.Fatal(err)
	}
	child.In.Close()
	if child.Out != nil {
		child.Out.Close()
	}
	roundTrip := func(i int) {
		if err := send.Send(i); err != nil {
			b.Fatal(err)
		}
		var n int
		if err := recv.Recv(&n); err != nil || n != i {
			b.Fatalf("sent %d, got back %d, %v", i, n, err)
		}
	}
	for i := range 200 { // the child starts and warms up
		roundTrip(i)
	}
	i := 0
	for b.Loop() {
		roundTrip(i)
		i++
	}
	send.Close()
	p.Join()
}

// BenchmarkPipeThroughput1KiB is one-way send_bytes of 1 KiB messages from
// a child to the parent's recv_bytes, reported in messages per second.
func BenchmarkPipeThroughput1KiB(b *testing.B) {
	for _, k := range pipeKinds {
		b.Run(k.name, func(b *testing.B) { benchThroughput(b, k.duplex) })
	}
}

func benchThroughput(b *testing.B, duplex bool) {
	rt := NewMain(MainOptions{})
	defer rt.Close()
	defer rt.closeConns(false)
	r, w, err := rt.NewPipe("r, w", duplex)
	if err != nil {
		b.Fatal(err)
	}
	start, err := rt.NewEvent("go")
	if err != nil {
		b.Fatal(err)
	}
	p := NewProcess(rt, benchPipeProducer, benchProducerArgs{Conn: w, N: b.N, Go: start})
	if err := p.Start(); err != nil {
		b.Fatal(err)
	}
	w.Close()
	if m, err := r.RecvBytes(0); err != nil || string(m) != "ready" {
		b.Fatalf("the producer said %q, %v", m, err)
	}
	b.SetBytes(1024)
	b.ResetTimer()
	start.Set()
	n := 0
	for {
		m, err := r.RecvBytes(0)
		if err != nil {
			b.Fatal(err)
		}
		if len(m) == 0 {
			break
		}
		n++
	}
	b.StopTimer()
	if n != b.N {
		b.Fatalf("received %d messages, want %d", n, b.N)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "msgs/s")
	p.Join()
}
