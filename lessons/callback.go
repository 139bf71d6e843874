package lessons

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

var callbackListing = NewListing(`
PROCESSES = {processes}

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
	ID:        "callback",
	Lesson:    12,
	Summary:   "Pool workers download pages from a local HTTP server; the callback parses each in the main process, in completion order",
	SummaryZh: "进程池的工作进程从本地 HTTP 服务器下载网页；回调在主进程里按完成的顺序逐个解析",
	Listing:   callbackListing,
	ListingZh: map[string]string{
		"path: (title, size in bytes, seconds the server takes)": "路径：（标题，字节数，服务器耗时秒数）",
		"an HTML page of exactly size bytes":                     "恰好 size 字节的 HTML 页面",
		"a thread of the main process":                           "主进程里的一个线程",
		"a slow server":                                          "很慢的服务器",
		"no log line per request":                                "不为每个请求打日志",
		"in a worker: the slow, blocking part":                   "在工作进程里：又慢又阻塞的部分",
		"waits for the server":                                   "等服务器响应",
		"the main process's list":                                "主进程的列表",
		"the callback: in the main process, quick":               "回调：在主进程里执行，要快",
		"it can: this is the main process":                       "可以追加：这里就是主进程",
		"the error callback, in the main process too":            "错误回调，同样在主进程里执行",
		"no more tasks":                                          "不再提交任务",
		"every download done, every callback run":                "下载全部完成，回调全部执行完",
	},
	Variants: []Variant{
		{Key: "processes", Default: "3", Min: 1, Max: 6, Help: "worker processes downloading at once; with 1 the pages are parsed in the order they were submitted", HelpZh: "同时下载的工作进程数；为 1 时网页按提交的顺序解析"},
	},
	// The default takes about 2.7 listing seconds (0.6 s; 1.1 s in step
	// mode); processes=1, one download after another, about 6.4 (1.3 s).
	Budget: 4 * time.Second,
	Measures: map[string]func([]trace.Record) (int, bool){
		// callbacks run anywhere but in the main process (0: all in main)
		"callbacks_outside_main": func(events []trace.Record) (int, bool) {
			i := slices.IndexFunc(events, func(e trace.Record) bool { return e.Kind == trace.KindProcStart })
			if i < 0 {
				return 0, false
			}
			main, n, seen := events[i].Pid, 0, false // the main script's (run.begin is proctour's)
			for _, e := range events {
				if e.Kind == trace.KindPoolCallback {
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
