// Package sim runs demos and makes sense of what they did. A Session starts a
// main script with a primitives.Runtime, collects the events of every process
// it starts, restores their causal order and publishes them as a timeline; a
// watchdog stops a session that has run past its budget or in which every
// process waits forever. State is a pure fold over a timeline: the world at
// any moment, drawn by the UI and checked by the tests. Trace files are the
// timeline as JSON Lines.
package sim
