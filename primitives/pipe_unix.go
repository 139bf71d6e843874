//go:build unix

package primitives

import (
	"errors"
	"io"
	"os"
	"runtime"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// newPipeFiles makes the two descriptors of a pipe: a socketpair when duplex,
// else an OS pipe (read end first). Both are close-on-exec, so that they
// reach a child only when passed in its arguments, and blocking: a read
// waits in the kernel, and a process that shares them never finds them in
// another mode (the mode belongs to the open file, which every copy shares).
func newPipeFiles(n0, n1 string, duplex bool) (*os.File, *os.File, error) {
	var fds [2]int
	// Hold off forks between making the descriptors and marking them.
	syscall.ForkLock.RLock()
	var err error
	if duplex {
		fds, err = unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	} else {
		err = unix.Pipe(fds[:])
	}
	if err == nil {
		unix.CloseOnExec(fds[0])
		unix.CloseOnExec(fds[1])
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return nil, nil, err
	}
	return os.NewFile(uintptr(fds[0]), n0), os.NewFile(uintptr(fds[1]), n1), nil
}

// dupFile is a close-on-exec duplicate of fd.
func dupFile(fd int, name string) (*os.File, error) {
	nfd, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(nfd), name), nil
}

func setBlocking(fd int) { unix.SetNonblock(fd, false) }

// How a connection reads and writes its descriptor. A pipe, and any
// descriptor elsewhere than on Linux, it reads and writes with read(2) and
// write(2) through its os.File. A socket on Linux it reads and writes
// itself, for two reasons:
//
//   - recv and send with MSG_DONTWAIT are raw system calls that never
//     block, so the Go scheduler is not involved in a call that completes
//     at once, as a round trip's calls mostly do. A blocking call readies
//     the thread's P for hand-over, and with one CPU sysmon then wakes to
//     take it, each time a context switch: several microseconds on a
//     virtual machine.
//   - When there is nothing to read, or no room, the connection waits in
//     poll(2). A process blocked in read(2) on a socket is also woken each
//     time the other end frees room in the socket's send buffer, which in a
//     ping-pong is after every message: two context switches for nothing.
//     poll(2) wakes it only for what it waits for.
//
// MSG_DONTWAIT leaves the open file's mode alone: every process holding the
// socket keeps finding it blocking.

// fdReader is what a connection's buffered reader reads from.
func fdReader(f *os.File) io.Reader {
	rc := rawSocket(f)
	if rc == nil {
		return f
	}
	r := &fdIO{rc: rc}
	r.fn = r.recv
	return r
}

// fdWriter is what a connection writes its frames to.
func fdWriter(f *os.File) io.Writer {
	rc := rawSocket(f)
	if rc == nil {
		return f
	}
	w := &fdIO{rc: rc}
	w.fn = w.send
	return w
}

// rawSocket is f's raw connection if f is a socket that connections read
// and write themselves on this system, nil otherwise.
func rawSocket(f *os.File) syscall.RawConn {
	if runtime.GOOS != "linux" {
		return nil
	}
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFSOCK {
		return nil
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return nil
	}
	return rc
}

// fdIO reads or writes one socket. The call's state is in the struct and fn
// is made once, so that a read or a write allocates nothing.
type fdIO struct {
	rc  syscall.RawConn
	fn  func(fd uintptr) bool // recv or send
	p   []byte
	n   int
	err error
	pfd [1]unix.PollFd
}

func (x *fdIO) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n, err := x.do(p, "read")
	if err == nil && n == 0 {
		return 0, io.EOF
	}
	return n, err
}

func (x *fdIO) Write(p []byte) (int, error) { return x.do(p, "write") }

func (x *fdIO) do(p []byte, op string) (int, error) {
	x.p, x.n, x.err = p, 0, nil
	var err error
	if op == "read" {
		err = x.rc.Read(x.fn) // holds the descriptor open meanwhile
	} else {
		err = x.rc.Write(x.fn)
	}
	n := x.n
	if err == nil {
		err = x.err
	}
	x.p, x.err = nil, nil
	if err != nil {
		return n, &os.PathError{Op: op, Path: "socket", Err: err}
	}
	return n, nil
}

// recv reads what is there, waiting first if nothing is.
func (x *fdIO) recv(fd uintptr) bool {
	for {
		n, _, e := syscall.RawSyscall6(unix.SYS_RECVFROM, fd, uintptr(unsafe.Pointer(unsafe.SliceData(x.p))), uintptr(len(x.p)), unix.MSG_DONTWAIT, 0, 0)
		switch e {
		case 0:
			x.n = int(n)
			return true
		case unix.EINTR:
		case unix.EAGAIN:
			if err := x.wait(fd, unix.POLLIN); err != nil {
				x.err = err
				return true
			}
		default:
			x.err = e
			return true
		}
	}
}

// send writes all of x.p to a socket: in one piece when there is room, as
// there is for any message of a ping-pong.
func (x *fdIO) send(fd uintptr) bool {
	for x.n < len(x.p) {
		rest := x.p[x.n:]
		n, _, e := syscall.RawSyscall6(unix.SYS_SENDTO, fd, uintptr(unsafe.Pointer(unsafe.SliceData(rest))), uintptr(len(rest)), unix.MSG_DONTWAIT|unix.MSG_NOSIGNAL, 0, 0)
		switch e {
		case 0:
			x.n += int(n)
		case unix.EINTR:
		case unix.EAGAIN:
			if err := x.wait(fd, unix.POLLOUT); err != nil {
				x.err = err
				return true
			}
		default: // EPIPE (without SIGPIPE) once every copy of the other end is closed
			x.err = e
			return true
		}
	}
	return true
}

// wait returns once fd is ready for events, or has an error or a hang-up
// that the next call reports.
func (x *fdIO) wait(fd uintptr, events int16) error {
	x.pfd[0] = unix.PollFd{Fd: int32(fd), Events: events}
	for {
		_, err := unix.Poll(x.pfd[:], -1)
		if err != unix.EINTR {
			return err
		}
	}
}

// waitFD waits with poll(2) until f can be read (or written) without
// blocking, or d has passed (d < 0: no limit). EOF and errors count as
// ready: the read or write that follows reports them.
func waitFD(f *os.File, write bool, d time.Duration) (bool, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return false, err
	}
	events := int16(unix.POLLIN)
	if write {
		events = unix.POLLOUT
	}
	deadline := time.Now().Add(d)
	var (
		ready bool
		perr  error
	)
	err = rc.Control(func(fd uintptr) {
		fds := []unix.PollFd{{Fd: int32(fd), Events: events}}
		for {
			ms := -1
			if d >= 0 {
				left := max(0, time.Until(deadline))
				ms = int((left + time.Millisecond - 1) / time.Millisecond)
			}
			n, err := unix.Poll(fds, ms)
			if err == unix.EINTR {
				continue
			}
			if err != nil {
				perr = err
				return
			}
			if fds[0].Revents&unix.POLLNVAL != 0 {
				perr = unix.EBADF
				return
			}
			ready = n > 0
			return
		}
	})
	if err == nil {
		err = perr
	}
	return ready, err
}

// osError names an error from the kernel as Python's OSError subclass.
func osError(err error) *Error {
	var pe *Error
	if errors.As(err, &pe) {
		return pe
	}
	if errors.Is(err, os.ErrClosed) {
		return errHandleClosed()
	}
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return pyErr("OSError", "%v", err)
	}
	typ := "OSError"
	switch errno {
	case unix.EPIPE:
		typ = "BrokenPipeError"
	case unix.ECONNRESET:
		typ = "ConnectionResetError"
	}
	msg := errno.Error()
	if msg != "" {
		msg = strings.ToUpper(msg[:1]) + msg[1:]
	}
	return pyErr(typ, "[Errno %d] %s", int(errno), msg)
}
