// Package child turns this binary into a demo's child process as early as
// Go allows: in its init function, before the packages only proctour itself
// needs (the terminal UI, the SSH server, the embedded NATS broker, the
// command line) have initialised.
//
// Go initialises packages in a defined order (the language specification,
// "Package initialization", since Go 1.21): of the packages whose imports
// are all initialised, the first by import path goes next. This package
// imports only what a child runs: the demos' targets (lessons) and the
// process machinery (primitives). It is ready as soon as those are, and a
// package that needs more (net/http/pprof, which the NATS server imports;
// the UI's and SSH's dependencies) is still waiting then. A child leaves in
// primitives.MaybeRunChild and never initialises them. TestChildInitBudget
// (package main) checks it: a child's init trace has neither the terminal
// UI nor the broker in it.
package child

import (
	_ "github.com/proctour/proctour/lessons" // the targets a child may run
	"github.com/proctour/proctour/primitives"
)

func init() {
	primitives.MaybeRunChild() // a demo's child process: never returns
}
