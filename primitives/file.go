package primitives

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
)

// File is an open file, socket or pipe end passed to a child in its
// arguments: the child gets its own copy of the descriptor, as a Python
// child gets a socket passed in args (multiprocessing.reduction). The
// parent keeps its copy open until it closes it.
type File struct{ *os.File }

// FileOf returns the descriptor of a listener or connection as a File (a
// duplicate: close both when done).
func FileOf(c interface{ File() (*os.File, error) }) (File, error) {
	f, err := c.File()
	if err != nil {
		return File{}, err
	}
	return File{f}, nil
}

// MarshalJSON passes the descriptor to the child being started.
func (f File) MarshalJSON() ([]byte, error) {
	if f.File == nil {
		return []byte("null"), nil
	}
	fd, err := passFile(f.File)
	if err != nil {
		return nil, err
	}
	return json.Marshal(fd)
}

// UnmarshalJSON takes, in a child, the descriptor its parent passed.
func (f *File) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var fd int
	if err := json.Unmarshal(b, &fd); err != nil {
		return err
	}
	if self == nil {
		return fmt.Errorf("a file can only be decoded in a child process")
	}
	f.File = os.NewFile(uintptr(fd), fmt.Sprintf("fd %d", fd))
	return nil
}

// Listener is the file as a listening socket (net.FileListener); the File
// may be closed after.
func (f File) Listener() (net.Listener, error) { return net.FileListener(f.File) }

// Conn is the file as a connected socket (net.FileConn); the File may be
// closed after.
func (f File) Conn() (net.Conn, error) { return net.FileConn(f.File) }
