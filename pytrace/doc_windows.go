package pytrace

import (
	"syscall"
	"time"
)

func sysProcAttr() *syscall.SysProcAttr { return nil }

func killGroup(pid int) {}

func becomeSubreaper() {}

func reap(pid int) bool { return true }

func killPid(pid int) {}

func (r *Run) place() (pythonpath, sock string, err error) { return r.placeInDir() }

var epoch = time.Now()

func monotonic() int64 { return int64(time.Since(epoch)) }
