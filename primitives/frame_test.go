package primitives

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

func TestFrames(t *testing.T) {
	var buf bytes.Buffer
	for _, m := range []string{"", "a", "hello, world"} {
		if err := writeFrame(&buf, []byte(m)); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{"", "a", "hello, world"} {
		got, err := readFrame(&buf, 0)
		if err != nil || string(got) != want {
			t.Fatalf("read %q, %v; want %q", got, err, want)
		}
	}
	if _, err := readFrame(&buf, 0); err != io.EOF {
		t.Errorf("at the end: %v, want io.EOF", err)
	}
	writeFrame(&buf, []byte("too long"))
	writeFrame(&buf, []byte("next"))
	if _, err := readFrame(&buf, 3); !errors.Is(err, errFrameTooLong) {
		t.Errorf("limit 3: %v, want errFrameTooLong", err)
	}
	if got, err := readFrame(&buf, 0); err != nil || string(got) != "next" {
		t.Errorf("after a frame too long: %q, %v; want the next frame", got, err)
	}
	buf.Write(appendFrame(nil, []byte("cut"))[:5])
	if _, err := readFrame(&buf, 0); err != io.ErrUnexpectedEOF {
		t.Errorf("a cut frame: %v, want io.ErrUnexpectedEOF", err)
	}
}
