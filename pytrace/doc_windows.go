package pytrace

import "syscall"

func sysProcAttr() *syscall.SysProcAttr { return nil }

func killGroup(pid int) {}
