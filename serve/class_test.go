package serve

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
	gossh "golang.org/x/crypto/ssh"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/sim"
)

// screen is a client session drawn by a terminal emulator: what it shows
// now, not every byte it was sent (the renderer redraws only what changed).
type screen struct {
	sess   *gossh.Session
	w, h   int
	in     io.WriteCloser
	vmu    sync.Mutex // the emulator's: its String is not safe beside Write
	vt     *vt.Emulator
	writes atomic.Int64
	// watch, when set, is called with the screen's status bar after
	// every write and
	// the moment the write arrived (primitives.Monotonic; benchmarks)
	mu    sync.Mutex
	watch func(screen string, at int64)
}

func (s *screen) Write(b []byte) (int, error) {
	at := primitives.Monotonic()
	if s.vt == nil { // not drawn (benchmarks): counted only
		s.writes.Add(1)
		return len(b), nil
	}
	s.vmu.Lock()
	n, err := s.vt.Write(b)
	var now string
	s.mu.Lock()
	w := s.watch
	s.mu.Unlock()
	if w != nil {
		now = s.bottom(3)
	}
	s.vmu.Unlock()
	s.writes.Add(1)
	if w != nil {
		w(now, at)
	}
	return n, err
}

// bottom is the screen's last n rows (the status bar), read under vmu.
func (s *screen) bottom(n int) string {
	var b strings.Builder
	for y := max(s.h-n, 0); y < s.h; y++ {
		for x := 0; x < s.w; x++ {
			if c := s.vt.CellAt(x, y); c != nil {
				b.WriteString(c.Content)
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// text is the screen now.
func (s *screen) text() string {
	s.vmu.Lock()
	defer s.vmu.Unlock()
	return s.vt.String()
}

// waitFor waits until the screen shows a match of re (a hang fails after
// a long time; a slow machine does not).
func (s *screen) waitFor(t testing.TB, re string) []string {
	t.Helper()
	m, err := s.await(re)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// await is waitFor's work: the match, or what the screen shows when none
// came.
func (s *screen) await(re string) ([]string, error) {
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(120 * time.Second)
	repaint := time.Now().Add(3 * time.Second)
	for {
		if m := rx.FindStringSubmatch(s.text()); m != nil {
			return m, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("the screen never showed %s; it shows:\n%s", re, s.text())
		}
		if time.Now().After(repaint) {
			// the emulator may have drawn an update otherwise than a
			// terminal does (scrolled regions): the same size again makes
			// the program draw the whole screen anew
			s.sess.WindowChange(s.h, s.w)
			repaint = time.Now().Add(3 * time.Second)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitGone waits until the screen no longer shows a match of re.
func (s *screen) waitGone(t testing.TB, re string) {
	t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(120 * time.Second)
	for rx.MatchString(s.text()) {
		if time.Now().After(deadline) {
			t.Fatalf("the screen still shows %s:\n%s", re, s.text())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *screen) typeKeys(t testing.TB, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if _, err := io.WriteString(s.in, k); err != nil {
			t.Fatal(err)
		}
	}
}

func openScreen(t testing.TB, c *gossh.Client, w, h int) *screen {
	return openScreenDrawn(t, c, w, h, true)
}

// openScreenDrawn opens a session, drawn by an emulator or not.
func openScreenDrawn(t testing.TB, c *gossh.Client, w, h int, drawn bool) *screen {
	t.Helper()
	s, err := newScreen(c, w, h, drawn)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// newScreen is openScreenDrawn's work.
func newScreen(c *gossh.Client, w, h int, drawn bool) (*screen, error) {
	sess, err := c.NewSession()
	if err != nil {
		return nil, err
	}
	s := &screen{sess: sess, w: w, h: h}
	if drawn {
		s.vt = vt.NewEmulator(w, h)
		go io.Copy(io.Discard, s.vt) // the emulator's answers to queries
	}
	sess.Stdout, sess.Stderr = s, io.Discard
	if s.in, err = sess.StdinPipe(); err != nil {
		return nil, err
	}
	if err := sess.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
		return nil, err
	}
	if err := sess.Shell(); err != nil {
		return nil, err
	}
	return s, nil
}

// instructorKey is a key and the public key file that makes it the
// instructor's.
func instructorKey(t testing.TB) (gossh.Signer, string) {
	t.Helper()
	k := key(t)
	file := filepath.Join(t.TempDir(), "instructor.pub")
	if err := os.WriteFile(file, gossh.MarshalAuthorizedKey(k.PublicKey()), 0o600); err != nil {
		t.Fatal(err)
	}
	return k, file
}

// class is an instructor's session and n students', each at the lesson
// list.
type class struct {
	srv        *Server
	instructor *screen
	students   []*screen
	clients    []*gossh.Client
}

func openClass(t testing.TB, cfg Config, n int) *class { return openClassDrawn(t, cfg, n, n) }

// openClassDrawn is openClass with the first drawn students' screens
// drawn by an emulator, the others' output only counted (benchmarks).
func openClassDrawn(t testing.TB, cfg Config, n, drawn int) *class {
	t.Helper()
	cl := openInstructor(t, cfg, n)
	for i := range n {
		c, err := dial(cl.srv, fmt.Sprintf("student%d", i), key(t))
		if err != nil {
			t.Fatal(err)
		}
		cl.clients = append(cl.clients, c)
		cl.students = append(cl.students, openScreenDrawn(t, c, 100, 30, i < drawn))
	}
	for _, s := range cl.students {
		if s.vt != nil {
			s.waitFor(t, "Programs and processes")
		}
	}
	cl.waitAttached(t, n)
	return cl
}

// openInstructor starts a server for a class of n students and opens the
// instructor's session, at the lesson list.
func openInstructor(t testing.TB, cfg Config, n int) *class {
	t.Helper()
	ik, file := instructorKey(t)
	cfg.InstructorKey = file
	cfg.Caps.Sessions = n + 10
	cfg.Caps.ConnectionsPerMinute = 4 * n
	srv := start(t, cfg)
	cl := &class{srv: srv}
	t.Cleanup(func() {
		for _, c := range cl.clients {
			c.Close()
		}
	})
	c, err := dial(srv, "teacher", ik)
	if err != nil {
		t.Fatal(err)
	}
	cl.clients = append(cl.clients, c)
	cl.instructor = openScreen(t, c, 120, 40)
	cl.instructor.waitFor(t, "Programs and processes")
	return cl
}

// waitAttached waits until the instructor's session and n students' are
// in the class, each with its program running.
func (cl *class) waitAttached(t testing.TB, n int) {
	t.Helper()
	deadline := time.Now().Add(120 * time.Second)
	for !cl.srv.hub.allAttached(n + 1) {
		if time.Now().After(deadline) {
			t.Fatal("the students' sessions never joined the class")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// openTickets takes the instructor to lesson 5's tickets demo and asks
// its prediction (r): the class's poll.
func (cl *class) openTickets(t testing.TB) {
	t.Helper()
	cl.instructor.typeKeys(t, "j", "j", "j", "j", "\r")
	cl.instructor.waitFor(t, "Locks: grabbing tickets")
	cl.instructor.typeKeys(t, "\t")
	cl.instructor.waitFor(t, `Press r to run this demo`)
	cl.instructor.typeKeys(t, "r")
	cl.instructor.waitFor(t, `Predict before you run`)
}

// TestFollowersReceiveTheInstructorsRun: sixty students follow the
// instructor into lesson 5 and see the instructor's tickets run, the same
// processes (the instructor's pids), drawn to its end; the server runs
// that one run only, and when every session closes no process is left.
func TestFollowersReceiveTheInstructorsRun(t *testing.T) {
	n := 60
	if testing.Short() {
		n = 6
	}
	cl := openClass(t, Config{}, n)
	cl.openTickets(t)
	for _, s := range cl.students { // the question reaches every student
		s.waitFor(t, `Predict before you run`)
	}
	var most atomic.Int64 // processes at once, while the run runs
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
				if n := int64(len(children(t))); n > most.Load() {
					most.Store(n)
				}
			}
		}
	}()
	cl.instructor.typeKeys(t, "s") // run without guessing
	pid := cl.instructor.waitFor(t, `MainProcess +(\d+) exited`)[1]
	close(done)
	for i, s := range cl.students {
		s.waitFor(t, `MainProcess +`+pid+` +exited`)
		s.waitFor(t, `event (\d+) of (\d+)`)
		if !regexp.MustCompile(`following`).MatchString(s.text()) {
			t.Errorf("student %d does not say it follows:\n%s", i, s.text())
		}
	}
	if m := most.Load(); m == 0 || m > 100 {
		t.Errorf("%d processes at once; want the instructor's run alone (100 buyers, none from the students' sessions)", m)
	}
	if f, a := cl.srv.hub.counts(); f != n || a != 0 {
		t.Errorf("the hub counts %d following, %d away; want %d, 0", f, a, n)
	}
	cl.instructor.waitFor(t, fmt.Sprintf(`%d following · 0 away`, n))
	for _, c := range cl.clients {
		c.Close()
	}
	waitNoSessions(t, cl.srv)
	if left := children(t); len(left) > 0 {
		t.Errorf("processes left after every session closed: %v", left)
	}
}

// TestBreakAwayAndRejoin: a student breaks away (B) with their own copy
// of the timeline, scrubs it to its start while the instructor stays at
// the end, and the instructor sees one away; F rejoins, and the student's
// screen is the instructor's again, cursor and all.
func TestBreakAwayAndRejoin(t *testing.T) {
	cl := openClass(t, Config{}, 2)
	cl.openTickets(t)
	cl.instructor.typeKeys(t, "s")
	cl.instructor.waitFor(t, `MainProcess +\d+ exited`)
	end := cl.instructor.waitFor(t, `event (\d+) of (\d+)`)
	if end[1] != end[2] {
		t.Fatalf("the instructor's cursor is at %s of %s, want the end", end[1], end[2])
	}
	ada, bob := cl.students[0], cl.students[1]
	ada.waitFor(t, `following .*event `+end[2]+` of `+end[2])
	ada.typeKeys(t, "B")
	ada.waitFor(t, `on your own \(F follows\)`)
	ada.waitFor(t, `you broke away`)
	cl.instructor.waitFor(t, `1 following · 1 away`)
	ada.typeKeys(t, "g") // her copy, to its start
	ada.waitFor(t, `event 0 of `+end[2])
	cl.instructor.typeKeys(t, "b", "b", "b") // the instructor scrubs back three
	back := fmt.Sprintf("event %d of %s", atoi(t, end[2])-3, end[2])
	bob.waitFor(t, back)
	if strings.Contains(ada.text(), back) {
		t.Errorf("a student who broke away moved with the instructor:\n%s", ada.text())
	}
	ada.typeKeys(t, "r") // her own run is hers to start: the prediction first
	ada.waitFor(t, `Predict before you run`)
	ada.typeKeys(t, "\x1b") // never mind
	ada.waitGone(t, `Predict before you run`)
	ada.typeKeys(t, "F")
	ada.waitFor(t, `following .*`+back)
	cl.instructor.waitFor(t, `2 following · 0 away`)
	ada.typeKeys(t, "g")
	ada.waitFor(t, `B breaks away from the instructor first`)
	// the note takes the event count's place: the log's cursor says where
	if !regexp.MustCompile(fmt.Sprintf(`▸ +%d `, atoi(t, end[2])-3)).MatchString(ada.text()) {
		t.Errorf("a follower's g moved their screen off the instructor's:\n%s", ada.text())
	}
}

func atoi(t testing.TB, s string) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestClassPoll: while the instructor's demo asks its prediction, each
// student answers on their own screen; the answers reach the instructor's
// histogram as they come, and after the run both the instructor and the
// students read how the class did.
func TestClassPoll(t *testing.T) {
	cl := openClass(t, Config{}, 3)
	cl.openTickets(t)
	for _, s := range cl.students {
		s.waitFor(t, `Predict before you run`)
	}
	cl.instructor.waitFor(t, `The class: 0 answer`)
	cl.students[0].typeKeys(t, "\r") // exactly one
	cl.instructor.waitFor(t, `1 exactly one · 0 more than one`)
	cl.students[1].typeKeys(t, "j", "\r") // more than one
	cl.students[2].typeKeys(t, "j", "\r")
	cl.instructor.waitFor(t, `1 exactly one · 2 more than one`)
	cl.students[1].waitFor(t, `your answer is in: more than one`)
	cl.instructor.typeKeys(t, "j", "\r") // the instructor guesses too, and runs it
	cl.instructor.waitFor(t, `MainProcess +\d+ exited`)
	// tickets sold with a hundred buyers and no lock: nearly always more
	// than one, but a run may sell one; the reveal counts either way
	m := cl.instructor.waitFor(t, `The class: (\d) of 3 predicted it`)
	want := map[string]bool{"2": true, "1": true}
	if !want[m[1]] {
		t.Errorf("the class's reveal says %s of 3 right, want 2 (more than one) or 1 (exactly one)", m[1])
	}
	for _, s := range cl.students {
		s.waitFor(t, `The class: `+m[1]+` of 3 predicted it`)
		s.waitFor(t, `Your prediction: `)
	}
}

// openAlone starts a server and opens one student's session on it, at the
// lesson list.
func openAlone(t *testing.T, cfg Config) *screen {
	t.Helper()
	s := start(t, cfg)
	c, err := dial(s, "ada", key(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	tm := openScreen(t, c, 120, 40)
	tm.waitFor(t, "Programs and processes")
	return tm
}

// TestCapsRefuseARun: a run over the session's process cap is refused in
// its status bar and starts nothing (nor counts); one under it runs; the
// next, past the runs a minute, is refused.
func TestCapsRefuseARun(t *testing.T) {
	tm := openAlone(t, Config{Caps: Caps{ProcessesPerSession: 20, RunsPerMinute: 1}})
	tm.typeKeys(t, "j", "j", "j", "j", "\r")
	tm.waitFor(t, "Locks: grabbing tickets")
	tm.typeKeys(t, "\t", "r")
	tm.waitFor(t, `Predict before you run`)
	tm.typeKeys(t, "s")
	tm.waitFor(t, `could not start: about 101 processes: over the cap of 20 per session`)
	if n := len(children(t)); n > 0 {
		t.Errorf("a refused run started %d processes", n)
	}
	// ten buyers fit
	tm.typeKeys(t, "v", "j") // the variants, at buyers
	for range 9 {
		tm.typeKeys(t, "\x1b[6~") // pgdown: 100 → 90 … → 10
	}
	tm.typeKeys(t, "\r", "r") // apply, run
	tm.waitFor(t, `buyers=10 `)
	tm.waitFor(t, `buyer-9 +\d+ +exited`)
	tm.typeKeys(t, "r") // the second run in a minute
	tm.waitFor(t, `over this session's cap of 1 runs a minute`)
}

// TestFollowersShareOneDrawing: followers whose screens show the
// instructor's run and nothing of their own are drawn once for all: one
// of them draws, the others' terminals get the same bytes, and every
// screen is the same, colours and all. The one who draws breaks away:
// its screen is its own, and the others still follow the instructor's
// moves, drawn by another; one whose screen was drawn for it quits, and
// its terminal is restored (it leaves the alternate screen).
func TestFollowersShareOneDrawing(t *testing.T) {
	cl := openClass(t, Config{}, 3)
	cl.openTickets(t)
	cl.instructor.typeKeys(t, "s")
	cl.instructor.waitFor(t, `│ ended`)
	end := cl.instructor.waitFor(t, `event (\d+) of (\d+)`)
	leader := cl.waitShared(t, 2)
	same := func(who []*screen) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for {
			first, differ := who[0].render(), false
			for _, s := range who[1:] {
				differ = differ || s.render() != first
			}
			if !differ {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("followers drawn once for all show different screens:\n%s\n----\n%s", first, who[1].text())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	for _, s := range cl.students {
		s.waitFor(t, `following .*event `+end[2]+` of `+end[2])
	}
	same(cl.students)
	// the one who draws for the others breaks away
	lead := cl.students[leader]
	lead.typeKeys(t, "B")
	lead.waitFor(t, `you broke away`)
	var others []*screen
	for i, s := range cl.students {
		if i != leader {
			others = append(others, s)
		}
	}
	cl.instructor.typeKeys(t, "b", "b")
	back := fmt.Sprintf("event %d of %s", atoi(t, end[2])-2, end[2])
	for _, s := range others {
		s.waitFor(t, `following .*`+back)
	}
	same(others)
	if strings.Contains(lead.text(), back) {
		t.Errorf("the student who broke away moved with the instructor:\n%s", lead.text())
	}
	cl.waitShared(t, 1)
	// one whose screen another draws quits: its terminal is its own again
	var left atomic.Bool
	quitter := others[0]
	quitter.vmu.Lock()
	quitter.vt.SetCallbacks(vt.Callbacks{AltScreen: func(on bool) { left.Store(!on) }})
	quitter.vmu.Unlock()
	quitter.typeKeys(t, "q")
	deadline := time.Now().Add(60 * time.Second)
	for !left.Load() {
		if time.Now().After(deadline) {
			t.Fatalf("a follower who quit was left in the alternate screen:\n%s", quitter.text())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// render is the screen with its colours and styles.
func (s *screen) render() string {
	s.vmu.Lock()
	defer s.vmu.Unlock()
	return s.vt.Render()
}

// waitShared waits until n followers' screens are drawn by another's,
// and says which student (by index) draws for them.
func (cl *class) waitShared(t testing.TB, n int) int {
	t.Helper()
	h := cl.srv.hub
	deadline := time.Now().Add(60 * time.Second)
	for {
		h.mu.Lock()
		for _, g := range h.groups {
			if len(g.members) == n && len(g.joining) == 0 && g.leader != nil {
				var i int
				fmt.Sscanf(g.leader.name, "student%d", &i)
				h.mu.Unlock()
				return i
			}
		}
		h.mu.Unlock()
		if time.Now().After(deadline) {
			t.Fatalf("never %d followers drawn by another's drawing", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestMorePsWhileARunRuns: while a session's run is alive the server has
// twice its Ps (procsPerCPU), and once the run is over (here: its session
// ended) as many as before. (A step-mode run stays alive, at the gate,
// until it is stepped or ended.)
func TestMorePsWhileARunRuns(t *testing.T) {
	was := runtime.GOMAXPROCS(0)
	tm := openAlone(t, Config{Mode: sim.Step})
	tm.typeKeys(t, "j", "\r")
	tm.waitFor(t, "Starting processes")
	tm.typeKeys(t, "\t", "r")
	tm.waitFor(t, `│ your move`)
	if got := runtime.GOMAXPROCS(0); got != procsPerCPU*was {
		t.Fatalf("GOMAXPROCS is %d while a run is alive; want %d (%d before)", got, procsPerCPU*was, was)
	}
	tm.typeKeys(t, "q") // the session ends, and its run
	deadline := time.Now().Add(60 * time.Second)
	for runtime.GOMAXPROCS(0) != was {
		if time.Now().After(deadline) {
			t.Fatalf("GOMAXPROCS is %d after the run; it was %d before", runtime.GOMAXPROCS(0), was)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// moreProcs counts: the Ps come back after the last of two runs.
func TestMorePsCounted(t *testing.T) {
	was := runtime.GOMAXPROCS(0)
	a, b := moreProcs(), moreProcs()
	a()
	if got := runtime.GOMAXPROCS(0); got != procsPerCPU*was {
		t.Fatalf("one run of two ended: GOMAXPROCS %d, want %d", got, procsPerCPU*was)
	}
	b()
	if got := runtime.GOMAXPROCS(0); got != was {
		t.Fatalf("both runs ended: GOMAXPROCS %d, want %d", got, was)
	}
}
