package primitives

import "syscall"

func childAttr() *syscall.SysProcAttr { return nil }
