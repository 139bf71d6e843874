package lessons

// The HTTP of the callback scenario: the listing's ThreadingHTTPServer and
// urlopen, by hand, so that no child process pays for net/http's
// initialisation.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/sim"
)

// pageServer is the listing's ThreadingHTTPServer: an HTTP/1.0 server, by
// hand (net/http's initialisation would run again in every child, all of
// which re-execute this binary), on a goroutine of the main process, one
// goroutine per request. Shutdown stops it, closes the port and every open
// connection, and waits for its goroutines.
type pageServer struct {
	rt    *primitives.Runtime
	l     net.Listener
	pages map[string]callbackPage
	done  chan struct{}
	wg    sync.WaitGroup

	mu     sync.Mutex
	closed bool
	conns  map[net.Conn]struct{}
}

func newPageServer(rt *primitives.Runtime, pages []callbackPage) (*pageServer, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &pageServer{rt: rt, l: l, pages: map[string]callbackPage{}, done: make(chan struct{}), conns: map[net.Conn]struct{}{}}
	for _, p := range pages {
		s.pages[p.path] = p
	}
	return s, nil
}

// Addr is host:port.
func (s *pageServer) Addr() string { return s.l.Addr().String() }

// Start runs serve_forever on a goroutine of its own (the listing's
// thread): it accepts connections until Shutdown.
func (s *pageServer) Start() {
	s.wg.Add(1)
	go s.serveForever()
}

func (s *pageServer) serveForever() {
	defer s.wg.Done()
	for {
		c, err := s.l.Accept()
		if err != nil {
			return // the listener is closed: Shutdown
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close()
			return
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go s.handle(c)
	}
}

// handle answers one request: GET path HTTP/1.x, headers, a blank line;
// then, after the page's delay, the status line, Content-Length and the
// body; then it closes the connection, as HTTP/1.0 does.
func (s *pageServer) handle(c net.Conn) {
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		c.Close()
	}()
	c.SetReadDeadline(time.Now().Add(10 * time.Second)) // a client that never sends
	r := bufio.NewReader(c)
	request, err := r.ReadString('\n')
	if err != nil {
		return
	}
	for { // the headers, up to the blank line; none is needed
		h, err := r.ReadString('\n')
		if err != nil {
			return
		}
		if strings.TrimRight(h, "\r\n") == "" {
			break
		}
	}
	fields := strings.Fields(request)
	if len(fields) != 3 || fields[0] != "GET" {
		io.WriteString(c, "HTTP/1.0 501 Unsupported method\r\nContent-Length: 0\r\n\r\n")
		return
	}
	p, ok := s.pages[fields[1]]
	if !ok {
		io.WriteString(c, "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n")
		return
	}
	delay := s.rt.Real(p.delay)
	if s.rt.Gated() {
		// In step and seeded modes the scheduler decides the order of the
		// processes' steps. This server is a thread of MainProcess outside
		// the gate: a real delay would let the clock decide, against the
		// scheduler, whether a download is back before the next step, and
		// the same seed would not give the same run. It answers at once.
		delay = 0
	}
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-t.C:
	case <-s.done:
		return
	}
	body := p.body()
	io.WriteString(c, "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: "+strconv.Itoa(len(body))+"\r\n\r\n"+body)
}

// Shutdown is server.shutdown() and server_close(): the port is closed,
// requests being served are dropped, and it returns once every goroutine
// of the server has ended. It may be called more than once.
func (s *pageServer) Shutdown() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.done)
	s.l.Close()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// httpGet is urlopen(url, timeout).read() for http://host:port/path, by
// hand: an HTTP/1.0 GET, the status line and headers, then Content-Length
// bytes of body (or up to EOF without one).
func httpGet(url string, timeout time.Duration) (string, error) {
	rest, ok := strings.CutPrefix(url, "http://")
	if !ok {
		return "", &primitives.Error{Type: "ValueError", Msg: "unknown url type: " + sim.Repr(url)}
	}
	host, path, _ := strings.Cut(rest, "/")
	c, err := net.DialTimeout("tcp", host, timeout)
	if err != nil {
		return "", urlError(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(timeout))
	if _, err := io.WriteString(c, "GET /"+path+" HTTP/1.0\r\nHost: "+host+"\r\n\r\n"); err != nil {
		return "", urlError(err)
	}
	r := bufio.NewReader(c)
	status, err := r.ReadString('\n')
	if err != nil {
		return "", urlError(err)
	}
	// HTTP/1.0 200 OK
	proto, rest, _ := strings.Cut(strings.TrimRight(status, "\r\n"), " ")
	codeText, reason, _ := strings.Cut(rest, " ")
	code, err := strconv.Atoi(codeText)
	if !strings.HasPrefix(proto, "HTTP/") || err != nil {
		return "", &primitives.Error{Type: "http.client.BadStatusLine", Msg: sim.Repr(status)}
	}
	length := -1
	for {
		h, err := r.ReadString('\n')
		if err != nil {
			return "", urlError(err)
		}
		h = strings.TrimRight(h, "\r\n")
		if h == "" {
			break
		}
		if k, v, ok := strings.Cut(h, ":"); ok && strings.EqualFold(strings.TrimSpace(k), "Content-Length") {
			if length, err = strconv.Atoi(strings.TrimSpace(v)); err != nil || length < 0 {
				return "", &primitives.Error{Type: "http.client.HTTPException", Msg: "bad Content-Length " + sim.Repr(v)}
			}
		}
	}
	if code != 200 {
		return "", &primitives.Error{Type: "urllib.error.HTTPError", Msg: fmt.Sprintf("HTTP Error %d: %s", code, reason)}
	}
	var body []byte
	if length >= 0 {
		body = make([]byte, length)
		_, err = io.ReadFull(r, body)
	} else {
		body, err = io.ReadAll(r)
	}
	if err != nil {
		return "", urlError(err)
	}
	return string(body), nil
}

// urlError is a network error as urlopen raises it.
func urlError(err error) error {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &primitives.Error{Type: "TimeoutError", Msg: "timed out"}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &primitives.Error{Type: "http.client.RemoteDisconnected", Msg: "Remote end closed connection without response"}
	}
	return &primitives.Error{Type: "urllib.error.URLError", Msg: "<urlopen error " + err.Error() + ">"}
}
