package serve

import (
	"bytes"
	"context"
	"io"
	"sync"
	"time"
)

// Followers whose screens show the driver's frame and nothing of their
// own, at the same size, language, colours and layout (the same share key,
// tui.Class.Share), see the same screen. Drawing it is most of what a
// follower costs the server: bubbletea's renderer turns the view into
// cells, compares them with the screen before and writes the difference,
// for each session. So a group of such followers has one leader, whose
// program draws as usual; what it writes to its terminal is written to the
// other members' terminals as well, and their own programs draw nothing
// (tui.ClassShared) and keep only the frame's state, for when they break
// away. A member that joins, or one that leaves the group or becomes its
// leader, is given the whole screen at once: the leader (or the member)
// is made to draw it anew (a window size message), and a member starts
// from that full drawing (it begins by erasing the screen). A member's
// writes, and a leader's own, go out from the session's own goroutine, so
// that a slow terminal delays nobody else; a member that falls far behind
// leaves the group and draws for itself, a leader stops leading.

// screenOut is a session's output: its program's writes, or in a group,
// its leader's. A leader's own writes go out from its goroutine too (its
// terminal being slow delays neither its program nor its group: too far
// behind, it stops leading); so do a session's writes while an earlier
// one waits, to keep their order.
type screenOut struct {
	w   io.Writer
	wmu sync.Mutex // one write at a time on the channel

	mu   sync.Mutex
	mode outMode
	// what is to be written from pump (a member's: its leader's writes),
	// its size, and the size of what pump is writing now
	queue            [][]byte
	queued, inflight int
	kick             chan struct{}
	// tee, for a leader, takes every write for its group's members and
	// gives back the copy it made; slow is called, once, when the
	// leader's own terminal is too far behind
	tee  func(b []byte) []byte
	slow func()
}

type outMode int

const (
	outOwn     outMode = iota // the program's writes go out
	outShared                 // the program's writes are dropped; the leader's go out
	outRepaint                // the program's writes are dropped until it draws the whole screen
)

// eraseScreen begins a drawing of the whole screen (the renderer erases
// it first): from there on, a terminal shows exactly what was drawn,
// whatever it showed before.
const eraseScreen = "\x1b[2J"

// maxQueued is how far a terminal may fall behind: a member's leaves the
// group and draws for itself, a leader's stops leading, and another
// session's program waits.
var maxQueued = 1 << 20

func newScreenOut(w io.Writer) *screenOut {
	return &screenOut{w: w, kick: make(chan struct{}, 1)}
}

// Write is the session's program writing.
func (o *screenOut) Write(b []byte) (int, error) {
	o.mu.Lock()
	switch o.mode {
	case outShared:
		o.mu.Unlock()
		return len(b), nil
	case outRepaint:
		if !bytes.Contains(b, []byte(eraseScreen)) {
			o.mu.Unlock()
			return len(b), nil
		}
		o.mode = outOwn
	}
	tee := o.tee
	if tee == nil && len(o.queue) == 0 && o.inflight == 0 {
		o.mu.Unlock()
		o.wmu.Lock()
		defer o.wmu.Unlock()
		return o.w.Write(b)
	}
	o.mu.Unlock()
	var c []byte
	if tee != nil {
		c = tee(b) // (the members' copy: nobody writes to it)
	} else {
		c = bytes.Clone(b)
	}
	o.mu.Lock()
	o.enqueue(c)
	slow := o.slow
	for o.queued+o.inflight > maxQueued {
		if slow != nil {
			o.slow = nil
			o.mu.Unlock()
			slow()
			return len(b), nil
		}
		o.mu.Unlock() // not a leader: the program waits, as it would on the channel
		time.Sleep(10 * time.Millisecond)
		o.mu.Lock()
	}
	o.mu.Unlock()
	return len(b), nil
}

// enqueue queues b for pump. Under o.mu.
func (o *screenOut) enqueue(b []byte) {
	o.queue = append(o.queue, b)
	o.queued += len(b)
	select {
	case o.kick <- struct{}{}:
	default:
	}
}

// setMode sets how the program's writes go; leaving a group drops what
// the leader wrote that is not yet out.
func (o *screenOut) setMode(m outMode) {
	o.mu.Lock()
	if o.mode == outShared && m != outShared {
		o.queue, o.queued = nil, 0
	}
	o.mode = m
	o.mu.Unlock()
}

// push queues a leader's write (shared, never written to) for this
// member's terminal; false when the member is too far behind.
func (o *screenOut) push(b []byte) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.mode != outShared {
		return true
	}
	if o.queued+o.inflight+len(b) > maxQueued {
		return false
	}
	o.enqueue(b)
	return true
}

// pump writes what is queued, until ctx ends.
func (o *screenOut) pump(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-o.kick:
		}
		for {
			o.mu.Lock()
			q, n := o.queue, o.queued
			o.queue, o.queued, o.inflight = nil, 0, n
			o.mu.Unlock()
			if len(q) == 0 {
				break
			}
			o.wmu.Lock()
			for _, b := range q {
				if _, err := o.w.Write(b); err != nil {
					break
				}
			}
			o.wmu.Unlock()
			o.mu.Lock()
			o.inflight = 0
			o.mu.Unlock()
		}
	}
}

// group is the followers of one share key: the leader draws, the members
// show its drawing; joining members draw nothing already and wait for its
// next whole screen.
type group struct {
	key     string
	leader  *member
	members map[*member]bool
	joining map[*member]bool
}

// share puts m in the group of key ("": in none), unless the session
// asked something later already (n numbers its asks; the last, ^0, is its
// end). byFrame: the driver's frame moved it (tui.Class.Share). Under no
// lock.
func (h *hub) share(m *member, n uint64, key string, byFrame bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if n <= m.shareN { // (an older call, run late)
		return
	}
	m.shareN = n
	if m.group != nil && m.group.key == key {
		return
	}
	g := h.groups[key]
	if old := m.group; key != "" && m.sharedOn && old != nil && old.leader != m && g != nil {
		// from one group's members to another's (the class's poll asked,
		// or over): it goes on drawing nothing, and starts from the new
		// leader's next whole screen
		delete(old.members, m)
		delete(old.joining, m)
		if old.leader == nil && len(old.members) == 0 && len(old.joining) == 0 {
			delete(h.groups, old.key)
		}
		m.group = g
		g.joining[m] = true
		if g.leader != nil { // (else whoever comes to lead draws it)
			g.leader.repaint = true
			g.leader.poke()
		}
		return
	}
	// A leader that the driver's frame moves takes its members along:
	// they showed the same screen, so the same frame moves them too, most
	// likely to the same place. Waiting for their own, seldom frames
	// (take) would leave their screens still for up to sharedFrameEvery,
	// and their group with no leader for leadAfter, each time the class's
	// screen changes (the poll asked, a run started). Whether the leader
	// moves along with the frame or of its own doing (it moved the poll's
	// cursor, broke away), its members are woken to take the latest frame
	// at once: one whose screen is not the leader's after all goes its own
	// way then (share again).
	var along []*member
	if old := m.group; old != nil && old.leader == m {
		var woken []*member
		for _, from := range []map[*member]bool{old.members, old.joining} {
			for x := range from {
				woken = append(woken, x)
				if byFrame && key != "" && m.out != nil {
					along = append(along, x)
					delete(from, x)
				}
			}
		}
		defer func() {
			for _, x := range woken {
				x.poke()
			}
		}()
	}
	h.unshare(m)
	if key == "" || m.out == nil {
		return
	}
	if g == nil {
		g = &group{key: key, members: map[*member]bool{}, joining: map[*member]bool{}}
		h.groups[key] = g
	}
	m.group = g
	for _, x := range along {
		x.group = g
		g.joining[x] = true
	}
	if g.leader == nil {
		h.lead(g, m)
		return
	}
	// it draws nothing from now on: its terminal keeps what it shows
	// until the leader's next whole screen, which it starts from
	g.joining[m] = true
	m.out.setMode(outShared)
	m.sharedOn, m.shareDirty = true, true
	m.poke()
	g.leader.repaint = true
	g.leader.poke()
}

// lead makes m the leader of g: its program draws again, the whole
// screen first, which its members are given too. Under h.mu.
func (h *hub) lead(g *group, m *member) {
	g.leader = m
	delete(g.members, m)
	delete(g.joining, m)
	if m.sharedOn { // it drew nothing: the whole screen, before anything else
		m.out.setMode(outRepaint)
		m.sharedOn, m.shareDirty, m.repaint = false, true, true
	}
	if len(g.joining) > 0 { // a whole screen, which they start from
		m.repaint = true
	}
	out := m.out
	out.mu.Lock()
	out.tee = func(b []byte) []byte { return h.teed(g, out, b) }
	out.slow = func() { go h.tooSlow(g, m) }
	out.mu.Unlock()
	m.poke()
}

// tooSlow: a leader whose terminal is too far behind stops leading (its
// members get another leader); it draws for itself, as slowly as it must.
func (h *hub) tooSlow(g *group, m *member) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if m.group == g && g.leader == m {
		h.unshare(m)
	}
}

// teed hands a leader's write to its group's members, and gives back the
// copy it made of it (shared: never written to); a whole screen takes the
// joining in.
func (h *hub) teed(g *group, from *screenOut, b []byte) []byte {
	c := bytes.Clone(b)
	h.mu.Lock()
	defer h.mu.Unlock()
	if g.leader == nil || g.leader.out != from {
		return c // (no longer its leader)
	}
	if len(g.joining) > 0 && bytes.Contains(b, []byte(eraseScreen)) {
		for m := range g.joining {
			delete(g.joining, m)
			g.members[m] = true
		}
	}
	for m := range g.members {
		if !m.out.push(c) {
			h.unshare(m) // too far behind: it draws for itself
		}
	}
	return c
}

// unshare takes m out of its group, if it is in one: a member draws for
// itself again, the whole screen first; a leader's members get another
// leader. Under h.mu.
func (h *hub) unshare(m *member) {
	g := m.group
	if g == nil {
		return
	}
	m.group = nil
	delete(g.members, m)
	delete(g.joining, m)
	if m.sharedOn {
		m.out.setMode(outRepaint)
		m.sharedOn, m.shareDirty, m.repaint = false, true, true
		m.poke()
	}
	if g.leader != m {
		return
	}
	m.out.mu.Lock()
	m.out.tee, m.out.slow = nil, nil
	m.out.mu.Unlock()
	g.leader = nil
	if len(g.members) == 0 && len(g.joining) == 0 {
		delete(h.groups, g.key)
		return
	}
	// Its members keep their screens a moment: when the class's screen
	// changes (the poll asked, or over) every follower moves to another
	// group, the leader among them, and a member made to lead now would
	// redraw its whole screen only to move on. A session that joins
	// leads at once; else, after leadAfter, a member does.
	time.AfterFunc(leadAfter, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if g.leader != nil || h.groups[g.key] != g {
			return
		}
		for _, from := range []map[*member]bool{g.members, g.joining} {
			for x := range from {
				h.lead(g, x)
				return
			}
		}
		delete(h.groups, g.key)
	})
}

// leadAfter is how long a group whose leader left waits for a session
// to join and lead it before one of its members does.
const leadAfter = 50 * time.Millisecond
