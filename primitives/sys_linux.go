package primitives

import (
	"os"

	"golang.org/x/sys/unix"
)

// growPipeOS enlarges the event pipe so that bursts from many children do not
// make them wait for the collector. Failure only costs speed.
func growPipeOS(f *os.File) { unix.FcntlInt(f.Fd(), unix.F_SETPIPE_SZ, 1<<20) }
