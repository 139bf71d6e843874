package lessons

import (
	"time"

	"github.com/proctour/proctour/primitives"
)

var adderListing = NewListing(`
REQUESTS = {requests}

import time
from multiprocessing import Pipe, get_context

def adder(conn):
    served = 0
    while True:
        try:
            x, y = conn.recv()     # a request: waits for the next one   #@srecv
        except EOFError:           # the client closed its end
            break
        time.sleep(0.3)            # the server takes its time          #@work
        conn.send(x + y)                                #@reply
        served += 1
    print(f'server: EOF after {served} requests, bye')  #@seof
    conn.close()                                        #@sclose

if __name__ == '__main__':
    # With spawn the server gets only server_conn, the end in its args.
    # (With fork it would also inherit main's copy of client_conn, and
    # its recv() would never raise EOFError.)
    spawn = get_context('spawn')  # whatever the default start method is
    client_conn, server_conn = Pipe()                   #@pipe
    server = spawn.Process(target=adder, args=(server_conn,), name='server')
    server.start()                                      #@start
    # Main's copy of the server's end: closed, so that if the server
    # died, client_conn.recv() would raise EOFError, not wait for ever.
    server_conn.close()                                 #@close1
    for i in range(1, REQUESTS + 1):
        x, y = i, i * 10
        client_conn.send((x, y))                        #@send
        print(f'{x} + {y} = {client_conn.recv()}')      #@recv
    # No more requests: the server's recv() raises EOFError once the
    # last copy of client_conn, this one, is closed.
    client_conn.close()                                 #@close2
    server.join()                                       #@join
    print(f'server exitcode: {server.exitcode}')        #@exitcode
`)

// Adder is lesson 9's request/response over a pipe: a tiny RPC server. The
// server process answers every (x, y) it receives with x + y until recv()
// raises EOFError; the client (the main script) sends REQUESTS requests,
// prints each answer, then closes its end, which is what ends the server.
var Adder = register(&Scenario{
	ID:        "adder",
	Lesson:    9,
	Summary:   "a server process adds (x, y) requests from a pipe until EOFError: a tiny RPC server",
	SummaryZh: "一个服务进程从管道读取 (x, y) 请求并求和，直到 EOFError：一个迷你 RPC 服务器",
	Listing:   adderListing,
	ListingZh: map[string]string{
		"whatever the default start method is":                              "不管默认的启动方式是哪种",
		"a request: waits for the next one":                                 "一个请求：等待下一个",
		"the client closed its end":                                         "客户端关闭了它那一端",
		"the server takes its time":                                         "服务端不慌不忙",
		"With spawn the server gets only server_conn, the end in its args.": "用 spawn 时，服务端只拿到参数里的那一端 server_conn。",
		"(With fork it would also inherit main's copy of client_conn, and":  "（若用 fork，它还会继承主进程的 client_conn 副本，",
		"its recv() would never raise EOFError.)":                           "于是 recv() 永远不会抛出 EOFError。）",
		"Main's copy of the server's end: closed, so that if the server":    "主进程里服务端那一端的副本：关掉它，这样服务端一旦",
		"died, client_conn.recv() would raise EOFError, not wait for ever.": "挂掉，client_conn.recv() 会抛出 EOFError，而不是永远等下去。",
		"No more requests: the server's recv() raises EOFError once the":    "请求发完了：client_conn 的最后一个副本（就是这个）",
		"last copy of client_conn, this one, is closed.":                    "一关闭，服务端的 recv() 就会抛出 EOFError。",
	},
	Variants: []Variant{
		{Key: "requests", Default: "5", Min: 1, Max: 30, Help: "how many (x, y) requests the client sends", HelpZh: "客户端发送多少个 (x, y) 请求"},
	},
	Budget: 8 * time.Second,
	Main:   adderMain,
})

type adderArgs struct {
	Conn *primitives.Conn
}

// adderWork is how long the server takes per request, in listing seconds.
const adderWork = 0.3

var adderServer = primitives.Register("adder.adder", func(rt *primitives.Runtime, a adderArgs) error {
	at := adderListing.At
	served := 0
	for {
		var req [2]int
		rt.Line(at("srecv"))
		if err := a.Conn.Recv(&req); isEOFError(err) {
			break
		} else if err != nil {
			return err
		}
		rt.Line(at("work"))
		rt.Sleep(adderWork)
		rt.Line(at("reply"))
		if err := a.Conn.Send(req[0] + req[1]); err != nil {
			return err
		}
		served++
	}
	rt.Line(at("seof"))
	rt.Printf("server: EOF after %d requests, bye", served)
	rt.Line(at("sclose"))
	return a.Conn.Close()
})

func adderMain(rt *primitives.Runtime, v Vars) error {
	at := adderListing.At
	rt.Line(at("pipe"))
	clientConn, serverConn, err := rt.NewPipe("client_conn, server_conn", true)
	if err != nil {
		return err
	}
	server := primitives.NewProcess(rt, adderServer, adderArgs{Conn: serverConn})
	server.Name = "server"
	rt.Line(at("start"))
	if err := server.Start(); err != nil {
		return err
	}
	rt.Line(at("close1"))
	if err := serverConn.Close(); err != nil {
		return err
	}
	for i := 1; i <= v.Int("requests"); i++ {
		x, y := i, i*10
		rt.Line(at("send"))
		if err := clientConn.Send([2]int{x, y}); err != nil {
			return err
		}
		var sum int
		rt.Line(at("recv"))
		if err := clientConn.Recv(&sum); err != nil {
			return err
		}
		rt.Printf("%d + %d = %d", x, y, sum)
	}
	rt.Line(at("close2"))
	if err := clientConn.Close(); err != nil {
		return err
	}
	rt.Line(at("join"))
	server.Join()
	code, _ := server.ExitCode()
	rt.Line(at("exitcode"))
	rt.Printf("server exitcode: %d", code)
	return nil
}
