//go:build !linux

package primitives

import (
	"sync/atomic"
	"time"
)

// Without futexes (macOS, BSDs), waiting polls the shared word with a short
// back-off. It is correct but slower; the benchmarks' targets are for Linux.
func futexWaitOn(addr *uint32, val uint32, d time.Duration) bool {
	deadline := time.Now().Add(d)
	pause := 20 * time.Microsecond
	for atomic.LoadUint32(addr) == val {
		if d >= 0 && time.Now().After(deadline) {
			return false
		}
		time.Sleep(pause)
		if pause < time.Millisecond {
			pause *= 2
		}
	}
	return true
}

func futexWakeOn(addr *uint32, n int) {}
