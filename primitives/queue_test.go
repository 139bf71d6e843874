package primitives

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/proctour/proctour/trace"
)

// qItem is a test item: which producer put it, and its place in that
// producer's sequence.
type qItem struct {
	P int `json:"p"`
	S int `json:"s"`
}

// Targets used by the queue tests. Each ends with rt.joinFeeders(), which
// is what Runtime.Finish does at the end of a process's main code once it
// is wired there; calling it twice is harmless.
var (
	qProducer = Register("test.queue.producer", func(rt *Runtime, a struct {
		Q  *Queue
		J  *JoinableQueue
		ID int
		N  int
	}) error {
		put := func(v any) error { return a.Q.Put(v) }
		if a.J != nil {
			put = a.J.Put
		}
		for s := range a.N {
			if err := put(qItem{a.ID, s}); err != nil {
				return err
			}
		}
		rt.joinFeeders()
		return nil
	})
	// qConsumer gets items until None and writes what it got to Path.
	qConsumer = Register("test.queue.consumer", func(rt *Runtime, a struct {
		Q    *Queue
		J    *JoinableQueue
		Path string
	}) error {
		var got []qItem
		for {
			var it *qItem
			var err error
			if a.J != nil {
				if err = a.J.Get(&it); err == nil {
					err = a.J.TaskDone()
				}
			} else {
				err = a.Q.Get(&it)
			}
			if err != nil {
				return err
			}
			if it == nil {
				break
			}
			got = append(got, *it)
		}
		b, err := json.Marshal(got)
		if err != nil {
			return err
		}
		return os.WriteFile(a.Path, b, 0o644)
	})
	qSlowGetter = Register("test.queue.slowget", func(rt *Runtime, a struct {
		Q, Out *Queue
		Delay  time.Duration
	}) error {
		time.Sleep(a.Delay)
		var v string
		if err := a.Q.Get(&v); err != nil {
			return err
		}
		err := a.Out.Put(v)
		rt.joinFeeders()
		return err
	})
	// qFlood puts N items of about 100 bytes, far more than a pipe holds,
	// then sets Done: the puts must not have waited for a getter.
	qFlood = Register("test.queue.flood", func(rt *Runtime, a struct {
		Q      *Queue
		N      int
		Done   *Event
		Cancel bool
	}) error {
		pad := strings.Repeat("x", 100)
		for i := range a.N {
			if err := a.Q.Put(qFloodItem{i, pad}); err != nil {
				return err
			}
		}
		if a.Cancel {
			a.Q.CancelJoinThread()
		}
		a.Done.Set()
		rt.joinFeeders()
		return nil
	})
	// qWorker gets items, appends each to Path, and marks it done; None
	// ends it.
	qWorker = Register("test.queue.worker", func(rt *Runtime, a struct {
		Q    *JoinableQueue
		Path string
	}) error {
		f, err := os.OpenFile(a.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		for {
			var v *int
			if err := a.Q.Get(&v); err != nil {
				return err
			}
			if v != nil {
				if *v%10 == 0 {
					time.Sleep(time.Millisecond) // some items take a while
				}
				if _, err := f.WriteString(strconv.Itoa(*v) + "\n"); err != nil {
					return err
				}
			}
			if err := a.Q.TaskDone(); err != nil {
				return err
			}
			if v == nil {
				return nil
			}
		}
	})
	// qEcho gets items and puts back the length of their text.
	qEcho = Register("test.queue.echo", func(rt *Runtime, a struct {
		In, Out *Queue
		N       int
	}) error {
		for range a.N {
			var s string
			if err := a.In.Get(&s); err != nil {
				return err
			}
			if err := a.Out.Put(len(s)); err != nil {
				return err
			}
		}
		rt.joinFeeders()
		return nil
	})
	// qRelay passes its queue on to a grandchild that puts to it.
	qRelay = Register("test.queue.relay", func(rt *Runtime, q *Queue) error {
		p := NewProcess(rt, qProducer, struct {
			Q  *Queue
			J  *JoinableQueue
			ID int
			N  int
		}{q, nil, 7, 3})
		if err := p.Start(); err != nil {
			return err
		}
		return p.Join()
	})
)

type qFloodItem struct {
	I   int    `json:"i"`
	Pad string `json:"pad"`
}

// queueErrType is the Python exception name of err, "" if it is none.
func queueErrType(err error) string {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Type
	}
	return ""
}

// joinQueueProc joins p, failing the test if it is still running after d.
func joinQueueProc(t *testing.T, p *Process, d time.Duration) {
	t.Helper()
	select {
	case <-p.Done():
	case <-time.After(d):
		t.Fatalf("%s still running after %v", p.Name, d)
	}
	if c, _ := p.ExitCode(); c != 0 {
		t.Fatalf("%s exited with %d", p.Name, c)
	}
}

func TestQueueManyProducersManyConsumers(t *testing.T) {
	const producers, consumers, n = 4, 4, 10000
	rt := quietMain(t)
	q, err := rt.NewQueue("q", 0)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var cs, ps []*Process
	for i := range consumers {
		cs = append(cs, start(t, NewProcess(rt, qConsumer, struct {
			Q    *Queue
			J    *JoinableQueue
			Path string
		}{q, nil, filepath.Join(dir, strconv.Itoa(i))})))
	}
	for i := range producers {
		ps = append(ps, start(t, NewProcess(rt, qProducer, struct {
			Q  *Queue
			J  *JoinableQueue
			ID int
			N  int
		}{q, nil, i, n})))
	}
	for _, p := range ps {
		joinQueueProc(t, p, 30*time.Second)
	}
	for range consumers {
		q.Put(nil) // one None per consumer, after every item
	}
	for _, c := range cs {
		joinQueueProc(t, c, 30*time.Second)
	}
	seen := make([][]bool, producers)
	for i := range seen {
		seen[i] = make([]bool, n)
	}
	total := 0
	for i := range consumers {
		b, err := os.ReadFile(filepath.Join(dir, strconv.Itoa(i)))
		if err != nil {
			t.Fatal(err)
		}
		var got []qItem
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		last := []int{-1, -1, -1, -1}
		for _, it := range got {
			if it.P < 0 || it.P >= producers || it.S < 0 || it.S >= n {
				t.Fatalf("consumer %d got a foreign item %+v", i, it)
			}
			if seen[it.P][it.S] {
				t.Fatalf("item %+v delivered twice", it)
			}
			seen[it.P][it.S] = true
			if it.S <= last[it.P] {
				t.Fatalf("consumer %d got producer %d's item %d after its item %d", i, it.P, it.S, last[it.P])
			}
			last[it.P] = it.S
			total++
		}
	}
	if total != producers*n {
		t.Errorf("%d items delivered, want %d", total, producers*n)
	}
	if q.Qsize() != 0 || !q.Empty() {
		t.Errorf("qsize %d, empty %v after everything was got", q.Qsize(), q.Empty())
	}
}

func TestQueueFullEmptyNowaitAndTimeouts(t *testing.T) {
	rt := quietMain(t)
	q, err := rt.NewQueue("q", 3)
	if err != nil {
		t.Fatal(err)
	}
	if q.Full() || q.Qsize() != 0 {
		t.Fatalf("new Queue(3): full %v, qsize %d", q.Full(), q.Qsize())
	}
	for i := range 3 {
		if err := q.PutNowait(i); err != nil {
			t.Fatal(err)
		}
	}
	if !q.Full() || q.Qsize() != 3 {
		t.Errorf("after 3 puts: full %v, qsize %d", q.Full(), q.Qsize())
	}
	if err := q.PutNowait(3); queueErrType(err) != "queue.Full" {
		t.Errorf("put_nowait on a full queue: %v, want queue.Full", err)
	}
	begin := time.Now()
	if err := q.PutTimeout(3, 0.25); queueErrType(err) != "queue.Full" { // 50 ms at speed 1
		t.Errorf("put(timeout) on a full queue: %v, want queue.Full", err)
	}
	if el := time.Since(begin); el < 40*time.Millisecond {
		t.Errorf("put(timeout=0.25) gave up after %v", el)
	}
	for i := range 3 {
		var v int
		if err := q.GetTimeout(&v, 5); err != nil || v != i {
			t.Fatalf("get: %d, %v; want %d", v, err, i)
		}
	}
	if !q.Empty() || q.Full() || q.Qsize() != 0 {
		t.Errorf("after 3 gets: empty %v, full %v, qsize %d", q.Empty(), q.Full(), q.Qsize())
	}
	if err := q.GetNowait(nil); queueErrType(err) != "queue.Empty" {
		t.Errorf("get_nowait on an empty queue: %v, want queue.Empty", err)
	}
	begin = time.Now()
	if err := q.GetTimeout(nil, 0.25); queueErrType(err) != "queue.Empty" {
		t.Errorf("get(timeout) on an empty queue: %v, want queue.Empty", err)
	}
	if el := time.Since(begin); el < 40*time.Millisecond {
		t.Errorf("get(timeout=0.25) gave up after %v", el)
	}
	var s string
	if err := q.Put("next"); err != nil || q.Get(&s) != nil || s != "next" {
		t.Errorf("the queue does not work after timeouts: %q, %v", s, err)
	}
	q.Close()
	if err := q.Put(1); queueErrType(err) != "ValueError" {
		t.Errorf("put after close: %v, want ValueError", err)
	}
	if err := q.GetNowait(nil); queueErrType(err) != "ValueError" {
		t.Errorf("get after close: %v, want ValueError", err)
	}
}

func TestQueueBoundedPutWaitsForAGetInAnotherProcess(t *testing.T) {
	rt := quietMain(t)
	q, _ := rt.NewQueue("q", 1)
	out, _ := rt.NewQueue("out", 0)
	if err := q.Put("first"); err != nil {
		t.Fatal(err)
	}
	const delay = 150 * time.Millisecond
	p := start(t, NewProcess(rt, qSlowGetter, struct {
		Q, Out *Queue
		Delay  time.Duration
	}{q, out, delay}))
	begin := time.Now()
	if err := q.Put("second"); err != nil { // waits for the child's get
		t.Fatal(err)
	}
	if el := time.Since(begin); el < delay*2/3 {
		t.Errorf("put on a full queue returned after %v, before the child's get (%v)", el, delay)
	}
	var s string
	if err := out.GetTimeout(&s, 25); err != nil || s != "first" {
		t.Errorf("the child got %q, %v; want \"first\"", s, err)
	}
	if err := q.GetTimeout(&s, 25); err != nil || s != "second" {
		t.Errorf("then the queue held %q, %v; want \"second\"", s, err)
	}
	joinQueueProc(t, p, 10*time.Second)
}

// A put never waits for a getter: the child's 10,000 puts (about 1 MB,
// sixteen times what the pipe holds) return with nobody reading. At the end
// of its main code it waits until its feeder has written everything, so it
// exits only once the parent has got enough — unless it cancelled that.
func TestQueuePutNeverBlocksAndTheExitWaitsForTheFeeder(t *testing.T) {
	const n = 10000
	rt := quietMain(t)
	type args = struct {
		Q      *Queue
		N      int
		Done   *Event
		Cancel bool
	}
	q, _ := rt.NewQueue("q", 0)
	done, _ := rt.NewEvent("done")
	p := start(t, NewProcess(rt, qFlood, args{q, n, done, false}))
	if !done.WaitTimeout(50) {
		t.Fatal("10,000 puts with nobody getting did not return: put blocked")
	}
	time.Sleep(100 * time.Millisecond)
	if !p.IsAlive() {
		t.Fatal("the child exited with items still in its feeder")
	}
	for i := range n {
		var it qFloodItem
		if err := q.GetTimeout(&it, 25); err != nil || it.I != i {
			t.Fatalf("get %d: %+v, %v", i, it.I, err)
		}
	}
	joinQueueProc(t, p, 10*time.Second)

	q2, _ := rt.NewQueue("q2", 0)
	done2, _ := rt.NewEvent("done2")
	p2 := start(t, NewProcess(rt, qFlood, args{q2, n, done2, true}))
	if !done2.WaitTimeout(50) {
		t.Fatal("puts blocked")
	}
	joinQueueProc(t, p2, 10*time.Second) // cancel_join_thread: it does not wait
	got := 0
	for ; ; got++ {
		var it qFloodItem
		err := q2.GetNowait(&it)
		if queueErrType(err) == "queue.Empty" {
			break
		}
		if err != nil || it.I != got {
			t.Fatalf("get %d: %+v, %v", got, it.I, err)
		}
	}
	if got == 0 || got >= n {
		t.Errorf("after cancel_join_thread %d of %d items reached the pipe; want some, not all", got, n)
	}
}

func TestQueueJoinThreadWaitsForTheFlush(t *testing.T) {
	const n = 10000
	rt := quietMain(t)
	q, _ := rt.NewQueue("q", 0)
	out, _ := rt.NewQueue("out", 0)
	long := strings.Repeat("y", 100)
	begin := time.Now()
	for range n {
		q.Put(long)
	}
	if el := time.Since(begin); el > 5*time.Second {
		t.Fatalf("10,000 puts with nobody getting took %v", el)
	}
	flushed := make(chan struct{})
	go func() { q.JoinThread(); close(flushed) }()
	select {
	case <-flushed:
		t.Fatal("join_thread returned while the pipe could not hold the items")
	case <-time.After(100 * time.Millisecond):
	}
	p := start(t, NewProcess(rt, qEcho, struct {
		In, Out *Queue
		N       int
	}{q, out, n}))
	select {
	case <-flushed:
	case <-time.After(20 * time.Second):
		t.Fatal("join_thread still waiting after a child got everything")
	}
	for range n {
		var l int
		if err := out.GetTimeout(&l, 25); err != nil || l != len(long) {
			t.Fatalf("echo: %d, %v", l, err)
		}
	}
	joinQueueProc(t, p, 10*time.Second)
	rt.joinFeeders() // nothing left: returns at once
}

func TestQueueLargeItems(t *testing.T) {
	rt := quietMain(t)
	in, _ := rt.NewQueue("in", 0)
	out, _ := rt.NewQueue("out", 0)
	// Around PIPE_BUF, the read-ahead buffer and the pipe's capacity.
	sizes := []int{1, 4000, 5000, 70000, 300000, 1 << 20, 10}
	p := start(t, NewProcess(rt, qEcho, struct {
		In, Out *Queue
		N       int
	}{in, out, len(sizes)}))
	for _, n := range sizes {
		if err := in.Put(strings.Repeat("z", n)); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range sizes {
		var l int
		if err := out.GetTimeout(&l, 50); err != nil || l != n {
			t.Fatalf("the child got %d bytes, %v; want %d", l, err, n)
		}
	}
	joinQueueProc(t, p, 10*time.Second)
}

func TestQueuePassedOnToAGrandchild(t *testing.T) {
	rt := quietMain(t)
	q, _ := rt.NewQueue("q", 0)
	p := start(t, NewProcess(rt, qRelay, q))
	for s := range 3 {
		var it qItem
		if err := q.GetTimeout(&it, 25); err != nil || it != (qItem{7, s}) {
			t.Fatalf("got %+v, %v; want {7 %d}", it, err, s)
		}
	}
	joinQueueProc(t, p, 10*time.Second)
}

func TestJoinableQueueAcrossProcesses(t *testing.T) {
	const n, workers = 100, 2
	rt := quietMain(t)
	q, err := rt.NewJoinableQueue("jq", 0)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var ws []*Process
	for i := range workers {
		w := NewProcess(rt, qWorker, struct {
			Q    *JoinableQueue
			Path string
		}{q, filepath.Join(dir, strconv.Itoa(i))})
		w.Daemon = true
		ws = append(ws, start(t, w))
	}
	for i := range n {
		if err := q.Put(i); err != nil {
			t.Fatal(err)
		}
	}
	q.Join()
	lines := 0
	for i := range workers {
		b, _ := os.ReadFile(filepath.Join(dir, strconv.Itoa(i)))
		lines += strings.Count(string(b), "\n")
	}
	if lines != n {
		t.Errorf("join returned after %d of %d items were processed", lines, n)
	}
	err = q.TaskDone()
	if queueErrType(err) != "ValueError" || err.(*Error).Msg != "task_done() called too many times" {
		t.Errorf("task_done with nothing unfinished: %v", err)
	}
	for range workers {
		q.Put(nil)
	}
	q.Join()
	for _, w := range ws {
		joinQueueProc(t, w, 10*time.Second)
	}
}

func TestQueueWaitsStopWithTheSession(t *testing.T) {
	for _, tc := range []struct {
		name string
		wait func(q *Queue)
	}{
		{"get on an empty queue", func(q *Queue) { q.Get(nil) }},
		{"put on a full queue", func(q *Queue) { q.Put(1); q.Put(2) }},
	} {
		stop := make(chan struct{})
		rt := NewMain(MainOptions{Stop: stop})
		q, err := rt.NewQueue("q", 1)
		if err != nil {
			t.Fatal(err)
		}
		time.AfterFunc(50*time.Millisecond, func() { close(stop) })
		func() {
			defer func() {
				if r := recover(); r != ErrStopped {
					t.Errorf("%s: recovered %v, want ErrStopped", tc.name, r)
				}
			}()
			tc.wait(q)
			t.Errorf("%s returned", tc.name)
		}()
		rt.Close()
	}
}

func TestQueueEvents(t *testing.T) {
	const n = 100
	rt, events := tracedMain(t)
	q, err := rt.NewJoinableQueue("jq", 3)
	if err != nil {
		t.Fatal(err)
	}
	type prodArgs = struct {
		Q  *Queue
		J  *JoinableQueue
		ID int
		N  int
	}
	ps := []*Process{
		start(t, NewProcess(rt, qProducer, prodArgs{nil, q, 0, n})),
		start(t, NewProcess(rt, qProducer, prodArgs{nil, q, 1, n})),
	}
	for range n / 2 { // the parent gets some, then a child the rest
		var it qItem
		if err := q.GetTimeout(&it, 25); err != nil {
			t.Fatal(err)
		}
		q.TaskDone()
	}
	c := start(t, NewProcess(rt, qConsumer, struct {
		Q    *Queue
		J    *JoinableQueue
		Path string
	}{nil, q, filepath.Join(t.TempDir(), "got")}))
	for _, p := range ps {
		joinQueueProc(t, p, 20*time.Second)
	}
	q.Put(nil)
	q.Join()
	joinQueueProc(t, c, 20*time.Second)
	all := events()

	byN := map[uint64]Wire{}
	var maxN uint64
	for _, w := range all {
		byN[w.N] = w
		maxN = max(maxN, w.N)
	}
	puts := map[string]int{} // item → puts not yet got
	unfinished, gets, blocks, joins := 0, 0, 0, 0
	for i := uint64(1); i <= maxN; i++ {
		w, ok := byN[i]
		if !ok || w.Obj != "jq" {
			continue
		}
		val := string(w.Val)
		switch w.Kind {
		case trace.KindQueuePut:
			if w.Err == "" {
				puts[val]++
				unfinished++
			}
		case trace.KindQueueGet:
			if w.Err != "" {
				continue
			}
			if puts[val] == 0 {
				t.Fatalf("event %d: %s got %s, which no earlier queue.put holds", i, w.Proc, val)
			}
			puts[val]--
			gets++
		case trace.KindQueueTaskDone:
			unfinished--
			if val != strconv.Itoa(unfinished) {
				t.Fatalf("event %d: task_done reports %s unfinished, the events say %d", i, val, unfinished)
			}
		case trace.KindQueueBlock:
			var b trace.QueueBlock
			if json.Unmarshal(w.Val, &b) != nil || (b.Op != "put" && b.Op != "get") {
				t.Errorf("event %d: queue.block %s", i, val)
			}
			blocks++
		case trace.KindQueueJoin:
			joins++
		}
	}
	if gets != 2*n+1 || unfinished != 0 || joins != 1 {
		t.Errorf("%d gets (want %d), %d unfinished at the end, %d joins", gets, 2*n+1, unfinished, joins)
	}
	if blocks == 0 {
		t.Error("no queue.block in a run where a Queue(3) had two producers")
	}
}

// The codec's shortcuts give exactly what encoding/json gives.
func TestQueueCodecMatchesJSON(t *testing.T) {
	values := []any{0, -1, 7, 12345, -9223372036854775808, 9223372036854775807, 1 << 60,
		"", "bun-3", "a b~", `say "hi"`, `back\slash`, "<&>", "tab\there", "é", "\u2028", "\xff",
		strings.Repeat("x", 1024), nil, 1.5, []int{1}}
	for _, v := range values {
		want, werr := json.Marshal(v)
		got, gerr := queueEncode(v)
		if string(got) != string(want) || (gerr == nil) != (werr == nil) {
			t.Errorf("encode %#v: %s, %v; json: %s, %v", v, got, gerr, want, werr)
		}
		for _, mk := range []func() any{
			func() any { return new(int) }, func() any { return new(string) }, func() any { return new(any) },
		} {
			a, b := mk(), mk()
			gerr, werr := queueDecode(want, a), json.Unmarshal(want, b)
			ga, _ := json.Marshal(a)
			gb, _ := json.Marshal(b)
			if string(ga) != string(gb) || (gerr == nil) != (werr == nil) {
				t.Errorf("decode %s into %T: %s, %v; json: %s, %v", want, a, ga, gerr, gb, werr)
			}
		}
	}
	for _, lit := range []string{"-0", "012", "1e3", "12345678901234567890", `"a\u0041"`, `"\/"`} {
		for _, a := range []any{new(int), new(string), new(any)} {
			b := reflectNew(a)
			gerr, werr := queueDecode([]byte(lit), a), json.Unmarshal([]byte(lit), b)
			ga, _ := json.Marshal(a)
			gb, _ := json.Marshal(b)
			if string(ga) != string(gb) || (gerr == nil) != (werr == nil) {
				t.Errorf("decode %s into %T: %s, %v; json: %s, %v", lit, a, ga, gerr, gb, werr)
			}
		}
	}
}

func reflectNew(a any) any {
	switch a.(type) {
	case *int:
		return new(int)
	case *string:
		return new(string)
	}
	return new(any)
}

// After a large item, written by the feeder as the buffer's last frame, the
// next item starts a fresh buffer (a regression: the buffer's read offset
// was left past its end, and the feeder panicked).
func TestQueueSmallItemAfterALargeOne(t *testing.T) {
	rt := quietMain(t)
	in, _ := rt.NewQueue("in", 0)
	out, _ := rt.NewQueue("out", 0)
	sizes := []int{2 << 20, 10, 3 << 20, 20}
	p := start(t, NewProcess(rt, qEcho, struct {
		In, Out *Queue
		N       int
	}{in, out, len(sizes)}))
	for _, n := range sizes {
		if err := in.Put(strings.Repeat("z", n)); err != nil {
			t.Fatal(err)
		}
		var l int
		if err := out.GetTimeout(&l, 50); err != nil || l != n {
			t.Fatalf("the child got %d bytes, %v; want %d", l, err, n)
		}
		in.JoinThread() // the feeder has written everything and ended
	}
	joinQueueProc(t, p, 10*time.Second)
}
