package serve

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/proctour/proctour/primitives"
)

func TestMain(m *testing.M) {
	primitives.MaybeRunChild()
	if spec := os.Getenv(envStudents); spec != "" { // the benchmark's students
		runStudents(spec)
	}
	os.Exit(m.Run())
}

// start runs a server on a free loopback port for one test; it is stopped,
// and every session's processes reaped, when the test ends.
func start(t testing.TB, cfg Config) *Server {
	t.Helper()
	if cfg.StateDir == "" {
		cfg.StateDir = t.TempDir()
	}
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return s
}

// key is a new client key.
func key(t testing.TB) gossh.Signer {
	t.Helper()
	s, err := newKey()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newKey() (gossh.Signer, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	return gossh.NewSignerFromKey(priv)
}

func dial(s *Server, user string, k gossh.Signer) (*gossh.Client, error) {
	return dialAddr(s.Addr().String(), user, k)
}

func dialAddr(addr, user string, k gossh.Signer) (*gossh.Client, error) {
	auth := []gossh.AuthMethod{gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) { return nil, nil })}
	if k != nil {
		auth = []gossh.AuthMethod{gossh.PublicKeys(k)}
	}
	return gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User: user, Auth: auth, HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 30 * time.Second,
	})
}

// terminal is a client session with a pty: what it shows, and a way to
// type.
type terminal struct {
	sess *gossh.Session
	in   io.WriteCloser
	mu   sync.Mutex
	out  strings.Builder
}

var ansiRE = regexp.MustCompile(`\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)`)

func (tm *terminal) Write(b []byte) (int, error) {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	tm.out.Write(b)
	return len(b), nil
}

// text is everything shown so far, without escape sequences.
func (tm *terminal) text() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return ansiRE.ReplaceAllString(tm.out.String(), "")
}

// waitFor waits until the screen has shown want (a hang fails after a
// long time; a slow machine does not).
func (tm *terminal) waitFor(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for !strings.Contains(tm.text(), want) {
		if time.Now().After(deadline) {
			txt := tm.text()
			t.Fatalf("the session never showed %q; the last of it:\n%s", want, txt[max(0, len(txt)-2000):])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitForRE waits until the screen has shown a match of re.
func (tm *terminal) waitForRE(t *testing.T, re string) {
	t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(90 * time.Second)
	for !rx.MatchString(tm.text()) {
		if time.Now().After(deadline) {
			txt := tm.text()
			t.Fatalf("the session never showed %s; the last of it:\n%s", re, txt[max(0, len(txt)-2000):])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (tm *terminal) typeKeys(t *testing.T, keys string) {
	t.Helper()
	if _, err := io.WriteString(tm.in, keys); err != nil {
		t.Fatal(err)
	}
}

func openTerminal(t *testing.T, c *gossh.Client, w, h int) *terminal {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	tm := &terminal{sess: sess}
	sess.Stdout, sess.Stderr = tm, tm
	if tm.in, err = sess.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	return tm
}

// children are this process's child processes (the demos' processes run
// in the server), by pid.
func children(t *testing.T) []int {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	self := os.Getpid()
	var out []int
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
		if ppid, _ := strconv.Atoi(f[1]); ppid == self {
			out = append(out, pid)
		}
	}
	return out
}

// TestStudentRunsADemo: a student connects with a key, opens lesson 2, runs
// its demo on the server, and leaves; the session ends, its progress is
// kept under the key, and no process is left.
func TestStudentRunsADemo(t *testing.T) {
	dir := t.TempDir()
	s := start(t, Config{StateDir: dir})
	c, err := dial(s, "ada", key(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tm := openTerminal(t, c, 120, 40)
	tm.waitFor(t, "Programs and processes")
	tm.typeKeys(t, "j")
	tm.typeKeys(t, "\r")
	tm.waitFor(t, "Starting processes")
	tm.typeKeys(t, "\t")
	tm.typeKeys(t, "r")
	time.Sleep(300 * time.Millisecond)
	tm.typeKeys(t, "s") // run without guessing, if it asks
	// The demo's lanes: real processes, with their pids, run to their end.
	tm.waitForRE(t, `Process-1 +\d+ exited 0`)
	tm.waitForRE(t, `Process-2 +\d+ exited 0`)
	tm.typeKeys(t, "q")
	if err := tm.sess.Wait(); err != nil {
		var exit *gossh.ExitError
		if !errors.As(err, &exit) {
			t.Fatalf("the session ended with %v", err)
		}
	}
	c.Close()
	waitNoSessions(t, s)
	if left := children(t); len(left) > 0 {
		t.Errorf("processes left after the session ended: %v", left)
	}
	students, _ := filepath.Glob(filepath.Join(dir, "students", "key-*", "progress.json"))
	if len(students) != 1 {
		t.Errorf("progress files kept by key: %v, want one", students)
	}
	if st, err := os.Stat(filepath.Join(dir, "ssh_host_ed25519")); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("host key: %v, mode %v; want it kept with mode 0600", err, st.Mode().Perm())
	}
}

func waitNoSessions(t *testing.T, s *Server) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for s.Sessions() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d sessions still open", s.Sessions())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestUnknownKeyRefused: with --authorized-keys, a key not in the file
// cannot connect; one in it can.
func TestUnknownKeyRefused(t *testing.T) {
	dir := t.TempDir()
	known := key(t)
	file := filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(file, gossh.MarshalAuthorizedKey(known.PublicKey()), 0o600); err != nil {
		t.Fatal(err)
	}
	s := start(t, Config{StateDir: dir, AuthorizedKeys: file})
	if c, err := dial(s, "mallory", key(t)); err == nil {
		c.Close()
		t.Fatal("an unknown key was let in")
	}
	if c, err := dial(s, "eve", nil); err == nil {
		c.Close()
		t.Fatal("a client without a key was let in although --authorized-keys is set")
	}
	c, err := dial(s, "ada", known)
	if err != nil {
		t.Fatalf("a key from the file was refused: %v", err)
	}
	c.Close()
}

// TestOnlyTheTutorial: a command, or a session without a terminal, gets
// one line saying why, and nothing runs.
func TestOnlyTheTutorial(t *testing.T) {
	s := start(t, Config{})
	c, err := dial(s, "ada", key(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	out, _ := sess.CombinedOutput("cat /etc/passwd")
	if !strings.Contains(string(out), "runs the tutorial only") || strings.Contains(string(out), "root:") {
		t.Errorf("a command got %q", out)
	}
	ok, _, _ := c.SendRequest("tcpip-forward", true, gossh.Marshal(struct {
		Addr string
		Port uint32
	}{"127.0.0.1", 0}))
	if ok {
		t.Error("remote port forwarding was accepted")
	}
	if ch, _, err := c.OpenChannel("direct-tcpip", gossh.Marshal(struct {
		Host     string
		Port     uint32
		OrigHost string
		OrigPort uint32
	}{"127.0.0.1", 22, "127.0.0.1", 1})); err == nil {
		ch.Close()
		t.Error("local port forwarding was accepted")
	}
}

// TestUnsafeAddressRefused: beyond localhost, a server needs a key list
// or an explicit --open.
func TestUnsafeAddressRefused(t *testing.T) {
	_, err := New(Config{Addr: "0.0.0.0:0", StateDir: t.TempDir()})
	if !errors.Is(err, ErrUnsafe) {
		t.Fatalf("New on 0.0.0.0 without keys: %v, want ErrUnsafe", err)
	}
	s, err := New(Config{Addr: "0.0.0.0:0", StateDir: t.TempDir(), Open: true})
	if err != nil {
		t.Fatalf("with --open: %v", err)
	}
	s.ln.Close()
}

// TestServerStopEndsSessions: stopping the server in the middle of a
// student's demo ends the session and reaps the demo's processes.
func TestServerStopEndsSessions(t *testing.T) {
	s, err := New(Config{Addr: "127.0.0.1:0", StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	c, err := dial(s, "ada", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tm := openTerminal(t, c, 100, 30)
	tm.waitFor(t, "Programs and processes")
	for _, k := range []string{"j", "j", "j", "j", "\r"} { // lesson 5: tickets, a hundred buyers
		tm.typeKeys(t, k)
	}
	tm.waitFor(t, "Locks")
	tm.typeKeys(t, "\t")
	tm.typeKeys(t, "r")
	time.Sleep(300 * time.Millisecond)
	tm.typeKeys(t, "s")
	tm.waitForRE(t, `buyer-\d+ +\d+ `) // a buyer's lane, with its pid
	if len(children(t)) == 0 {
		t.Fatal("no demo process runs in the server")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if s.Sessions() != 0 {
		t.Errorf("%d sessions open after the server stopped", s.Sessions())
	}
	if left := children(t); len(left) > 0 {
		t.Errorf("processes left after the server stopped: %v", left)
	}
}
