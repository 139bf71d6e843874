package lessons

import (
	"fmt"
	"slices"

	"github.com/proctour/proctour/sim"
)

// ModelDemo is the name lesson 1's predictions give the CPU model. The
// model is not a scenario (no process runs): it schedules ModelWorkload
// round-robin on one or two CPUs, and its measures are read from the
// ticks it draws.
const ModelDemo = "model"

// ModelWorkload is the CPU model's processes: two that compute and wait
// for I/O, one that only computes.
var ModelWorkload = []sim.ModelProc{
	{Name: "A", Bursts: []sim.Burst{{Ticks: 3}, {IO: true, Ticks: 2}, {Ticks: 1}}},
	{Name: "B", Bursts: []sim.Burst{{Ticks: 4}}},
	{Name: "C", Bursts: []sim.Burst{{Ticks: 1}, {IO: true, Ticks: 3}, {Ticks: 2}}},
}

// ModelSlice is the model's time slice, in ticks.
const ModelSlice = 2

// RunModel runs the CPU model on cpus CPUs.
func RunModel(cpus int) []sim.ModelTick {
	return sim.RunModel(ModelWorkload, cpus, ModelSlice, 60)
}

// modelCPUs are the values of the model's one setting, "cpus".
var modelCPUs = []string{"1", "2"}

// modelMeasures read a run of the model.
var modelMeasures = map[string]func([]sim.ModelTick) int{
	// ticks until every process is done
	"ticks": func(ticks []sim.ModelTick) int { return len(ticks) },
	// ticks in which a CPU is idle while a process is ready to run
	"idle_while_ready": func(ticks []sim.ModelTick) int {
		n := 0
		for _, t := range ticks {
			if slices.Contains(t.CPUs, -1) && slices.Contains(t.States, sim.ModelReady) {
				n++
			}
		}
		return n
	},
	// ticks in which more than one process runs
	"parallel_ticks": func(ticks []sim.ModelTick) int {
		n := 0
		for _, t := range ticks {
			busy := 0
			for _, p := range t.CPUs {
				if p >= 0 {
					busy++
				}
			}
			if busy > 1 {
				n++
			}
		}
		return n
	},
}

// ModelMeasure is the measure of one run of the model, for Reveal.
func ModelMeasure(ticks []sim.ModelTick) func(name string) (int, bool) {
	return func(name string) (int, bool) {
		m, ok := modelMeasures[name]
		if !ok {
			return 0, false
		}
		return m(ticks), true
	}
}

// checkModelVars says what is wrong with values for the model, or "".
func checkModelVars(vars map[string]string) string {
	for k, v := range vars {
		if k != "cpus" {
			return fmt.Sprintf("the CPU model has no setting %q (only cpus)", k)
		}
		if !slices.Contains(modelCPUs, v) {
			return fmt.Sprintf("cpus=%s: the model runs on 1 or 2 CPUs", v)
		}
	}
	return ""
}

// checkModelMeasures says what is wrong with a prediction's measures of
// the model, or "".
func checkModelMeasures(p Prediction) string {
	for _, c := range p.Choices {
		if modelMeasures[c.Measure] == nil {
			return fmt.Sprintf("the CPU model has no measure %q", c.Measure)
		}
	}
	return ""
}
