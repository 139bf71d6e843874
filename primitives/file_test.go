package primitives

import (
	"bufio"
	"net"
	"testing"
)

// fileEcho accepts one connection on the listener it was passed and echoes
// one line.
var fileEcho = Register("test.file.echo", func(rt *Runtime, a struct{ L File }) error {
	l, err := a.L.Listener()
	a.L.Close()
	if err != nil {
		return err
	}
	defer l.Close()
	c, err := l.Accept()
	if err != nil {
		return err
	}
	defer c.Close()
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	_, err = c.Write([]byte("echo: " + line))
	return err
})

// A listening socket passed in a child's arguments is the same socket in
// the child: a client of the parent's address reaches the child.
func TestFilePassesASocketToAChild(t *testing.T) {
	rt := quietMain(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f, err := FileOf(l.(*net.TCPListener))
	if err != nil {
		t.Fatal(err)
	}
	c := start(t, NewProcess(rt, fileEcho, struct{ L File }{f}))
	f.Close()
	l.Close() // the child's copy stays open
	conn, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.Write([]byte("hello\n"))
	got, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil || got != "echo: hello\n" {
		t.Errorf("reply %q, %v", got, err)
	}
	joinOK(t, c)
}
