//go:build unix && !linux

package primitives

import "syscall"

// childAttr puts a child in a session of its own, away from the terminal.
// Without Pdeathsig, the lifeline pipe ends the child when proctour dies.
func childAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }

func orphanAttr() *syscall.SysProcAttr { return childAttr() }
