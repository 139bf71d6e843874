package primitives

import (
	"errors"
	"io"
	"os"
	"time"
)

// Pipes need a Unix kernel, as every demo does: NewPipe returns
// ErrUnsupported.

func newPipeFiles(n0, n1 string, duplex bool) (*os.File, *os.File, error) {
	return nil, nil, ErrUnsupported
}

func dupFile(fd int, name string) (*os.File, error) { return nil, ErrUnsupported }

func setBlocking(fd int) {}

func fdReader(f *os.File) io.Reader { return f }

func fdWriter(f *os.File) io.Writer { return f }

func waitFD(f *os.File, write bool, d time.Duration) (bool, error) { return false, ErrUnsupported }

func osError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return pyErr("OSError", "%v", err)
}
