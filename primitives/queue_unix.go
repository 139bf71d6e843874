//go:build unix

package primitives

import (
	"fmt"
	"os"
	"runtime"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// newQueuePipe creates a queue's pipe: close-on-exec (only Process.Start
// hands it to a child) and non-blocking, so that a put can try a write that
// must not wait. The non-blocking flag belongs to the open pipe, which every
// process holding the queue shares. The files are made while the pipe is
// still blocking, so that Go's poller leaves them alone: registered there,
// every write would wake each holder's idle poller thread, and exec would
// make the pipe blocking again for everyone (File.Fd).
func newQueuePipe() (r, w *os.File, err error) {
	var p [2]int
	syscall.ForkLock.RLock()
	err = unix.Pipe(p[:])
	if err == nil {
		unix.CloseOnExec(p[0])
		unix.CloseOnExec(p[1])
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return nil, nil, fmt.Errorf("queue pipe: %w", err)
	}
	r, w = os.NewFile(uintptr(p[0]), "queue-r"), os.NewFile(uintptr(p[1]), "queue-w")
	for _, fd := range p {
		if err := unix.SetNonblock(fd, true); err != nil {
			r.Close()
			w.Close()
			return nil, nil, fmt.Errorf("queue pipe: %w", err)
		}
	}
	return r, w, nil
}

// queuePipeAtomic is PIPE_BUF: a non-blocking write of at most this many
// bytes writes everything or nothing.
func queuePipeAtomic() int {
	if runtime.GOOS == "linux" {
		return 4096
	}
	return 512
}

// newQueueMemory creates the queue's shared memory: size zeroed bytes.
func newQueueMemory(name string, size int) (*segment, error) {
	f, err := newSharedFile(name)
	if err != nil {
		return nil, fmt.Errorf("shared memory for %s: %w", name, err)
	}
	if err := f.Truncate(int64(size)); err != nil {
		f.Close()
		return nil, fmt.Errorf("shared memory for %s: %w", name, err)
	}
	return mapQueueMemory(f, size)
}

// mapQueueMemory maps a queue's shared memory from its descriptor.
func mapQueueMemory(f *os.File, size int) (*segment, error) {
	mem, err := unix.Mmap(int(f.Fd()), 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("map queue memory: %w", err)
	}
	return &segment{f: f, mem: mem}, nil
}

// queueWriteSome makes one non-blocking write: wouldBlock when the pipe
// had no room for any of b (for len(b) <= PIPE_BUF: for all of it).
func queueWriteSome(fd int, b []byte) (n int, wouldBlock bool, err error) {
	return queueIOSome(unix.SYS_WRITE, fd, b)
}

// queueReadSome makes one non-blocking read: n == 0 with a nil error is
// the end of the stream, wouldBlock that nothing is there yet.
func queueReadSome(fd int, b []byte) (n int, wouldBlock bool, err error) {
	return queueIOSome(unix.SYS_READ, fd, b)
}

// queueIOSome is one non-blocking read or write (trap), retried on EINTR.
func queueIOSome(trap uintptr, fd int, b []byte) (n int, wouldBlock bool, err error) {
	for {
		n, err = rawIO(trap, fd, b)
		if err != unix.EINTR {
			break
		}
	}
	if err == unix.EAGAIN {
		return 0, true, nil
	}
	return max(n, 0), false, err
}

// queueWritable reports whether the pipe has room, without waiting.
func queueWritable(fd int) bool {
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
	n, err := unix.Poll(fds, 0)
	return err != nil || n > 0
}

// queueDupPollable duplicates a pipe end (close-on-exec) as a file of its
// own in Go's poller, where a goroutine waits for the pipe without holding
// a thread in a system call, with a deadline that is its own.
func queueDupPollable(fd int, name string) (*os.File, error) {
	nfd, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("queue %s: %w", name, err)
	}
	return os.NewFile(uintptr(nfd), name), nil
}

// queueWaitReadable waits until fd has data, for at most d (d < 0: no limit).
func queueWaitReadable(fd int, d time.Duration) {
	ms := -1
	if d >= 0 {
		ms = int((d + time.Millisecond - 1) / time.Millisecond)
	}
	unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}, ms)
}

// queueYieldCPU lets another process run (sched_yield): on one CPU,
// typically the one this process waits for. It is a raw call: the
// scheduler's bookkeeping for a call that might block costs more than the
// yield, which ends as soon as this process is scheduled again. x/sys has
// no wrapper and darwin no such system call, hence the numbers (from x/sys's
// Linux tables); elsewhere it only yields to other goroutines.
func queueYieldCPU() {
	if queueSchedYield != 0 {
		unix.RawSyscall(queueSchedYield, 0, 0, 0)
	} else {
		runtime.Gosched()
	}
}

var queueSchedYield = func() uintptr {
	if runtime.GOOS != "linux" {
		return 0
	}
	switch runtime.GOARCH {
	case "amd64":
		return 24
	case "arm64", "riscv64", "loong64":
		return 124
	case "386", "arm", "ppc64", "ppc64le", "s390x":
		return 158
	case "mips64", "mips64le":
		return 5023
	case "mips", "mipsle":
		return 4162
	}
	return 0
}()

// queueFileFor wraps an inherited descriptor, to pass it on to a grandchild.
func queueFileFor(fd int, name string) *os.File { return os.NewFile(uintptr(fd), name) }

// rawIO is read(2) or write(2) on a non-blocking descriptor, which never
// waits: on Linux a raw call, without the scheduler's bookkeeping for a
// call that might block (a tenth of a round trip through another process).
func rawIO(trap uintptr, fd int, b []byte) (int, error) {
	if runtime.GOOS != "linux" {
		if trap == unix.SYS_READ {
			return unix.Read(fd, b)
		}
		return unix.Write(fd, b)
	}
	var p unsafe.Pointer
	if len(b) > 0 {
		p = unsafe.Pointer(&b[0])
	}
	r, _, e := unix.RawSyscall(trap, uintptr(fd), uintptr(p), uintptr(len(b)))
	if e != 0 {
		return -1, e
	}
	return int(r), nil
}
