//go:build unix && !linux

package primitives

import "os"

// newSharedFile creates an unlinked temporary file to back shared memory;
// only the descriptor keeps it alive.
func newSharedFile(name string) (*os.File, error) {
	f, err := os.CreateTemp("", "proctour-shm-*")
	if err != nil {
		return nil, err
	}
	os.Remove(f.Name())
	return f, nil
}
