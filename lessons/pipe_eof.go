package lessons

import (
	"errors"
	"fmt"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

var pipeEOFListing = NewListing(`
FORGET_CLOSE = {forget_close}
MESSAGES = {messages}

import time
from multiprocessing import Pipe, get_context

def writer(conn):
    for i in range(MESSAGES):
        conn.send(f'message {i}')                       #@send
        time.sleep(0.5)                                 #@pause
    conn.close()       # the writer's copy of the write end   #@wclose
    print('writer: closed my end')                      #@wclosed

def reader(conn):
    while True:
        try:
            msg = conn.recv()                           #@recv
        except EOFError:
            print('EOF: every writer closed')           #@eof
            break
        print('reader got', msg)                        #@got

if __name__ == '__main__':
    # With spawn, a child gets only the ends passed in its args: the
    # reader has no copy of writer_conn. (With fork, the default on
    # Linux before Python 3.14, it would inherit main's copy, and
    # would never see EOF unless it closed that copy too.)
    spawn = get_context('spawn')  # whatever the default start method is
    reader_conn, writer_conn = Pipe(duplex=False)       #@pipe
    w = spawn.Process(target=writer, args=(writer_conn,), name='writer')
    r = spawn.Process(target=reader, args=(reader_conn,), name='reader')
    w.start()                                           #@wstart
    r.start()                                           #@rstart
    # main still holds a copy of each end: close what main does not use.
    reader_conn.close()                                 #@rclose
    if not FORGET_CLOSE:
        # recv() raises EOFError only once every copy of the write end,
        # in every process, is closed: main's copy too.
        writer_conn.close()                             #@close
    w.join()                                            #@wjoin
    r.join()                                            #@rjoin
    print('reader and writer are done')                 #@done
`)

// PipeEOF is lesson 9's classic pipe hang: recv() raises EOFError only once
// every copy of the other end, in every process, is closed. The writer
// closes its end after its messages and the main script closes its own
// copies, so the reader sees EOF and ends. With forget_close=on main keeps
// its copy of writer_conn open: the reader waits in recv() for ever, main
// waits in join(), and the watchdog stops the demo.
var PipeEOF = register(&Scenario{
	ID:        "pipe-eof",
	Lesson:    9,
	Summary:   "recv() raises EOFError only after every copy of the write end is closed; forget_close=on hangs",
	SummaryZh: "写端的每一份副本都关闭之后，recv() 才抛出 EOFError；forget_close=on 会卡住",
	Listing:   pipeEOFListing,
	ListingZh: map[string]string{
		"whatever the default start method is":                               "不管默认的启动方式是哪种",
		"the writer's copy of the write end":                                 "writer 持有的写端副本",
		"With spawn, a child gets only the ends passed in its args: the":     "用 spawn 时，子进程只拿到参数里传入的那些端：",
		"reader has no copy of writer_conn. (With fork, the default on":      "reader 没有 writer_conn 的副本。（fork 是 Python 3.14",
		"Linux before Python 3.14, it would inherit main's copy, and":        "之前 Linux 的默认方式，用它时 reader 会继承主进程的副本，",
		"would never see EOF unless it closed that copy too.)":               "除非把那份副本也关掉，否则永远看不到 EOF。）",
		"main still holds a copy of each end: close what main does not use.": "主进程仍持有两端的副本：关掉主进程用不到的。",
		"recv() raises EOFError only once every copy of the write end,":      "只有写端在所有进程里的所有副本都关闭，recv() 才会",
		"in every process, is closed: main's copy too.":                      "抛出 EOFError：主进程的副本也算在内。",
	},
	Variants: []Variant{
		{Key: "forget_close", Default: "off", Values: []string{"off", "on"}, Help: "main forgets to close its copy of writer_conn: the reader never sees EOF", HelpZh: "主进程忘了关闭自己那份 writer_conn：读进程永远等不到 EOF"},
		{Key: "messages", Default: "3", Min: 1, Max: 20, Help: "how many messages the writer sends before it closes its end", HelpZh: "写进程关闭自己那一端之前发送多少条消息"},
	},
	Budget: 8 * time.Second,
	Hangs:  func(v Vars) bool { return v.On("forget_close") },
	Measures: map[string]func([]trace.Record) (int, bool){
		// EOFErrors the reader got; none is told only once the writer has
		// closed its end and the watchdog has stopped the wait
		"eofs": func(events []trace.Record) (int, bool) {
			n, wclosed, watchdog := 0, false, false
			for _, e := range events {
				switch {
				case e.Kind == trace.KindPipeEOF:
					n++
				case e.Kind == trace.KindPipeClose && e.Proc == "writer" && e.Obj == "writer_conn":
					wclosed = true
				case e.Kind == trace.KindWatchdog && wclosed:
					watchdog = true
				}
			}
			return n, n > 0 || watchdog
		},
	},
	Main: pipeEOFMain,
})

type pipeWriterArgs struct {
	Messages int
	Conn     *primitives.Conn
}

type pipeReaderArgs struct {
	Conn *primitives.Conn
}

// pipeEOFPause is the writer's pause after each message, in listing seconds.
const pipeEOFPause = 0.5

var (
	pipeEOFWriter = primitives.Register("pipe-eof.writer", func(rt *primitives.Runtime, a pipeWriterArgs) error {
		at := pipeEOFListing.At
		for i := range a.Messages {
			rt.Line(at("send"))
			if err := a.Conn.Send(fmt.Sprintf("message %d", i)); err != nil {
				return err
			}
			rt.Line(at("pause"))
			rt.Sleep(pipeEOFPause)
		}
		rt.Line(at("wclose"))
		if err := a.Conn.Close(); err != nil {
			return err
		}
		rt.Line(at("wclosed"))
		rt.Print("writer: closed my end")
		return nil
	})
	pipeEOFReader = primitives.Register("pipe-eof.reader", func(rt *primitives.Runtime, a pipeReaderArgs) error {
		at := pipeEOFListing.At
		for {
			var msg string
			rt.Line(at("recv"))
			if err := a.Conn.Recv(&msg); isEOFError(err) {
				rt.Line(at("eof"))
				rt.Print("EOF: every writer closed")
				return nil
			} else if err != nil {
				return err
			}
			rt.Line(at("got"))
			rt.Print("reader got", msg)
		}
	})
)

// isEOFError reports whether err is Python's EOFError, what recv raises
// once every copy of the other end is closed.
func isEOFError(err error) bool {
	var pe *primitives.Error
	return errors.As(err, &pe) && pe.Type == "EOFError"
}

func pipeEOFMain(rt *primitives.Runtime, v Vars) error {
	at := pipeEOFListing.At
	rt.Line(at("pipe"))
	readerConn, writerConn, err := rt.NewPipe("reader_conn, writer_conn", false)
	if err != nil {
		return err
	}
	w := primitives.NewProcess(rt, pipeEOFWriter, pipeWriterArgs{Messages: v.Int("messages"), Conn: writerConn})
	w.Name = "writer"
	r := primitives.NewProcess(rt, pipeEOFReader, pipeReaderArgs{Conn: readerConn})
	r.Name = "reader"
	rt.Line(at("wstart"))
	if err := w.Start(); err != nil {
		return err
	}
	rt.Line(at("rstart"))
	if err := r.Start(); err != nil {
		return err
	}
	rt.Line(at("rclose"))
	if err := readerConn.Close(); err != nil {
		return err
	}
	if !v.On("forget_close") {
		rt.Line(at("close"))
		if err := writerConn.Close(); err != nil {
			return err
		}
	}
	rt.Line(at("wjoin"))
	w.Join()
	rt.Line(at("rjoin"))
	r.Join()
	rt.Line(at("done"))
	rt.Print("reader and writer are done")
	return nil
}
