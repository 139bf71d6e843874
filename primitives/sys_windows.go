package primitives

import (
	"os"
	"time"
)

var epoch = time.Now()

// Monotonic is this process's monotonic clock on Windows, where the demos do
// not run.
func Monotonic() int64 { return int64(time.Since(epoch)) }

func closeOnExec(fd int)  {}
func growPipe(f *os.File) {}
func killSelf()           {}

func waitExited(pid int) error { return ErrUnsupported }

// ProcState needs /proc (Linux); elsewhere it reports ErrUnsupported.
func ProcState(pid int) (string, error) { return "", ErrUnsupported }

func PinToCPU(cpu int) error      { return ErrUnsupported }
func AllowedCPUs() ([]int, error) { return nil, ErrUnsupported }

// CPUTime is not measured on Windows.
func CPUTime() time.Duration { return 0 }

func BecomeSubreaper() error                     { return ErrUnsupported }
func ReapOrphan(pid int, block bool) (int, bool) { return 0, false }
