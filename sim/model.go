package sim

// The CPU model: the one place where proctour shows a model instead of real
// processes (lesson 1). A few processes, each a list of bursts of computing
// and of waiting for I/O, are scheduled round-robin on one or more CPUs,
// tick by tick. It is deterministic, so a student can follow every process
// between running, ready and blocked, and predict what comes next.

// Burst is a stretch of a modelled process: ticks of CPU, or of waiting for
// I/O.
type Burst struct {
	IO    bool
	Ticks int
}

// ModelProc is a modelled process: a name and its bursts, in order.
type ModelProc struct {
	Name   string
	Bursts []Burst
}

// ModelState is a modelled process's state during one tick.
type ModelState int

// The states, as the lesson names them.
const (
	ModelReady   ModelState = iota // could run, waits for a CPU
	ModelRunning                   // on a CPU
	ModelBlocked                   // waits for I/O
	ModelDone                      // finished
	ModelNotYet                    // (unused by RunModel: every process starts ready)
)

func (s ModelState) String() string {
	return [...]string{"ready", "running", "blocked", "done", "not yet"}[s]
}

// ModelTick is one tick: each process's state, and which process each CPU
// runs (-1: idle).
type ModelTick struct {
	States []ModelState
	CPUs   []int
}

// RunModel schedules the processes round-robin on cpus CPUs with a time
// slice of slice ticks, until every process is done (or maxTicks), and
// returns every tick. A process whose slice ends goes to the back of the
// ready queue (preempted); one that starts an I/O burst blocks, and is
// ready again once the I/O is over.
func RunModel(procs []ModelProc, cpus, slice, maxTicks int) []ModelTick {
	n := len(procs)
	burst := make([]int, n) // index of the current burst
	left := make([]int, n)  // ticks left in it
	state := make([]ModelState, n)
	used := make([]int, n) // ticks used of the current slice
	var ready []int
	for i, p := range procs {
		if len(p.Bursts) == 0 {
			state[i] = ModelDone
			continue
		}
		left[i] = p.Bursts[0].Ticks
		if p.Bursts[0].IO {
			state[i] = ModelBlocked
		} else {
			state[i] = ModelReady
			ready = append(ready, i)
		}
	}
	onCPU := make([]int, cpus)
	for c := range onCPU {
		onCPU[c] = -1
	}
	// next moves process i to its next burst after finishing one.
	next := func(i int) {
		burst[i]++
		used[i] = 0
		if burst[i] >= len(procs[i].Bursts) {
			state[i] = ModelDone
			return
		}
		b := procs[i].Bursts[burst[i]]
		left[i] = b.Ticks
		if b.IO {
			state[i] = ModelBlocked
		} else {
			state[i] = ModelReady
			ready = append(ready, i)
		}
	}
	var ticks []ModelTick
	for len(ticks) < maxTicks {
		// Fill idle CPUs from the front of the ready queue.
		for c := range onCPU {
			if onCPU[c] < 0 && len(ready) > 0 {
				onCPU[c], ready = ready[0], ready[1:]
				state[onCPU[c]] = ModelRunning
			}
		}
		done := true
		for _, s := range state {
			if s != ModelDone {
				done = false
			}
		}
		if done {
			break
		}
		tick := ModelTick{States: append([]ModelState(nil), state...), CPUs: append([]int(nil), onCPU...)}
		ticks = append(ticks, tick)
		// The tick passes: running processes compute, blocked ones wait.
		var unblocked []int
		for i := range procs {
			if state[i] == ModelBlocked {
				left[i]--
				if left[i] == 0 {
					unblocked = append(unblocked, i)
				}
			}
		}
		for c, i := range onCPU {
			if i < 0 {
				continue
			}
			left[i]--
			used[i]++
			switch {
			case left[i] == 0:
				onCPU[c] = -1
				next(i)
			case used[i] >= slice: // preempted: the slice is over
				onCPU[c] = -1
				used[i] = 0
				state[i] = ModelReady
				ready = append(ready, i)
			}
		}
		for _, i := range unblocked {
			next(i)
		}
	}
	return ticks
}
