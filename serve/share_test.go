package serve

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// sink is a session's channel: it records what it is sent, or, while
// stuck, takes nothing (a student whose network stalls).
type sink struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	stuck chan struct{} // closed: it reads again
}

func (t *sink) Write(b []byte) (int, error) {
	if t.stuck != nil {
		<-t.stuck
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.Write(b)
}

func (t *sink) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.String()
}

// A group's leader whose terminal stalls delays neither its own program
// (its writes return at once) nor its group: the member gets every frame,
// and once the leader is too far behind, the member leads.
func TestSlowLeaderDelaysNobody(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	defer func(was int) { maxQueued = was }(maxQueued)
	maxQueued = 4096
	stalled := &sink{stuck: make(chan struct{})}
	defer close(stalled.stuck)
	fine := &sink{}
	h := newHub()
	lo, mo := newScreenOut(stalled), newScreenOut(fine)
	go lo.pump(ctx)
	go mo.pump(ctx)
	leader := h.join(ctx, "ada", false, lo, 100, 30)
	member := h.join(ctx, "bob", false, mo, 100, 30)
	h.share(leader, 1, "100×30", false)
	h.share(member, 1, "100×30", false)
	write := func(s string) {
		t.Helper()
		done := make(chan struct{})
		go func() { lo.Write([]byte(s)); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("the leader's program waited on its stalled terminal")
		}
	}
	write("\x1b[H\x1b[2Jthe whole screen") // the member starts from it
	led := func() bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		return member.group != nil && member.group.leader == member
	}
	demoted := func() bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		return leader.group == nil
	}
	frame := strings.Repeat("x", 500)
	for i := 0; !demoted(); i++ {
		if i > 100 {
			t.Fatal("a leader far behind still leads")
		}
		write(fmt.Sprintf("frame %d %s", i, frame))
		time.Sleep(time.Millisecond) // (the hub takes the lead away in a goroutine)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !led() {
		if time.Now().After(deadline) {
			t.Fatal("the member never leads its group")
		}
		time.Sleep(10 * time.Millisecond)
	}
	for !strings.Contains(fine.String(), "frame 8 ") {
		if time.Now().After(deadline) {
			t.Fatalf("the member did not get the leader's frames: %.80q", fine.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.HasPrefix(fine.String(), "\x1b[H\x1b[2Jthe whole screen") {
		t.Errorf("the member did not start from a whole screen: %.40q", fine.String())
	}
}

// A session's asks to share its drawing run as commands, in any order: a
// late older ask ("share", run after "draw for yourself") changes nothing,
// else the session's own drawing would be dropped while it shows its own.
func TestLateShareAskIgnored(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h := newHub()
	a := h.join(ctx, "ada", false, newScreenOut(&sink{}), 100, 30)
	b := h.join(ctx, "bob", false, newScreenOut(&sink{}), 100, 30)
	h.share(a, 1, "100×30", false)
	h.share(b, 2, "", false) // bob pressed B: his own screen
	h.share(b, 1, "100×30", false)
	if b.group != nil || b.sharedOn {
		t.Fatal("an older ask to share, run late, put a session showing its own screen in a group")
	}
}

// When the driver's frame moves a group's leader to another screen (the
// poll asked or over, a run started), its members go with it at once: in
// the new group, starting from the leader's next whole screen, not left
// with a still screen and no leader until their own next frame. A leader
// that moves of its own doing (it moved the poll's cursor) leaves its
// members where they are.
func TestGroupFollowsItsLeader(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h := newHub()
	open := func(name string) (*member, *sink) {
		out := &sink{}
		o := newScreenOut(out)
		go o.pump(ctx)
		return h.join(ctx, name, false, o, 100, 30), out
	}
	leader, _ := open("ada")
	member, seen := open("bob")
	h.share(leader, 1, "poll", false)
	h.share(member, 1, "poll", false)
	h.share(leader, 2, "run", true) // the run started
	h.mu.Lock()
	g := member.group
	repaint := leader.repaint
	h.mu.Unlock()
	if g == nil || g.key != "run" || g.leader != leader {
		t.Fatalf("the driver's frame moved the leader to %q; its member is in %v", "run", g)
	}
	if !repaint {
		t.Fatal("the leader was not made to draw the whole screen its member starts from")
	}
	// the member shows the leader's next whole screen, and what follows
	leader.out.Write([]byte("\x1b[H\x1b[2Jthe run"))
	leader.out.Write([]byte(" goes on"))
	deadline := time.Now().Add(10 * time.Second)
	for seen.String() != "\x1b[H\x1b[2Jthe run goes on" {
		if time.Now().After(deadline) {
			t.Fatalf("the member shows %q", seen.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	// its own doing: the member stays
	h.share(leader, 3, "run, its cursor moved", false)
	h.mu.Lock()
	g = member.group
	h.mu.Unlock()
	if g == nil || g.key != "run" {
		t.Fatalf("a leader that moved of its own doing took its member along (%v)", g)
	}
}
