package lessons

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

var echoListing = NewListing(`
SERVER = {server}
CLIENTS = {clients}
WORKERS = {workers}

import socket
import time
from multiprocessing import Process, Pool, current_process

WORDS = ['spam', 'eggs', 'ham']  # each client sends one line per word

def serve(conn, addr):  # echo every line until the client closes
    me = current_process().name
    print(f'{me}: serving port {addr[1]}')                         #@serving
    with conn, conn.makefile('rb') as lines:
        for line in lines:  # waits for the next line; ends at EOF   #@readline
            time.sleep(0.4)  # handling a line takes a while         #@work
            conn.sendall(line)  # the echo                           #@echo
    print(f'{me}: port {addr[1]} closed the connection')           #@closed

listener = None

def init(sock):  # server=pool: each worker gets the listening socket
    global listener
    listener = sock                                                #@init

def serve_one(k):  # server=pool: a task serves one connection
    conn, addr = listener.accept()  # waits for a client           #@paccept
    serve(conn, addr)

def client(port):
    me = current_process().name
    s = socket.create_connection(('127.0.0.1', port))              #@connect
    with s, s.makefile('r') as replies:
        print(f'{me}: connected from port {s.getsockname()[1]}')    #@connected
        for word in WORDS:
            s.sendall(f'{word} from {me}\n'.encode())               #@send
            sent = time.monotonic()
            echo = replies.readline()  # waits for the server       #@reply
            if word == WORDS[0]:
                waited = time.monotonic() - sent
                print(f'{me}: first echo after {waited:.1f} s: {echo.strip()}')   #@first
            else:
                print(f'{me}: echo: {echo.strip()}')                 #@got
    # leaving the with block closes the socket: the server's loop ends

if __name__ == '__main__':
    server = socket.create_server(('127.0.0.1', 0))  # a free port   #@listen
    port = server.getsockname()[1]
    clients = [Process(target=client, args=(port,), name=f'client-{i}')
               for i in range(1, CLIENTS + 1)]
    for c in clients:
        c.start()  # connects at once: the OS queues it until accept()   #@cstart
    if SERVER == 'fork':  # one process per client
        handlers = []
        for k in range(1, CLIENTS + 1):  # a real server loops forever
            conn, addr = server.accept()  # waits for a client       #@accept
            h = Process(target=serve, args=(conn, addr), name=f'handler-{k}')
            h.start()  # the handler gets its own copy of conn       #@hstart
            conn.close()  # main's copy                              #@hclose
            handlers.append(h)
        for h in handlers:
            h.join()                                                #@hjoin
    else:  # a pool of WORKERS processes: more clients wait
        pool = Pool(WORKERS, initializer=init, initargs=(server,))   #@pool
        results = [pool.apply_async(serve_one, (k,))
                   for k in range(1, CLIENTS + 1)]                  #@submit
        for r in results:
            r.get()                                                 #@get
        pool.close()                                                #@pclose
        pool.join()                                                 #@pjoin
    for c in clients:
        c.join()                                                    #@cjoin
    server.close()                                                  #@sclose
`)

// EchoServer is lesson 14's concurrent server: a TCP echo server on
// 127.0.0.1 and CLIENTS client processes, each sending a line per word and
// printing the echoes; the server takes 0.4 s per line. server=fork: main
// accepts each connection and hands it to a new process (the connected
// socket passed in its arguments), which echoes until the client closes.
// server=pool: a Pool of WORKERS processes, each given the listening socket
// by the initializer, whose tasks each accept and serve one connection: a
// worker is busy for as long as its client stays connected, so with more
// clients than workers the extra clients are connected (the OS queues them)
// but get their first echo only once a worker is free.
var EchoServer = register(&Scenario{
	ID:        "echo-server",
	Lesson:    14,
	Summary:   "a TCP echo server: one process per client (fork), or a Pool of WORKERS where extra clients wait (pool)",
	SummaryZh: "TCP 回显服务器：每个客户端一个进程（fork），或一个有 WORKERS 个进程的进程池，多出来的客户端排队等待（pool）",
	Listing:   echoListing,
	ListingZh: map[string]string{
		"each client sends one line per word":                              "客户端每个词发送一行",
		"echo every line until the client closes":                          "回显每一行，直到客户端关闭连接",
		"waits for the next line; ends at EOF":                             "等待下一行；遇到 EOF 时结束",
		"handling a line takes a while":                                    "处理一行要花点时间",
		"the echo":                                                         "回显",
		"server=pool: each worker gets the listening socket":               "server=pool：每个工作进程拿到监听 socket",
		"server=pool: a task serves one connection":                        "server=pool：一个任务服务一个连接",
		"waits for a client":                                               "等待客户端",
		"waits for the server":                                             "等服务器响应",
		"leaving the with block closes the socket: the server's loop ends": "离开 with 块就关闭了 socket：服务器的循环随之结束",
		"a free port":                                                      "空闲端口",
		"connects at once: the OS queues it until accept()":                "立即连接：操作系统让它排队，直到 accept()",
		"one process per client":                                           "每个客户端一个进程",
		"a real server loops forever":                                      "真正的服务器会永远循环",
		"the handler gets its own copy of conn":                            "处理进程拿到自己的一份 conn 副本",
		"main's copy":                                                      "主进程那份",
		"a pool of WORKERS processes: more clients wait":                   "WORKERS 个进程的进程池：多出的客户端要等",
	},
	Variants: []Variant{
		{Key: "server", Default: "fork", Values: []string{"fork", "pool"}, Help: "fork: a new handler process per connection; pool: a Pool of WORKERS processes that each accept and serve one connection at a time", HelpZh: "fork：每个连接一个新的处理进程；pool：一个有 WORKERS 个进程的 Pool，每个进程一次 accept 并服务一个连接"},
		{Key: "clients", Default: "4", Min: 1, Max: 10, Help: "client processes; each sends 3 lines, which take the server 0.4 s each", HelpZh: "客户端进程数；每个发送 3 行，服务器处理每行要 0.4 秒"},
		{Key: "workers", Default: "2", Min: 1, Max: 4, Help: "server=pool: worker processes, so connections served at once", HelpZh: "server=pool 时的工作进程数，也就是同时服务的连接数"},
	},
	// Each connection takes the server about 1.2 listing seconds. Live,
	// the default (fork) takes about 1.3 (0.3 s), server=pool about 2.5, and
	// the slowest, server=pool clients=10 workers=1, about 12 (2.5 s). Step
	// mode is slower: one operation moves at a time, and a process waiting
	// on a socket holds the others up until the gate takes it to be waiting
	// outside (a quarter of a second each time), so the default takes about
	// 8 s and clients=10 about 19 s.
	Budget: 24 * time.Second,
	Measures: map[string]func([]trace.Record) (int, bool){
		// the longest any client waited for its first echo, in tenths of
		// a second; told once every client has had one
		"slowest_first_echo_ds": func(events []trace.Record) (int, bool) {
			clients, firsts, slowest := 0, 0, 0.0
			for _, e := range events {
				if e.Kind == trace.KindProcStart && strings.HasPrefix(e.Proc, "client") {
					clients++
				}
				text, _ := printed(e)
				if _, rest, ok := strings.Cut(text, ": first echo after "); ok {
					var s float64
					if _, err := fmt.Sscanf(rest, "%f s", &s); err == nil {
						firsts++
						slowest = max(slowest, s)
					}
				}
			}
			return int(slowest*10 + 0.5), clients > 0 && firsts == clients
		},
	},
	Main: echoMain,
})

var echoWords = []string{"spam", "eggs", "ham"}

const echoWork = 0.4 // listing seconds the server takes per line

// echoLine is the line a client sends for a word.
func echoLine(client, word string) string { return word + " from " + client + "\n" }

// echoServe is the listing's serve(conn, addr), in whichever process
// handles the connection.
func echoServe(rt *primitives.Runtime, conn net.Conn) error {
	at := echoListing.At
	port := conn.RemoteAddr().(*net.TCPAddr).Port
	defer conn.Close()
	rt.Line(at("serving"))
	rt.Printf("%s: serving port %d", rt.Name(), port)
	lines := bufio.NewReader(conn)
	for {
		rt.Line(at("readline"))
		line, err := lines.ReadString('\n')
		if errors.Is(err, io.EOF) && line == "" {
			break
		} else if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		rt.Line(at("work"))
		rt.Sleep(echoWork)
		rt.Line(at("echo"))
		if _, err := io.WriteString(conn, line); err != nil {
			return err
		}
	}
	conn.Close()
	rt.Line(at("closed"))
	rt.Printf("%s: port %d closed the connection", rt.Name(), port)
	return nil
}

type echoHandlerArgs struct {
	Conn primitives.File // the accepted connection
}

type echoInitArgs struct {
	Sock primitives.File // the listening socket
}

// echoListener is the pool worker's global listener, set by init.
var echoListener net.Listener

var (
	echoHandler = primitives.Register("echo-server.serve", func(rt *primitives.Runtime, a echoHandlerArgs) error {
		conn, err := a.Conn.Conn()
		a.Conn.Close()
		if err != nil {
			return err
		}
		return echoServe(rt, conn)
	})

	echoInit = primitives.RegisterTask("echo-server.init", func(rt *primitives.Runtime, a echoInitArgs) (any, error) {
		rt.Line(echoListing.At("init"))
		l, err := a.Sock.Listener()
		a.Sock.Close()
		echoListener = l
		return nil, err
	})

	echoServeOne = primitives.RegisterTask("echo-server.serve_one", func(rt *primitives.Runtime, k int) (any, error) {
		rt.Line(echoListing.At("paccept"))
		conn, err := echoListener.Accept()
		if err != nil {
			return nil, err
		}
		return nil, echoServe(rt, conn)
	})

	echoClient = primitives.Register("echo-server.client", func(rt *primitives.Runtime, port int) error {
		at := echoListing.At
		me := rt.Name()
		rt.Line(at("connect"))
		s, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			return err
		}
		defer s.Close()
		rt.Line(at("connected"))
		rt.Printf("%s: connected from port %d", me, s.LocalAddr().(*net.TCPAddr).Port)
		replies := bufio.NewReader(s)
		for i, word := range echoWords {
			rt.Line(at("send"))
			if _, err := io.WriteString(s, echoLine(me, word)); err != nil {
				return err
			}
			sent := time.Now()
			rt.Line(at("reply"))
			echo, err := replies.ReadString('\n')
			if err != nil && !errors.Is(err, io.EOF) {
				return err
			}
			if i == 0 {
				waited := float64(time.Since(sent)) / float64(rt.Real(1))
				rt.Line(at("first"))
				rt.Printf("%s: first echo after %.1f s: %s", me, waited, strings.TrimSpace(echo))
			} else {
				rt.Line(at("got"))
				rt.Printf("%s: echo: %s", me, strings.TrimSpace(echo))
			}
		}
		return s.Close()
	})
)

func echoMain(rt *primitives.Runtime, v Vars) error {
	at := echoListing.At
	n := v.Int("clients")
	rt.Line(at("listen"))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	server := ln.(*net.TCPListener)
	defer server.Close() // however the script ends, the port is let go
	port := server.Addr().(*net.TCPAddr).Port

	clients := make([]*primitives.Process, n)
	for i := range clients {
		clients[i] = primitives.NewProcess(rt, echoClient, port)
		clients[i].Name = fmt.Sprintf("client-%d", i+1)
	}
	rt.Line(at("cstart"))
	for _, c := range clients {
		if err := c.Start(); err != nil {
			return err
		}
	}
	// accept() below waits on the socket, not on anything the session can
	// interrupt: once every client has gone (done, or killed because the
	// session was stopped) nobody is left to connect, so the port is closed
	// and accept() returns.
	go func() {
		for _, c := range clients {
			<-c.Done()
		}
		server.Close()
	}()

	var acceptErr error
	if v["server"] == "fork" {
		var handlers []*primitives.Process
		for k := 1; k <= n; k++ {
			rt.Line(at("accept"))
			conn, err := server.AcceptTCP()
			if err != nil {
				acceptErr = err
				break
			}
			f, err := primitives.FileOf(conn)
			if err != nil {
				conn.Close()
				return err
			}
			h := primitives.NewProcess(rt, echoHandler, echoHandlerArgs{Conn: f})
			h.Name = fmt.Sprintf("handler-%d", k)
			rt.Line(at("hstart"))
			err = h.Start()
			rt.Line(at("hclose"))
			f.Close()
			conn.Close()
			if err != nil {
				return err
			}
			handlers = append(handlers, h)
		}
		for _, h := range handlers {
			rt.Line(at("hjoin"))
			h.Join()
		}
	} else {
		sock, err := primitives.FileOf(server)
		if err != nil {
			return err
		}
		defer sock.Close()
		rt.Line(at("pool"))
		pool, err := rt.NewPool("pool", primitives.PoolOptions{Processes: v.Int("workers"), Initializer: echoInit, InitArgs: echoInitArgs{Sock: sock}})
		if err != nil {
			return err
		}
		results := make([]*primitives.AsyncResult[any], n)
		rt.Line(at("submit"))
		for k := range results {
			if results[k], err = primitives.ApplyAsync(pool, echoServeOne, k+1, primitives.Callbacks[any]{}); err != nil {
				return err
			}
		}
		rt.Line(at("get"))
		for _, r := range results {
			if _, err := r.Get(); err != nil {
				return err
			}
		}
		rt.Line(at("pclose"))
		pool.Close()
		rt.Line(at("pjoin"))
		if err := pool.Join(); err != nil {
			return err
		}
	}
	for _, c := range clients {
		rt.Line(at("cjoin"))
		c.Join() // a stopped session unwinds here
	}
	if acceptErr != nil {
		return acceptErr
	}
	rt.Line(at("sclose"))
	server.Close()
	return nil
}
