package pytrace

import "syscall"

func sysProcAttr() *syscall.SysProcAttr { return nil }

func killGroup(pid int) {}

func becomeSubreaper() {}

func reap(pid int) bool { return true }

func killPid(pid int) {}

func (r *Run) place() (pythonpath, sock string, err error) { return r.placeInDir() }
