package lessons

// Lesson is one chapter of the course and the scenarios that back it.
type Lesson struct {
	N         int
	Title     string
	Scenarios []string // ids, whether or not they are built yet
}

// Lessons is the course in order (CURRICULUM.md).
var Lessons = []Lesson{
	{1, "Programs and processes", []string{"cpu", "zombie", "orphan"}},
	{2, "Starting processes", []string{"hello", "join"}},
	{3, "Isolation: what is and isn't shared", []string{"isolation"}},
	{4, "Daemon processes", []string{"daemon"}},
	{5, "Locks: grabbing tickets", []string{"tickets", "terminate"}},
	{6, "Semaphores and events", []string{"semaphore", "event"}},
	{7, "Queues", []string{"queue"}},
	{8, "Producer and consumer", []string{"prodcons", "joinable"}},
	{9, "Pipes", []string{"pipe", "pipe-eof", "adder"}},
	{10, "Managers: shared state through a server process", []string{"manager"}},
	{11, "Process pools", []string{"pool", "pool-vs-process"}},
	{12, "Callbacks", []string{"callback"}},
	{13, "concurrent.futures", []string{"executor"}},
	{14, "A concurrent server", []string{"echo-server"}},
}

// Available lists the lesson's scenarios that exist in this build.
func (l Lesson) Available() []*Scenario {
	var out []*Scenario
	for _, id := range l.Scenarios {
		if s, err := Lookup(id); err == nil {
			out = append(out, s)
		}
	}
	return out
}
