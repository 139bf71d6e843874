package serve

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/tui"
)

// hub is the classroom's one authoritative screen: the driver's session
// (the instructor, or a student they hand the role to) publishes its demo
// as a tui.ClassFrame after each change; every other session receives the
// latest frame and draws it, with no process of its own. Delivery is
// latest-wins: a session slower than the driver skips frames, never
// queues them, and never slows the driver.
type hub struct {
	mu         sync.Mutex
	ids        int // the last member's id
	views      *tui.ViewCache
	members    []*member // in the order they came
	instructor *member
	driver     *member
	frame      tui.ClassFrame // the latest from the driver
	lastSeq    uint64         // the Seq of the driver's latest
	seq        uint64         // the Seq of the latest frame taken
	src        sim.Source     // the driver's run, while live takes its events
	// the poll: the asking the answers are for, and who answered what
	askSeq  int
	answers map[*member]int
	// onPublish, when set (benchmarks), is told each frame as it is taken
	onPublish func(f tui.ClassFrame)
	// the followers who share one drawing, by share key (share.go)
	groups map[string]*group
}

// member is one session in the hub.
type member struct {
	id         int
	name       string
	instructor bool
	following  bool
	ctx        context.Context

	send        func(tea.Msg) // once the session's program exists
	wake        chan struct{} // one pending wake-up: there is something new
	frameDirty  bool          // under hub.mu
	statusDirty bool
	frames      atomic.Int64 // frames handed to the session's program

	// sharing a drawing (share.go), under hub.mu: the session's output,
	// its window, its group, whether its program draws nothing (sharedOn)
	// and is to be told so (shareDirty), and whether it is to draw the
	// whole screen anew (repaint)
	out                           *screenOut
	width, height                 int
	group                         *group
	sharedOn, shareDirty, repaint bool
	lazy                          bool   // a frame is to be handed later
	shareN                        uint64 // the latest share asked
}

func newHub() *hub {
	return &hub{answers: map[*member]int{}, views: tui.NewViewCache(), groups: map[string]*group{}}
}

// join adds a session; an instructor's session drives if nobody does.
func (h *hub) join(ctx context.Context, name string, instructor bool, out *screenOut, width, height int) *member {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ids++
	m := &member{id: h.ids, name: name, instructor: instructor, following: !instructor, ctx: ctx, wake: make(chan struct{}, 1),
		out: out, width: width, height: height}
	h.members = append(h.members, m)
	if instructor && h.instructor == nil {
		h.instructor = m
		if h.driver == nil {
			h.driver, h.lastSeq = m, 0
		}
	}
	m.frameDirty = h.frame.Live
	h.statusChanged()
	return m
}

// attach starts delivering to a session's program.
func (h *hub) attach(m *member, send func(tea.Msg)) {
	h.mu.Lock()
	m.send = send
	h.mu.Unlock()
	go m.deliver(h)
	m.poke()
}

// leave removes a session. A student who drove gives the role back to the
// instructor; when the instructor leaves, nobody drives, and followers
// are told their screen is their own.
func (h *hub) leave(m *member) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.members = slices.DeleteFunc(h.members, func(x *member) bool { return x == m })
	delete(h.answers, m)
	h.unshare(m)
	if h.instructor == m {
		h.instructor = nil
		for _, x := range h.members { // another session of the instructor's key
			if x.instructor {
				h.instructor = x
				break
			}
		}
	}
	if h.driver == m {
		h.setDriver(h.instructor)
	}
	h.statusChanged()
}

// setDriver gives the driver role to m (nil: nobody drives). Under h.mu.
func (h *hub) setDriver(m *member) {
	h.driver, h.lastSeq, h.src = m, 0, nil
	if m == nil {
		h.frame = tui.ClassFrame{}
		for _, x := range h.members {
			x.frameDirty = true
		}
	}
}

// publish takes a frame from a session: the driver's latest, unless it is
// older than one already taken. While the driver's run runs and its cursor
// follows the end, the hub takes the run's newest events itself (live):
// a frame of the driver's that is behind the hub's gets the hub's events,
// and one that shows nothing new is not sent again.
func (h *hub) publish(from *member, f tui.ClassFrame) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if from != h.driver || f.Seq <= h.lastSeq {
		return
	}
	h.lastSeq = f.Seq
	f.Driver, f.DriverID = from.name, from.id
	if f.AskSeq != h.askSeq && f.Ask != "" { // a new poll
		h.askSeq, h.answers = f.AskSeq, map[*member]int{}
		h.statusChanged()
	}
	was := h.frame
	if f.Source != nil && f.Run == was.Run && len(f.Timeline) < len(was.Timeline) {
		f.Timeline, f.Cursor, f.Pending = was.Timeline, len(was.Timeline), was.Pending
	}
	if f.Source != h.src {
		h.src = f.Source
		if f.Source != nil {
			go h.live(f.Source)
		}
	}
	if was.Seq > 0 && tui.SameScreen(was, f) {
		return
	}
	h.take(f, from)
}

// take makes f the frame every session but from is given. Under h.mu.
func (h *hub) take(f tui.ClassFrame, from *member) {
	h.seq++
	f.Seq = h.seq
	h.frame = f
	if h.onPublish != nil {
		h.onPublish(f)
	}
	for _, m := range h.members {
		if m == from {
			continue
		}
		m.frameDirty = true
		switch {
		case !m.sharedOn:
			m.poke()
		case !m.lazy:
			// its screen is its leader's: the frame only keeps its state
			// for when it draws again, so it waits, leaving the machine
			// to those who draw (the latest frame by then, one update)
			m.lazy = true
			time.AfterFunc(sharedFrameEvery, func() {
				h.mu.Lock()
				m.lazy = false
				h.mu.Unlock()
				m.poke()
			})
		}
	}
}

// live takes the newest events of the driver's run (src) as they come,
// while the driver's frame says it runs with its cursor at the end, and
// publishes them at most every liveEvery: the followers see an event
// without waiting for the driver's program to take it in and draw it.
func (h *hub) live(src sim.Source) {
	for {
		h.mu.Lock()
		if h.src != src {
			h.mu.Unlock()
			return
		}
		from := len(h.frame.Timeline)
		h.mu.Unlock()
		events, pending, done, changed := src.Snapshot(from)
		h.mu.Lock()
		if h.src != src {
			h.mu.Unlock()
			return
		}
		if f := h.frame; len(f.Timeline) == from && (len(events) > 0 || !tui.SameIntents(pending, f.Pending)) {
			// appended beyond every length handed out: no session's
			// timeline changes
			f.Timeline = append(f.Timeline, events...)
			f.Cursor, f.Pending = len(f.Timeline), pending
			h.take(f, h.driver)
		}
		h.mu.Unlock()
		if done {
			return
		}
		time.Sleep(liveEvery)
		select {
		case <-changed:
		case <-src.Done():
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// liveEvery is the least time between two frames the hub takes from the
// driver's run itself: about a frame of a follower's screen.
const liveEvery = 20 * time.Millisecond

// sharedFrameEvery is how often a follower whose screen another draws
// (share.go) is handed the driver's latest frame.
const sharedFrameEvery = 100 * time.Millisecond

// answer takes a follower's answer to the poll.
func (h *hub) answer(from *member, ask, choice int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if ask != h.askSeq || choice < 0 {
		return
	}
	h.answers[from] = choice
	h.statusChanged()
}

// follow notes that a session follows again, or broke away.
func (h *hub) follow(m *member, following bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	m.following = following
	if following {
		m.frameDirty = true
	}
	h.statusChanged()
}

// hand passes the driver role to the next following student after the
// current driver, and back to the instructor after the last.
func (h *hub) hand() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.instructor == nil {
		return
	}
	next := h.instructor
	i := slices.Index(h.members, h.driver)
	for _, m := range h.members[i+1:] {
		if !m.instructor && m.following {
			next = m
			break
		}
	}
	if next != h.driver {
		h.setDriver(next)
		h.statusChanged()
	}
}

// statusChanged tells every session the class's status anew. Under h.mu.
func (h *hub) statusChanged() {
	for _, m := range h.members {
		m.statusDirty = true
		m.poke()
	}
}

// status is the class's status as m sees it. Under h.mu.
func (h *hub) status(m *member) tui.ClassStatus {
	st := tui.ClassStatus{Driving: m == h.driver, AskSeq: h.askSeq}
	if h.driver != nil {
		st.Driver = h.driver.name
	}
	for _, x := range h.members {
		switch {
		case x.instructor || x == h.driver:
		case x.following:
			st.Following++
		default:
			st.Away++
		}
	}
	if h.askSeq > 0 {
		st.Counts = make([]int, 0, 4)
		for _, c := range h.answers {
			for len(st.Counts) <= c {
				st.Counts = append(st.Counts, 0)
			}
			st.Counts[c]++
		}
	}
	return st
}

// poke wakes the session's delivery, if it is not awake already.
func (m *member) poke() {
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// deliver hands the session's program the latest frame and status, until
// the session ends. Send blocks while the program is busy: what arrives
// meanwhile replaces what was waiting.
func (m *member) deliver(h *hub) {
	for {
		select {
		case <-m.ctx.Done():
			return
		case <-m.wake:
		}
		h.mu.Lock()
		var msgs []tea.Msg
		if m.statusDirty {
			msgs = append(msgs, h.status(m))
			m.statusDirty = false
		}
		if m.shareDirty {
			msgs = append(msgs, tui.ClassShared{On: m.sharedOn})
			m.shareDirty = false
		}
		if m.frameDirty && m != h.driver {
			msgs = append(msgs, h.frame)
			m.frameDirty = false
		}
		if m.repaint { // the same size again: the program draws the whole screen
			msgs = append(msgs, tea.WindowSizeMsg{Width: m.width, Height: m.height})
			m.repaint = false
		}
		send := m.send
		h.mu.Unlock()
		for _, msg := range msgs {
			send(msg)
			if _, ok := msg.(tui.ClassFrame); ok {
				m.frames.Add(1)
			}
		}
	}
}

// counts is how many sessions follow and how many broke away (tests).
func (h *hub) counts() (following, away int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	st := h.status(&member{})
	return st.Following, st.Away
}

// latest is the driver's latest frame (benchmarks).
func (h *hub) latest() tui.ClassFrame {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.frame
}

// allAttached reports whether n sessions are in the hub, each with its
// program running (tests).
func (h *hub) allAttached(n int) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.members) != n {
		return false
	}
	for _, m := range h.members {
		if m.send == nil {
			return false
		}
	}
	return true
}

// resized notes a session's new window size (its program is told too).
func (h *hub) resized(m *member, width, height int) {
	h.mu.Lock()
	m.width, m.height = width, height
	h.mu.Unlock()
}

// catchUp is the latest frame for a session that was not given it yet
// because its screen is drawn by another's (it is given frames seldom),
// to take before a key: ok is false when it has it.
func (h *hub) catchUp(m *member) (tui.ClassFrame, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !m.frameDirty || m == h.driver || !m.sharedOn {
		return tui.ClassFrame{}, false
	}
	m.frameDirty = false
	m.frames.Add(1)
	return h.frame, true
}
