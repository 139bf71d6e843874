package serve

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// The benchmark's students are another process: this test binary again,
// started with envStudents. In a classroom each student's SSH client and
// terminal run on the student's own machine; in one process with the
// server they would take the server's CPU, heap and Go scheduler, and the
// figures would be theirs as much as the server's. The machine is still
// shared (the students' process takes CPU from the server's), so the
// figures are, if anything, on the slow side.
//
// The protocol is lines: the students' process says "ready" once every
// session is open and every sampled screen shows the lesson list; then
// to "reset" it forgets what the screens showed and says "ok", and to
// "wait M" it waits until every sampled screen showed a timeline of M
// events and answers with what each showed when (a JSON list of maps,
// timeline length → monotonic ns). Its standard input closed, it closes
// its sessions and exits.
const envStudents = "PROCTOUR_BENCH_STUDENTS"

type studentsSpec struct {
	Addr      string
	N, Sample int
}

// students is the benchmark's students' process, seen from the benchmark.
type students struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Scanner
}

// startStudents starts n students following the class at addr, the
// screens of the first sample drawn by an emulator and watched.
func startStudents(t testing.TB, addr string, n, sample int) *students {
	t.Helper()
	spec, _ := json.Marshal(studentsSpec{Addr: addr, N: n, Sample: sample})
	cmd := exec.Command(os.Args[0], "-test.run", "^$")
	cmd.Env = append(os.Environ(), envStudents+"="+string(spec))
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &students{cmd: cmd, in: in, out: bufio.NewScanner(out)}
	s.out.Buffer(make([]byte, 64<<10), 16<<20)
	t.Cleanup(func() { // (its input closed, it leaves; a hang is killed)
		in.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	if got := s.line(t); got != "ready" {
		t.Fatalf("the students' process said %q, not ready", got)
	}
	return s
}

// line is the students' process's next line.
func (s *students) line(t testing.TB) string {
	t.Helper()
	if !s.out.Scan() {
		t.Fatalf("the students' process ended: %v", s.out.Err())
	}
	return s.out.Text()
}

func (s *students) ask(t testing.TB, line string) string {
	t.Helper()
	if _, err := io.WriteString(s.in, line+"\n"); err != nil {
		t.Fatal(err)
	}
	return s.line(t)
}

// reset has the students forget what their screens showed.
func (s *students) reset(t testing.TB) {
	t.Helper()
	if got := s.ask(t, "reset"); got != "ok" {
		t.Fatalf("the students' process said %q to reset", got)
	}
}

// waitSeen waits until every sampled screen showed a timeline of m events,
// and is when each showed each length.
func (s *students) waitSeen(t testing.TB, m int) []map[int]int64 {
	t.Helper()
	got := s.ask(t, fmt.Sprintf("wait %d", m))
	var seen []map[int]int64
	if err := json.Unmarshal([]byte(got), &seen); err != nil {
		t.Fatalf("the students' process said %q", got)
	}
	return seen
}

// runStudents is the students' process: it never returns.
func runStudents(spec string) {
	var sp studentsSpec
	if err := json.Unmarshal([]byte(spec), &sp); err != nil {
		fmt.Fprintln(os.Stderr, "students:", err)
		os.Exit(2)
	}
	if err := studentsMain(sp, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "students:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

func studentsMain(sp studentsSpec, in io.Reader, out io.Writer) error {
	var clients []*gossh.Client
	defer func() {
		for _, c := range clients {
			c.Close()
		}
	}()
	var screens []*screen
	var watched []*watcher
	for i := range sp.N {
		k, err := newKey()
		if err != nil {
			return err
		}
		c, err := dialAddr(sp.Addr, fmt.Sprintf("student%d", i), k)
		if err != nil {
			return err
		}
		clients = append(clients, c)
		s, err := newScreen(c, 100, 30, i < sp.Sample)
		if err != nil {
			return err
		}
		screens = append(screens, s)
		if i < sp.Sample {
			w := &watcher{seen: map[int]int64{}, rx: regexp.MustCompile(`event \d+ of (\d+)`)}
			s.mu.Lock()
			s.watch = w.see
			s.mu.Unlock()
			watched = append(watched, w)
		}
	}
	for _, s := range screens {
		if s.vt != nil {
			if _, err := s.await("Programs and processes"); err != nil {
				return err
			}
		}
	}
	fmt.Fprintln(out, "ready")
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		cmd, arg, _ := strings.Cut(sc.Text(), " ")
		switch cmd {
		case "reset":
			for _, w := range watched {
				w.reset()
			}
			fmt.Fprintln(out, "ok")
		case "wait":
			m, err := strconv.Atoi(arg)
			if err != nil {
				return err
			}
			seen := make([]map[int]int64, len(watched))
			for i, w := range watched {
				if err := w.await(m); err != nil {
					return err
				}
				seen[i] = w.snapshot()
			}
			js, _ := json.Marshal(seen)
			fmt.Fprintf(out, "%s\n", js)
		default:
			return fmt.Errorf("unknown command %q", sc.Text())
		}
	}
	return sc.Err()
}
