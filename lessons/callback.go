package lessons

import (
	"bufio"
	"encoding/json"
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

var callbackListing = NewListing(`
import os
import re
import threading
import time
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
from multiprocessing import Pool
from urllib.request import urlopen

PAGES = {  # path: (title, size in bytes, seconds the server takes)
    '/processes': ('Processes', 2400, 2.7),
    '/pools':     ('Pools',      900, 0.4),
    '/queues':    ('Queues',    1500, 1.2),
    '/pipes':     ('Pipes',      300, 0.4),
    '/locks':     ('Locks',     1800, 1.2),
    '/managers':  ('Managers',   600, 0.5),
}

def page(title, size):  # an HTML page of exactly size bytes
    head = f'<html><head><title>{title}</title></head><body>'
    tail = '</body></html>'
    return (head + 'x' * (size - len(head) - len(tail)) + tail).encode()

class Handler(BaseHTTPRequestHandler):  # a thread of the main process
    def do_GET(self):
        title, size, delay = PAGES[self.path]
        time.sleep(delay)  # a slow server                         #@delay
        body = page(title, size)
        self.send_response(200)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)                                     #@respond

    def log_message(self, *args):  # no log line per request
        pass

def download(url):  # in a worker: the slow, blocking part
    with urlopen(url, timeout=10) as r:  # waits for the server    #@urlopen
        return url, os.getpid(), r.read()                          #@return

parsed = []  # the main process's list

def parse(result):  # the callback: in the main process, quick
    url, pid, body = result
    title = re.search(rb'<title>(.*?)</title>', body)[1].decode()  #@parse
    parsed.append(url)  # it can: this is the main process         #@append
    print(f'{url}: {len(body)} bytes, title {title}, '
          f'downloaded by {pid}, parsed in {os.getpid()}')         #@print

def report(exc):  # the error callback, in the main process too
    print('download failed:', exc)                                 #@report

if __name__ == '__main__':
    server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)        #@server
    threading.Thread(target=server.serve_forever, daemon=True).start()   #@thread
    base = f'http://127.0.0.1:{server.server_port}'
    print(f'main {os.getpid()}: serving {len(PAGES)} pages on {base}')   #@serving
    with Pool(PROCESSES) as pool:                                  #@pool
        for path in PAGES:
            pool.apply_async(download, (base + path,),
                             callback=parse, error_callback=report)   #@submit
        pool.close()  # no more tasks                              #@close
        pool.join()   # every download done, every callback run    #@join
    server.shutdown()                                              #@shutdown
    print('submitted:', *PAGES)                                    #@submitted
    print('parsed:   ', *[url.removeprefix(base) for url in parsed])  #@parsed
`)

// Callback is lesson 12's callbacks: the main script serves a handful of
// pages from a local HTTP server (a thread of the main process, here a
// goroutine; each page takes its time), a Pool's workers download them —
// the slow, blocking part — and parse, the callback, runs in the main
// process for each page as soon as its download is done: in the order the
// downloads finish, not the order they were submitted.
var Callback = register(&Scenario{
	ID:      "callback",
	Lesson:  12,
	Summary: "Pool workers download pages from a local HTTP server; the callback parses each in the main process, in completion order",
	Listing: callbackListing,
	Variants: []Variant{
		{Key: "processes", Default: "3", Min: 1, Max: 6, Help: "worker processes downloading at once; with 1 the pages are parsed in the order they were submitted"},
	},
	// The default takes about 2.7 listing seconds (0.6 s; 1.1 s in step
	// mode); processes=1, one download after another, about 6.4 (1.3 s).
	Budget: 4 * time.Second,
	Measures: map[string]func([]primitives.Record) (int, bool){
		// callbacks run anywhere but in the main process (0: all in main)
		"callbacks_outside_main": func(events []primitives.Record) (int, bool) {
			if len(events) == 0 {
				return 0, false
			}
			main, n, seen := events[0].Pid, 0, false
			for _, e := range events {
				if e.Kind == primitives.KindPoolCallback {
					seen = true
					if e.Pid != main {
						n++
					}
				}
			}
			return n, seen
		},
	},
	Main: callbackMain,
})

// callbackPage is one of the listing's PAGES.
type callbackPage struct {
	path, title string
	size        int
	delay       float64 // listing seconds the server takes
}

var callbackPages = []callbackPage{
	{"/processes", "Processes", 2400, 2.7},
	{"/pools", "Pools", 900, 0.4},
	{"/queues", "Queues", 1500, 1.2},
	{"/pipes", "Pipes", 300, 0.4},
	{"/locks", "Locks", 1800, 1.2},
	{"/managers", "Managers", 600, 0.5},
}

// body is the listing's page(title, size).
func (p callbackPage) body() string {
	head := "<html><head><title>" + p.title + "</title></head><body>"
	tail := "</body></html>"
	return head + strings.Repeat("x", p.size-len(head)-len(tail)) + tail
}

// downloaded is download()'s result, the tuple (url, pid, body); it travels
// as a list, as a tuple prints.
type downloaded struct {
	URL  string
	Pid  int
	Body string
}

func (d downloaded) MarshalJSON() ([]byte, error) {
	return json.Marshal([]any{d.URL, d.Pid, d.Body})
}

func (d *downloaded) UnmarshalJSON(b []byte) error {
	var parts []json.RawMessage
	if err := json.Unmarshal(b, &parts); err != nil {
		return err
	}
	if len(parts) != 3 {
		return fmt.Errorf("download result: %d items, want 3", len(parts))
	}
	return errors.Join(json.Unmarshal(parts[0], &d.URL), json.Unmarshal(parts[1], &d.Pid), json.Unmarshal(parts[2], &d.Body))
}

// callbackTimeout is urlopen's timeout, in listing seconds.
const callbackTimeout = 10

var callbackDownload = primitives.RegisterTask("callback.download", func(rt *primitives.Runtime, url string) (downloaded, error) {
	at := callbackListing.At
	rt.Line(at("urlopen"))
	body, err := httpGet(url, rt.Real(callbackTimeout))
	if err != nil {
		return downloaded{}, err
	}
	rt.Line(at("return"))
	return downloaded{URL: url, Pid: rt.Pid(), Body: body}, nil
})

func callbackMain(rt *primitives.Runtime, v Vars) error {
	at := callbackListing.At
	rt.Line(at("server"))
	server, err := newPageServer(rt, callbackPages)
	if err != nil {
		return err
	}
	defer server.Shutdown() // however the script ends: no goroutine, no port left
	rt.Line(at("thread"))
	server.Start()
	base := "http://" + server.Addr()
	rt.Line(at("serving"))
	rt.Printf("main %d: serving %d pages on %s", rt.Pid(), len(callbackPages), base)

	var parsed []string // appended to by the callback, in this process
	cbs := primitives.Callbacks[downloaded]{
		CallbackName: "parse",
		Callback: func(rt *primitives.Runtime, d downloaded) {
			rt.Line(at("parse"))
			title := "?"
			if _, rest, ok := strings.Cut(d.Body, "<title>"); ok {
				title, _, _ = strings.Cut(rest, "</title>")
			}
			rt.Line(at("append"))
			parsed = append(parsed, d.URL)
			rt.Line(at("print"))
			rt.Printf("%s: %d bytes, title %s, downloaded by %d, parsed in %d", d.URL, len(d.Body), title, d.Pid, rt.Pid())
		},
		ErrorCallbackName: "report",
		ErrorCallback: func(rt *primitives.Runtime, err error) {
			rt.Line(at("report"))
			rt.Print("download failed:", err)
		},
	}

	rt.Line(at("pool"))
	pool, err := rt.NewPool("pool", primitives.PoolOptions{Processes: v.Int("processes")})
	if err != nil {
		return err
	}
	for _, p := range callbackPages {
		rt.Line(at("submit"))
		if _, err := primitives.ApplyAsync(pool, callbackDownload, base+p.path, cbs); err != nil {
			return err
		}
	}
	rt.Line(at("close"))
	pool.Close()
	rt.Line(at("join"))
	if err := pool.Join(); err != nil {
		return err
	}
	rt.Line(at("shutdown"))
	server.Shutdown()

	submitted := make([]string, len(callbackPages))
	for i, p := range callbackPages {
		submitted[i] = p.path
	}
	paths := make([]string, len(parsed))
	for i, u := range parsed {
		paths[i] = strings.TrimPrefix(u, base)
	}
	rt.Line(at("submitted"))
	rt.Print("submitted:", strings.Join(submitted, " "))
	rt.Line(at("parsed"))
	rt.Print("parsed:   ", strings.Join(paths, " "))
	return nil
}

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
	t := time.NewTimer(s.rt.Real(p.delay))
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
