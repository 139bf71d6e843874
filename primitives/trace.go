package primitives

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/proctour/proctour/trace"
)

// maxWire is the largest event line written in one piece. Writes of at most
// PIPE_BUF bytes to a pipe are atomic, so lines from many processes never
// interleave; larger payloads are shortened.
const maxWire = 4000

// Trace is the event channel of one session: a pipe every process of the
// session writes its events to, and a counter in shared memory that numbers
// them in causal order.
type Trace struct {
	r, w    *os.File
	counter *segment
	// mu keeps Close from unmapping the counter under a writer: an event
	// that comes after Close (a goroutine that outlived its session) is
	// dropped rather than touching unmapped memory.
	mu     sync.RWMutex
	closed bool
}

// NewTrace creates the pipe and the counter. The session reads Reader; the
// processes write.
func NewTrace() (*Trace, error) {
	ctr, err := newSegment("trace")
	if err != nil {
		return nil, err
	}
	r, w, err := os.Pipe()
	if err != nil {
		ctr.close()
		return nil, fmt.Errorf("trace pipe: %w", err)
	}
	growPipe(w)
	return &Trace{r: r, w: w, counter: ctr}, nil
}

// Reader is the end the session reads wire lines from. It reaches EOF when
// every process holding the write end has closed it or exited.
func (t *Trace) Reader() *os.File { return t.r }

// CloseWriter closes this process's write end, once nothing in it will emit
// again.
func (t *Trace) CloseWriter() error { return t.w.Close() }

// Close releases everything the trace holds in this process.
func (t *Trace) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil
	}
	t.closed = true
	t.w.Close()
	t.r.Close()
	return t.counter.close()
}

// Stamp takes the next number in the causal order and the clock, for an
// event the session makes itself (a watchdog report, the final exit).
func (t *Trace) Stamp() (n uint64, mono int64) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.closed {
		return 0, Monotonic()
	}
	return t.stamp()
}

// stamp is Stamp with t.mu held and the trace open.
func (t *Trace) stamp() (n uint64, mono int64) {
	return atomic.AddUint64(t.counter.u64(0), 1), Monotonic()
}

// writeIntent sends an intent. It takes its number in the causal order like
// an event, so that the session sees it after everything the process did
// before, but it never becomes part of the timeline.
func (t *Trace) writeIntent(e trace.Record) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.closed {
		return
	}
	w := Wire{Record: e}
	w.N, w.Mono = t.stamp()
	b, err := json.Marshal(w)
	if err == nil {
		t.w.Write(append(b, '\n'))
	}
}

// write sends one event. Errors are dropped: a process whose session has gone
// has nobody to tell.
func (t *Trace) write(e trace.Record, val any) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.closed {
		return
	}
	w := Wire{Record: e}
	w.N, w.Mono = t.stamp()
	w.Val = encodeVal(val)
	b, err := json.Marshal(w)
	if err != nil {
		return
	}
	if len(b) >= maxWire {
		w.Val = shorten(w.Val, len(b)-maxWire+64)
		if b, err = json.Marshal(w); err != nil || len(b) >= maxWire {
			return
		}
	}
	t.w.Write(append(b, '\n'))
}

func encodeVal(val any) json.RawMessage {
	if raw, ok := val.(json.RawMessage); ok {
		return raw
	}
	b, err := json.Marshal(val)
	if err != nil {
		b, _ = json.Marshal(fmt.Sprint(val))
	}
	return b
}

// shorten replaces a payload by a string of its start, at least cut bytes
// shorter, ending in an ellipsis.
func shorten(raw json.RawMessage, cut int) json.RawMessage {
	s := string(raw)
	var str string
	if json.Unmarshal(raw, &str) == nil {
		s = str
	}
	n := len(s) - cut
	if n < 0 {
		n = 0
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	b, _ := json.Marshal(s[:n] + "…")
	return b
}

// WriteFor reports an event of another process of the session, as it
// would: the session's gate tells, when every process waits at it for
// ever, what each one waits for (a lock.wait for an acquire it holds
// back), so that the trace says what a live run's would.
func (t *Trace) WriteFor(e trace.Record, val any) { t.write(e, val) }
