package primitives

import (
	"os"
	"runtime"
	"time"
)

// Queues need a Unix kernel; NewQueue returns ErrUnsupported on Windows.

func newQueuePipe() (r, w *os.File, err error)               { return nil, nil, ErrUnsupported }
func queuePipeAtomic() int                                   { return 0 }
func newQueueMemory(name string, size int) (*segment, error) { return nil, ErrUnsupported }
func mapQueueMemory(f *os.File, size int) (*segment, error)  { return nil, ErrUnsupported }
func queueWriteSome(fd int, b []byte) (int, bool, error)     { return 0, false, ErrUnsupported }
func queueReadSome(fd int, b []byte) (int, bool, error)      { return 0, false, ErrUnsupported }
func queueDupPollable(fd int, name string) (*os.File, error) { return nil, ErrUnsupported }
func queueWaitReadable(fd int, d time.Duration)              {}
func queueYieldCPU()                                         { runtime.Gosched() }
func queueWritable(fd int) bool                              { return true }
func queueFileFor(fd int, name string) *os.File              { return nil }
