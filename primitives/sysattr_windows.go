package primitives

import "syscall"

func childAttr() *syscall.SysProcAttr { return nil }

func orphanAttr() *syscall.SysProcAttr { return childAttr() }
