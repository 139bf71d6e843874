//go:build unix

package primitives

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// newSegment creates a zeroed shared-memory segment.
func newSegment(name string) (*segment, error) {
	f, err := newSharedFile(name)
	if err != nil {
		return nil, fmt.Errorf("shared memory for %s: %w", name, err)
	}
	if err := f.Truncate(segmentSize); err != nil {
		f.Close()
		return nil, fmt.Errorf("shared memory for %s: %w", name, err)
	}
	return mapSegment(f)
}

// mapSegment maps a segment from its descriptor.
func mapSegment(f *os.File) (*segment, error) {
	mem, err := unix.Mmap(int(f.Fd()), 0, segmentSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("map shared memory: %w", err)
	}
	return &segment{f: f, mem: mem}, nil
}

func unmap(mem []byte) error { return unix.Munmap(mem) }
