package lessons

import (
	"strconv"
	"strings"
	"time"

	"github.com/proctour/proctour/primitives"
)

var pipeListing = NewListing(`
DUPLEX = {duplex}
PATIENCE = {patience}

import time
from multiprocessing import Process, Pipe

MESSAGES = ['ping', 'how are you?', 'pipes are fun']
THINK = 1        # seconds the child takes to answer

def child(conn):
    conn.send('hello from the child')                   #@hello
    while True:
        msg = conn.recv()      # waits for the parent     #@crecv
        print('child got', msg)                         #@cgot
        if msg == 'bye':
            break
        time.sleep(THINK)                               #@think
        conn.send(msg.upper())                          #@reply
    conn.send('bye, parent')                            #@cbye
    conn.close()                                        #@cclose

if __name__ == '__main__':
    # Pipe() is duplex: both ends send and receive. With duplex=False the
    # first end only receives and the second only sends.
    parent_conn, child_conn = Pipe(duplex=DUPLEX)       #@pipe
    p = Process(target=child, args=(child_conn,), name='child')
    p.start()                                           #@start
    child_conn.close()         # the child has its own copy now   #@close
    print('main got', parent_conn.recv())               #@hellorecv
    for msg in MESSAGES:
        parent_conn.send(msg)                           #@send
        # poll(t): is an answer there? waits at most t seconds
        while not parent_conn.poll(PATIENCE):           #@poll
            print('main: no answer yet')                #@noanswer
        print('main got', parent_conn.recv())           #@recv
    parent_conn.send('bye')                             #@bye
    print('main got', parent_conn.recv())               #@lastrecv
    p.join()                                            #@join
    parent_conn.close()                                 #@pclose
`)

// The conversation, in listing seconds: the listing's constants.
var pipeMessages = []string{"ping", "how are you?", "pipes are fun"}

const pipeThink = 1

// Pipe is lesson 9's first pipe: parent and child talk both ways over the
// two ends of a duplex Pipe. The child takes THINK seconds to answer, so
// the parent's poll(PATIENCE) says "not yet" a few times before the answer
// is there. With duplex=off the pipe is one-way: the child's greeting still
// arrives, but the parent's send on its receive-only end raises OSError, and
// so does the child's recv on its send-only end.
var Pipe = register(&Scenario{
	ID:        "pipe",
	Lesson:    9,
	Summary:   "parent and child send() and recv() both ways over a duplex Pipe; poll(t) waits at most t s",
	SummaryZh: "父子进程通过双向 Pipe 互相 send() 和 recv()；poll(t) 最多等 t 秒",
	Listing:   pipeListing,
	ListingZh: map[string]string{
		"seconds the child takes to answer":                                   "子进程回答所需的秒数",
		"waits for the parent":                                                "等父进程发来",
		"Pipe() is duplex: both ends send and receive. With duplex=False the": "Pipe() 是双向的：两端都能收发。若 duplex=False，",
		"first end only receives and the second only sends.":                  "则第一端只能收，第二端只能发。",
		"the child has its own copy now":                                      "子进程现在有自己的副本了",
		"poll(t): is an answer there? waits at most t seconds":                "poll(t)：有回答了吗？最多等 t 秒",
	},
	Variants: []Variant{
		{Key: "duplex", Default: "on", Values: []string{"on", "off"}, Help: "Pipe(duplex=True), or a one-way Pipe(duplex=False): parent_conn only receives, child_conn only sends", HelpZh: "Pipe(duplex=True)，或者单向的 Pipe(duplex=False)：parent_conn 只能收，child_conn 只能发"},
		{Key: "patience", Default: "0.4", Values: []string{"0.4", "2"}, Help: "seconds each poll() waits for the child's answer (it takes 1 s)", HelpZh: "每次 poll() 等子进程回答的秒数（子进程要 1 秒才回答）"},
	},
	Budget: 10 * time.Second,
	Main:   pipeMain,
})

type pipeChildArgs struct {
	Conn *primitives.Conn
}

var pipeChild = primitives.Register("pipe.child", func(rt *primitives.Runtime, a pipeChildArgs) error {
	at := pipeListing.At
	rt.Line(at("hello"))
	if err := a.Conn.Send("hello from the child"); err != nil {
		return err
	}
	for {
		var msg string
		rt.Line(at("crecv"))
		if err := a.Conn.Recv(&msg); err != nil {
			return err
		}
		rt.Line(at("cgot"))
		rt.Print("child got", msg)
		if msg == "bye" {
			break
		}
		rt.Line(at("think"))
		rt.Sleep(pipeThink)
		rt.Line(at("reply"))
		if err := a.Conn.Send(strings.ToUpper(msg)); err != nil {
			return err
		}
	}
	rt.Line(at("cbye"))
	if err := a.Conn.Send("bye, parent"); err != nil {
		return err
	}
	rt.Line(at("cclose"))
	return a.Conn.Close()
})

func pipeMain(rt *primitives.Runtime, v Vars) error {
	at := pipeListing.At
	patience, _ := strconv.ParseFloat(v["patience"], 64)
	rt.Line(at("pipe"))
	parentConn, childConn, err := rt.NewPipe("parent_conn, child_conn", v.On("duplex"))
	if err != nil {
		return err
	}
	p := primitives.NewProcess(rt, pipeChild, pipeChildArgs{Conn: childConn})
	p.Name = "child"
	rt.Line(at("start"))
	if err := p.Start(); err != nil {
		return err
	}
	rt.Line(at("close"))
	if err := childConn.Close(); err != nil {
		return err
	}
	// recv prints what arrives, as print('main got', parent_conn.recv()).
	recv := func(tag string) error {
		var msg string
		rt.Line(at(tag))
		if err := parentConn.Recv(&msg); err != nil {
			return err
		}
		rt.Print("main got", msg)
		return nil
	}
	if err := recv("hellorecv"); err != nil {
		return err
	}
	for _, msg := range pipeMessages {
		rt.Line(at("send"))
		if err := parentConn.Send(msg); err != nil {
			return err
		}
		for {
			rt.Line(at("poll"))
			ready, err := parentConn.Poll(patience)
			if err != nil {
				return err
			}
			if ready {
				break
			}
			rt.Line(at("noanswer"))
			rt.Print("main: no answer yet")
		}
		if err := recv("recv"); err != nil {
			return err
		}
	}
	rt.Line(at("bye"))
	if err := parentConn.Send("bye"); err != nil {
		return err
	}
	if err := recv("lastrecv"); err != nil {
		return err
	}
	rt.Line(at("join"))
	p.Join()
	rt.Line(at("pclose"))
	return parentConn.Close()
}
