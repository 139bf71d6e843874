// Package trace is proctour's public trace contract (DESIGN.md, "The
// trace"): the event record, every kind of event, the payload of each
// kind that has a structured one, the names of the machinery's targets,
// and the JSON Lines reader and writer of a trace file.
//
// A trace is what `proctour run SCENARIO --format json` prints and what
// a recorded trace file holds: one Record a line. The primitives write
// records, the session orders them, the fold and the screens read them,
// and a trace written by one version of proctour is read by the next:
// kinds and payload fields are only ever added, never renamed or given
// another meaning, and a record's JSON bytes do not change.
//
// The package is a leaf: it imports the standard library only, and it
// does no work at init (every package linked into proctour runs its init
// in every demo child).
package trace
