package primitives

import "syscall"

// childAttr puts a child in a session of its own, away from the terminal,
// and has the kernel kill it if proctour dies. (Pdeathsig follows the
// thread that started the child; Go keeps those threads alive, and the
// lifeline pipe covers the rest.)
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setsid: true, Pdeathsig: syscall.SIGKILL}
}
