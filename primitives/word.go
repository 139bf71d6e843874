package primitives

import "sync/atomic"

func readWord(addr *uint32) uint32 { return atomic.LoadUint32(addr) }
