package primitives

import (
	"encoding/json"
	"fmt"
	"os"
	"unsafe"
)

// segmentSize is the size of one shared-memory segment: one page, enough
// for every primitive's words.
const segmentSize = 4096

// segment is a page of memory shared between processes, backed by a file
// descriptor that can be handed to a child.
type segment struct {
	f   *os.File
	mem []byte
}

func (s *segment) u32(off int) *uint32 { return (*uint32)(unsafe.Pointer(&s.mem[off])) }
func (s *segment) i32(off int) *int32  { return (*int32)(unsafe.Pointer(&s.mem[off])) }
func (s *segment) u64(off int) *uint64 { return (*uint64)(unsafe.Pointer(&s.mem[off])) }

// close unmaps the segment in this process and closes its descriptor. Other
// processes keep their own mappings.
func (s *segment) close() error {
	if s == nil || s.mem == nil {
		return nil
	}
	err := unmap(s.mem)
	s.mem = nil
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// handleJSON is how a handle travels in a child's arguments: the descriptor
// number the child finds it at, its kind and its name, and kind-specific
// constants (a semaphore's initial value).
type handleJSON struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
	FD   int    `json:"fd"`
	N    int    `json:"n,omitempty"`
}

// marshalHandle encodes a handle for a child being started. It only works
// while Process.Start encodes arguments: a handle has no meaning elsewhere.
func marshalHandle(kind, name string, f *os.File, n int) ([]byte, error) {
	fd, err := passFile(f)
	if err != nil {
		return nil, fmt.Errorf("%s %q: %w", kind, name, err)
	}
	return json.Marshal(handleJSON{Kind: kind, Name: name, FD: fd, N: n})
}

// unmarshalHandle maps the segment a child inherited.
func unmarshalHandle(data []byte, kind string) (handleJSON, *segment, error) {
	var h handleJSON
	if err := json.Unmarshal(data, &h); err != nil {
		return h, nil, err
	}
	if h.Kind != kind {
		return h, nil, fmt.Errorf("argument is a %s, not a %s", h.Kind, kind)
	}
	seg, err := mapSegment(os.NewFile(uintptr(h.FD), h.Name))
	return h, seg, err
}
