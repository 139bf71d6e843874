package primitives

import (
	"errors"
	"os"
)

// ErrUnsupported is returned on Windows: the demos need a Unix kernel (use WSL).
var ErrUnsupported = errors.New("proctour's demos need Linux or macOS; on Windows, run proctour inside WSL")

func newSegment(name string) (*segment, error) { return nil, ErrUnsupported }
func mapSegment(f *os.File) (*segment, error)  { return nil, ErrUnsupported }
func unmap(mem []byte) error                   { return nil }
