package sim

import (
	"slices"
	"strings"
	"testing"

	"github.com/proctour/proctour/trace"
)

// pipeWorld is the pipe-eof lesson at the moment the reader waits: main made
// the pipe and passed the read end to reader and the write end to writer;
// writer sent two messages, reader received one and waits for the next.
func pipeWorld(t *testing.T, more ...trace.Record) *State {
	t.Helper()
	const main, reader, writer = 1, 2, 3
	events := []trace.Record{
		ev(main, "MainProcess", trace.KindProcStart, "", "x"),
		ev(main, "MainProcess", trace.KindPipeNew, "reader_conn, writer_conn", trace.PipeNew{Ends: []string{"reader_conn", "writer_conn"}}),
		ev(reader, "reader", trace.KindProcStart, "", "t"),
		ev(reader, "reader", trace.KindPipeInherit, "reader_conn", map[string]string{"pipe": "reader_conn, writer_conn"}),
		ev(writer, "writer", trace.KindProcStart, "", "t"),
		ev(writer, "writer", trace.KindPipeInherit, "writer_conn", map[string]string{"pipe": "reader_conn, writer_conn"}),
		ev(writer, "writer", trace.KindPipeSend, "writer_conn", "hello"),
		ev(writer, "writer", trace.KindPipeSend, "writer_conn", 42),
		ev(reader, "reader", trace.KindPipeRecv, "reader_conn", "hello"),
		ev(main, "MainProcess", trace.KindPipeClose, "reader_conn", nil),
	}
	return foldOf(t, append(events, more...)...)
}

func TestPipeFoldHoldersAndMessages(t *testing.T) {
	st := pipeWorld(t)
	if len(st.Violations) > 0 {
		t.Fatal(st.Violations)
	}
	pp, i := st.FindEnd("writer_conn")
	if pp == nil || i != 1 || pp.Duplex {
		t.Fatalf("writer_conn: pipe %v, end %d", pp, i)
	}
	r, w := pp.Ends[0], pp.Ends[1]
	if !slices.Equal(r.Holders, []int{2}) || !slices.Equal(w.Holders, []int{1, 3}) {
		t.Errorf("holders: reader_conn %v, writer_conn %v; want [2] and [1 3]", r.Holders, w.Holders)
	}
	if len(w.Sent) != 1 || string(w.Sent[0].Val) != "42" || w.Sent[0].From != 3 {
		t.Errorf("on its way from writer_conn: %+v, want 42 from writer", w.Sent)
	}
	if d := st.Delivered; d == nil || d.From != 3 || d.To != 2 || string(d.Val) != `"hello"` {
		t.Errorf("delivered %+v, want 'hello' from writer to reader", d)
	}
	if st.Proc(2).From != 3 {
		t.Errorf("reader's last step came from pid %d, want the writer's", st.Proc(2).From)
	}
}

func TestPipeFoldRecvOfAMessageNeverSent(t *testing.T) {
	st := pipeWorld(t,
		ev(2, "reader", trace.KindPipeRecv, "reader_conn", 42),
		ev(2, "reader", trace.KindPipeRecv, "reader_conn", 42),
	)
	if len(st.Violations) != 1 || !strings.Contains(st.Violations[0], "reader received 42 on reader_conn, which was never sent") {
		t.Errorf("violations %q, want one for the second 42", st.Violations)
	}
}

func TestPipeRecvJudgedByWhatIsSentAndWhoHoldsTheOtherEnd(t *testing.T) {
	recv := func(st *State) Intent {
		in := Intent{Pid: 2, Op: trace.KindPipeRecv, Obj: "reader_conn"}
		c := &gateCtl{pending: map[int]*Intent{2: &in}}
		c.judge(st)
		return in
	}
	if in := recv(pipeWorld(t)); !in.CanProceed {
		t.Errorf("a message is on its way, yet recv would block: %s", in.Blocked)
	}
	drained := pipeWorld(t, ev(2, "reader", trace.KindPipeRecv, "reader_conn", 42), ev(3, "writer", trace.KindPipeClose, "writer_conn", nil))
	in := recv(drained)
	if in.CanProceed || in.Blocked.String() != "reader_conn, nothing has arrived; writer_conn is still open in MainProcess" {
		t.Errorf("main still holds writer_conn: can proceed %v, %q", in.CanProceed, in.Blocked)
	}
	closed := pipeWorld(t, ev(2, "reader", trace.KindPipeRecv, "reader_conn", 42), ev(3, "writer", trace.KindProcExit, "", 0), ev(1, "MainProcess", trace.KindPipeClose, "writer_conn", nil))
	if in := recv(closed); !in.CanProceed {
		t.Errorf("every copy of writer_conn is closed, so recv raises EOFError at once, yet it would block: %s", in.Blocked)
	}
}

func TestPipeReaderBlockedNamesTheOpenEnd(t *testing.T) {
	st := pipeWorld(t,
		ev(2, "reader", trace.KindPipeRecv, "reader_conn", 42),
		ev(3, "writer", trace.KindPipeClose, "writer_conn", nil),
		ev(3, "writer", trace.KindProcExit, "", 0),
		ev(2, "reader", trace.KindPipeBlock, "reader_conn", "recv"),
		ev(1, "MainProcess", trace.KindProcJoin, "reader", nil),
	)
	if !st.Stuck() {
		t.Fatal("reader waits in recv and main joins it: the state should be stuck")
	}
	want := "reader waits for a message on reader_conn; writer_conn is still open in MainProcess, so recv() cannot raise EOFError"
	if got := st.WhoWaits(); !strings.Contains(got, want) {
		t.Errorf("WhoWaits() = %q, want it to contain %q", got, want)
	}
}

// A reader whose recv() was told blocked after a message was sent its way
// is not stuck: the OS hands it the message, and its recv is told last (on
// a loaded machine, after the watchdog's idle time). Its lesson, adder, was
// stopped so once as "every process waits forever".
func TestPipeReaderWithAMessageOnItsWayIsNotStuck(t *testing.T) {
	st := pipeWorld(t,
		ev(3, "writer", trace.KindPipeClose, "writer_conn", nil),
		ev(3, "writer", trace.KindProcExit, "", 0),
		ev(2, "reader", trace.KindPipeBlock, "reader_conn", "recv"), // 42 is still in the pipe
		ev(1, "MainProcess", trace.KindProcJoin, "reader", nil),
	)
	if st.Stuck() {
		t.Fatalf("reader waits in recv with 42 sent its way: not stuck (%s)", st.WhoWaits())
	}
}

// A get from a queue that holds an item, told blocked: not stuck either.
func TestQueueGetterWithAnItemIsNotStuck(t *testing.T) {
	st := foldOf(t,
		ev(1, "MainProcess", trace.KindProcStart, "", "x"),
		ev(1, "MainProcess", trace.KindQueueNew, "q", trace.QueueNew{}),
		ev(2, "consumer", trace.KindProcStart, "", "t"),
		ev(2, "consumer", trace.KindQueueBlock, "q", trace.QueueBlock{Op: "get"}),
		ev(1, "MainProcess", trace.KindQueuePut, "q", "bun"),
		ev(1, "MainProcess", trace.KindProcJoin, "consumer", nil),
	)
	if st.Stuck() {
		t.Fatalf("consumer waits in get() with an item in q: not stuck (%s)", st.WhoWaits())
	}
}

func TestPipeEOFClosesEveryCopyOfTheOtherEnd(t *testing.T) {
	// The writer is killed: its descriptor closes as it dies, and the
	// reader's EOF may come before its exit is reported.
	st := pipeWorld(t,
		ev(1, "MainProcess", trace.KindPipeClose, "writer_conn", nil),
		ev(2, "reader", trace.KindPipeRecv, "reader_conn", 42),
		ev(2, "reader", trace.KindPipeEOF, "reader_conn", nil),
		ev(3, "writer", trace.KindProcExit, "", -9),
	)
	if len(st.Violations) > 0 {
		t.Fatal(st.Violations)
	}
	pp, _ := st.FindEnd("reader_conn")
	if !pp.Ends[0].EOF || len(pp.Ends[1].Holders) != 0 {
		t.Errorf("after EOF: reader_conn EOF %v, writer_conn holders %v", pp.Ends[0].EOF, pp.Ends[1].Holders)
	}
}

func TestQueueGetIsADeliveryFromItsPutter(t *testing.T) {
	st := foldOf(t,
		ev(1, "MainProcess", trace.KindProcStart, "", "x"),
		ev(2, "producer", trace.KindProcStart, "", "t"),
		ev(2, "producer", trace.KindQueuePut, "q", "bun"),
		ev(1, "MainProcess", trace.KindQueueGet, "q", "bun"),
	)
	if d := st.Delivered; d == nil || d.From != 2 || d.To != 1 || d.Obj != "q" {
		t.Errorf("delivered %+v, want bun from producer to MainProcess through q", d)
	}
}
