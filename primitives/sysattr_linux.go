package primitives

import "syscall"

// childAttr puts a child in a session of its own, away from the terminal,
// and has the kernel kill it if proctour dies. (Pdeathsig follows the
// thread that started the child; Go keeps those threads alive, and the
// lifeline pipe covers the rest.)
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setsid: true, Pdeathsig: syscall.SIGKILL}
}

// orphanAttr is childAttr without the parent-death signal: the child may
// outlive its parent (the lifeline still ends it with proctour).
func orphanAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }
