// Package primitives provides cross-process synchronisation and communication
// with an API shaped like Python's multiprocessing: Process, Lock, RLock,
// Semaphore, BoundedSemaphore, Event, Condition and Barrier (and queues,
// pipes, managers and pools), each backed by a real operating-system
// mechanism (child processes re-executed from the proctour binary, shared
// memory, futexes, pipes).
//
// Every operation can report an Event, the record that makes up a proctour
// trace. Events from all processes of a session go through one pipe and carry
// a number taken from a counter in shared memory at the moment of the
// operation, so that the collector in package sim can restore their causal
// order exactly.
//
// A child process is the proctour binary itself, started with a marker in its
// environment. main (and TestMain in tests) must call MaybeRunChild before
// anything else, as Python's spawn start method requires the
// `if __name__ == '__main__':` guard.
package primitives
