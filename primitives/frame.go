package primitives

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// A frame is one message on a pipe or socket: a 4-byte big-endian length,
// then that many bytes. Pipe connections and queues both speak it.

// frameHeader is the size of a frame's length prefix.
const frameHeader = 4

// maxFrame is the largest message accepted (Python's limit is 2 GiB; a
// teaching tool has no business near it).
const maxFrame = 64 << 20

// errFrameTooLong is returned when a frame exceeds the reader's limit.
var errFrameTooLong = errors.New("message too long")

// appendFrame appends b as a frame to dst.
func appendFrame(dst, b []byte) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(b)))
	return append(dst, b...)
}

// writeFrame writes b as one frame with a single Write, so that frames of
// at most PIPE_BUF bytes from different writers never interleave on a pipe.
func writeFrame(w io.Writer, b []byte) error {
	if len(b) > maxFrame {
		return fmt.Errorf("send %d bytes: %w", len(b), errFrameTooLong)
	}
	_, err := w.Write(appendFrame(make([]byte, 0, frameHeader+len(b)), b))
	return err
}

// readFrame reads one frame. It returns io.EOF when the stream ends cleanly
// before a frame, io.ErrUnexpectedEOF when it ends inside one, and
// errFrameTooLong (after consuming the frame) when it is longer than limit
// (limit <= 0: maxFrame).
func readFrame(r io.Reader, limit int) ([]byte, error) {
	var hdr [frameHeader]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := int(binary.BigEndian.Uint32(hdr[:]))
	if limit <= 0 || limit > maxFrame {
		limit = maxFrame
	}
	if n > limit {
		io.CopyN(io.Discard, r, int64(n))
		return nil, errFrameTooLong
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return b, nil
}
