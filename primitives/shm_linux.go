package primitives

import (
	"os"

	"golang.org/x/sys/unix"
)

// newSharedFile creates an anonymous memory file (memfd), never on disk.
func newSharedFile(name string) (*os.File, error) {
	fd, err := unix.MemfdCreate("proctour-"+name, unix.MFD_CLOEXEC)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), name), nil
}
