// Package serve is the classroom: proctour served over SSH, one bubbletea
// program per session (charm.land/wish/v2), each with its own demos (real
// processes, on the server) and its own progress, kept in the server's
// state directory by the student's key or user name.
//
// It is safe by default: with no flags it listens on localhost only and
// keeps its host key (0600) in the state directory; another address needs
// an authorized_keys file or an explicit Open. There is no shell, no port
// forwarding, no subsystem (sftp, scp) and no command: a session is the
// tutorial or nothing. Connections are rate-limited per address, and every
// session's processes end with it.
package serve

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	bm "charm.land/wish/v2/bubbletea"
	"charm.land/wish/v2/ratelimiter"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/time/rate"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/tui"
)

// Config is how the server runs.
type Config struct {
	// Addr is where to listen: host:port. Default 127.0.0.1:2222.
	Addr string
	// StateDir holds the host key and each student's progress
	// (students/ID/progress.json).
	StateDir string
	// AuthorizedKeys, when set, is an authorized_keys file: only its keys
	// (and the instructor's) may connect.
	AuthorizedKeys string
	// InstructorKey is a public key file: that key's sessions are the
	// instructor's.
	InstructorKey string
	// Open lets a server on a non-loopback address take anyone, without
	// AuthorizedKeys: the instructor says so explicitly.
	Open bool
	// Lang is the lessons' language for every session: en or zh.
	Lang string
	// Mode and Seed are how demos start.
	Mode sim.Mode
	Seed uint64
	// Caps bound what sessions may do.
	Caps Caps
	// Projector starts the instructor's sessions in the projector layout.
	Projector bool
}

// Caps are the server's limits.
type Caps struct {
	// Idle ends a session with no input for this long (0: 30 minutes).
	Idle time.Duration
	// ConnectionsPerMinute is how many connections one address may open
	// in a minute (0: 30), with a burst of as many.
	ConnectionsPerMinute int
	// Sessions is how many sessions may be open at once (0: 200).
	Sessions int
	// ProcessesPerSession is how many processes one session's runs may
	// have alive at once, as estimated from their variants (0: 310, a
	// 300-buyer run); RunsPerMinute how many runs it may start in a
	// minute (0: 60: a k repeat is 20); Processes the server's total
	// (0: 2000).
	ProcessesPerSession int
	RunsPerMinute       int
	Processes           int
}

func (c *Caps) defaults() {
	if c.Idle <= 0 {
		c.Idle = 30 * time.Minute
	}
	if c.ConnectionsPerMinute <= 0 {
		c.ConnectionsPerMinute = 30
	}
	if c.Sessions <= 0 {
		c.Sessions = 200
	}
	if c.ProcessesPerSession <= 0 {
		c.ProcessesPerSession = 310
	}
	if c.RunsPerMinute <= 0 {
		c.RunsPerMinute = 60
	}
	if c.Processes <= 0 {
		c.Processes = 2000
	}
}

// Server is a running classroom.
type Server struct {
	cfg        Config
	ssh        *ssh.Server
	ln         net.Listener
	instructor ssh.PublicKey

	hub  *hub // the classroom's shared screen, when there is an instructor
	caps caps
	// onRun, when set (benchmarks), is called as a run is admitted, just
	// before its session starts
	onRun func()

	mu       sync.Mutex
	sessions map[*session]bool
	wg       sync.WaitGroup
	closed   bool
}

// session is one student's (or the instructor's) connection.
type session struct {
	who        string // the student's id: key fingerprint or user name
	instructor bool
	cancel     context.CancelFunc
}

// ErrUnsafe is a server asked to listen beyond this machine with nobody
// to let in: it needs AuthorizedKeys, or Open.
var ErrUnsafe = errors.New("listening on a non-loopback address needs --authorized-keys FILE (or --open to let anyone in)")

// New checks the configuration, makes the host key if there is none, and
// listens. Serve then takes connections.
func New(cfg Config) (*Server, error) {
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:2222"
	}
	cfg.Caps.defaults()
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("--addr %s: %v", cfg.Addr, err)
	}
	if !loopback(host) && cfg.AuthorizedKeys == "" && !cfg.Open {
		return nil, ErrUnsafe
	}
	if cfg.StateDir == "" {
		return nil, errors.New("no state directory for the host key and the students' progress")
	}
	if err := os.MkdirAll(cfg.StateDir, 0o700); err != nil {
		return nil, fmt.Errorf("state directory: %w", err)
	}
	s := &Server{cfg: cfg, sessions: map[*session]bool{}}
	if cfg.InstructorKey != "" {
		b, err := os.ReadFile(cfg.InstructorKey)
		if err != nil {
			return nil, fmt.Errorf("--instructor-key: %w", err)
		}
		k, _, _, _, err := ssh.ParseAuthorizedKey(b)
		if err != nil {
			return nil, fmt.Errorf("--instructor-key %s: not a public key: %v", cfg.InstructorKey, err)
		}
		s.instructor = k
		s.hub = newHub()
	}
	var allowed []ssh.PublicKey
	if cfg.AuthorizedKeys != "" {
		if allowed, err = readAuthorizedKeys(cfg.AuthorizedKeys); err != nil {
			return nil, err
		}
	}
	hostKey := filepath.Join(cfg.StateDir, "ssh_host_ed25519")
	opts := []ssh.Option{
		wish.WithAddress(cfg.Addr),
		wish.WithHostKeyPath(hostKey),
		wish.WithIdleTimeout(cfg.Caps.Idle),
		wish.WithPublicKeyAuth(func(_ ssh.Context, key ssh.PublicKey) bool {
			if s.instructor != nil && ssh.KeysEqual(key, s.instructor) {
				return true
			}
			if cfg.AuthorizedKeys == "" {
				return true // localhost, or --open
			}
			for _, k := range allowed {
				if ssh.KeysEqual(key, k) {
					return true
				}
			}
			return false
		}),
		wish.WithMiddleware(
			s.tutorial,
			ratelimiter.Middleware(ratelimiter.NewRateLimiter(rate.Limit(float64(cfg.Caps.ConnectionsPerMinute)/60), cfg.Caps.ConnectionsPerMinute, 4096)),
		),
	}
	if cfg.AuthorizedKeys == "" {
		// Without a key list, a student without a key may come in by name
		// (ssh asks nothing).
		opts = append(opts, wish.WithKeyboardInteractiveAuth(func(ssh.Context, gossh.KeyboardInteractiveChallenge) bool { return true }))
	}
	srv, err := wish.NewServer(opts...)
	if err != nil {
		return nil, err
	}
	// Only sessions: no port forwarding (nil callbacks deny it), no
	// subsystem, no global requests.
	srv.ChannelHandlers = map[string]ssh.ChannelHandler{"session": ssh.DefaultSessionHandler}
	srv.SubsystemHandlers = map[string]ssh.SubsystemHandler{}
	srv.RequestHandlers = map[string]ssh.RequestHandler{}
	if err := os.Chmod(hostKey, 0o600); err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	s.ssh, s.ln = srv, ln
	return s, nil
}

// procsPerCPU is how many Ps (GOMAXPROCS) the server runs with for each
// CPU the Go runtime would take by default, while a run's processes are
// alive. The server shares the machine with its sessions' demos, and a
// run of a hundred processes keeps every CPU busy: when the OS gives the
// CPU of a thread holding a P to a demo's process, every goroutine queued
// on that P waits (the run's collector, the hub, a group's leader, the SSH
// writers), however short its work. With twice as many Ps, another thread
// takes that work, and the OS shares the CPUs between the server's
// threads and the demo's processes. BenchmarkFollowers (60 followers of a
// 100-buyer tickets run, 2 vCPUs): the followers' delay at the 95th
// percentile went from 85-106 ms to 54-74 ms, and the instructor's own
// screen's from 105-140 ms to 50-72 ms, for about 40% more of the server's
// CPU per run (the hub takes about twice the frames). With nothing
// running, the extra Ps would only cost idle CPU (their threads look for
// work as goroutines wake), so they are given back.
const procsPerCPU = 2

// procs counts the runs alive, and keeps GOMAXPROCS from before the
// first.
var procs struct {
	sync.Mutex
	running, was int
}

// moreProcs gives the process procsPerCPU times its Ps while a run is
// alive; the function it returns, called once as the run ends, gives them
// back after the last.
func moreProcs() (done func()) {
	procs.Lock()
	defer procs.Unlock()
	if procs.running == 0 {
		procs.was = runtime.GOMAXPROCS(procsPerCPU * runtime.GOMAXPROCS(0))
	}
	procs.running++
	return func() {
		procs.Lock()
		defer procs.Unlock()
		if procs.running--; procs.running == 0 {
			runtime.GOMAXPROCS(procs.was)
		}
	}
}

// Addr is where the server listens.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Serve takes connections until ctx ends, then ends every session, waits
// until each session's processes are reaped, and returns.
func (s *Server) Serve(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- s.ssh.Serve(s.ln) }()
	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, ssh.ErrServerClosed) {
			s.stopAll()
			return err
		}
	}
	s.stopAll()
	return nil
}

// stopAll closes the listener and every session, and waits for them.
func (s *Server) stopAll() {
	s.mu.Lock()
	s.closed = true
	for se := range s.sessions {
		se.cancel()
	}
	s.mu.Unlock()
	s.ssh.Close()
	s.wg.Wait()
}

// Sessions is how many sessions are open.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// tutorial is the one thing a session can be: proctour's UI on its pty.
func (s *Server) tutorial(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		if len(sess.Command()) > 0 || sess.Subsystem() != "" {
			wish.Fatalln(sess, "proctour: this server runs the tutorial only; connect without a command: ssh -p PORT HOST")
			return
		}
		pty, windows, ok := sess.Pty()
		if !ok {
			wish.Fatalln(sess, "proctour: the tutorial needs a terminal; connect with ssh -t")
			return
		}
		if pty.Window.Width < 80 || pty.Window.Height < 24 {
			wish.Fatalf(sess, "proctour: the terminal is %d×%d; proctour needs at least 80×24\n", pty.Window.Width, pty.Window.Height)
			return
		}
		se := &session{who: identity(sess)}
		se.instructor = s.instructor != nil && ssh.KeysEqual(sess.PublicKey(), s.instructor)
		ctx, cancel := context.WithCancel(sess.Context())
		se.cancel = cancel
		defer cancel()
		if !s.enter(se) {
			wish.Fatalln(sess, "proctour: the classroom is full; try again later")
			return
		}
		defer s.leave(se)
		progress, warn := s.progress(se.who)
		var m *member
		extra := bm.MakeOptions(sess)
		if s.hub != nil {
			out := newScreenOut(sess)
			go out.pump(ctx)
			m = s.hub.join(ctx, sess.User(), se.instructor, out, pty.Window.Width, pty.Window.Height)
			defer s.hub.leave(m)
			// a frame drawn within half the usual interval of its arrival:
			// with followers drawn once for all, the ticks cost little
			extra = append(extra, tea.WithFPS(120), tea.WithOutput(out), tea.WithFilter(func(_ tea.Model, msg tea.Msg) tea.Msg {
				switch msg.(type) {
				case tea.SuspendMsg: // (wish's own filter, which this one replaces)
					return tea.ResumeMsg{}
				case tea.QuitMsg, tea.InterruptMsg: // the program restores the terminal: its own writes
					s.hub.share(m, ^uint64(0), "", false)
					out.setMode(outOwn)
				case tea.KeyPressMsg: // on the frame the screen shows
					if f, ok := s.hub.catchUp(m); ok {
						return tui.ClassCatchUp{Frame: f, Msg: msg}
					}
				}
				return msg
			}))
		}
		opts := tui.Options{
			Lang: s.cfg.Lang, Mode: s.cfg.Mode, Seed: s.cfg.Seed, Progress: progress, Context: ctx,
			Extra:     extra,
			Admit:     s.admit(&budget{}, m),
			Projector: se.instructor && s.cfg.Projector,
			Attach: func(send func(tea.Msg)) {
				if m != nil {
					s.hub.attach(m, send)
				}
				go func() {
					for {
						select {
						case <-ctx.Done():
							return
						case w, ok := <-windows:
							if !ok {
								return
							}
							if m != nil {
								s.hub.resized(m, w.Width, w.Height)
							}
							send(tea.WindowSizeMsg{Width: w.Width, Height: w.Height})
						}
					}
				}()
			},
		}
		if warn != nil {
			opts.Notice = warn.Error()
		}
		if m != nil {
			h := s.hub
			opts.Class = &tui.Class{
				Instructor: se.instructor,
				Publish:    func(f tui.ClassFrame) { h.publish(m, f) },
				Answer:     func(ask, choice int) { h.answer(m, ask, choice) },
				Follow:     func(following bool) { h.follow(m, following) },
				Hand:       h.hand,
				Views:      h.views,
				Share:      func(n uint64, key string, byFrame bool) { h.share(m, n, key, byFrame) },
			}
		}
		if err := tui.Run(opts); err != nil && ctx.Err() == nil {
			wish.Errorln(sess, "proctour: "+err.Error())
		}
		next(sess)
	}
}

func (s *Server) enter(se *session) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || len(s.sessions) >= s.cfg.Caps.Sessions {
		return false
	}
	s.sessions[se] = true
	s.wg.Add(1)
	return true
}

func (s *Server) leave(se *session) {
	s.mu.Lock()
	delete(s.sessions, se)
	s.mu.Unlock()
	s.wg.Done()
}

// progress is a student's progress, in their own directory.
func (s *Server) progress(who string) (*lessons.Progress, error) {
	dir := filepath.Join(s.cfg.StateDir, "students", who)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return lessons.NewProgress(), fmt.Errorf("progress will not be saved: %w", err)
	}
	return lessons.LoadProgress(dir)
}

// identity names a session's student for their progress: their key's
// fingerprint when they came with a key, else their user name; either
// made safe as a directory name.
func identity(sess ssh.Session) string {
	if k := sess.PublicKey(); k != nil {
		sum := sha256.Sum256(k.Marshal())
		return "key-" + hex.EncodeToString(sum[:12])
	}
	var b strings.Builder
	for _, r := range sess.User() {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "user-anonymous"
	}
	return "user-" + b.String()
}

func readAuthorizedKeys(path string) ([]ssh.PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--authorized-keys: %w", err)
	}
	var keys []ssh.PublicKey
	for len(strings.TrimSpace(string(b))) > 0 {
		k, _, _, rest, err := ssh.ParseAuthorizedKey(b)
		if err != nil {
			break
		}
		keys = append(keys, k)
		b = rest
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("--authorized-keys %s: no public key in it", path)
	}
	return keys, nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
