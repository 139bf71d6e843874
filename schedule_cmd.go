package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// scheduleFlags reads --schedule or --schedule-from: the interleaving a
// run re-executes in step mode, or nil.
func scheduleFlags(cmd *cobra.Command, f runFlags) ([]int, error) {
	given, from := cmd.Flags().Changed("schedule"), cmd.Flags().Changed("schedule-from")
	switch {
	case given && from:
		return nil, usagef("--schedule and --schedule-from: give one")
	case !given && !from:
		return nil, nil
	case cmd.Flags().Changed("mode") && f.mode != "step":
		return nil, usagef("--mode %s: a schedule is re-executed in step mode", f.mode)
	case cmd.Flags().Changed("repeat"):
		return nil, usagef("--repeat: a schedule gives the same run every time")
	}
	if given {
		steps, err := sim.ParseSchedule(f.schedule)
		if err != nil {
			return nil, usagef("--schedule: %v", err)
		}
		return steps, nil
	}
	events, err := readTraceFile("--schedule-from", f.scheduleFrom)
	if err != nil {
		return nil, usageError{err}
	}
	// A step or seeded run says its schedule at its end; a live run's is
	// the order its operations took.
	if n := len(events); n > 0 && events[n-1].Kind == trace.KindRunEnd {
		var end trace.RunEnd
		if err := json.Unmarshal(events[n-1].Val, &end); err == nil && end.Schedule != "" {
			steps, err := sim.ParseSchedule(end.Schedule)
			if err != nil {
				return nil, usagef("--schedule-from %s: %v", f.scheduleFrom, err)
			}
			return steps, nil
		}
	}
	steps, err := sim.ScheduleFromTrace(events)
	if err != nil {
		return nil, usageError{fmt.Errorf("--schedule-from %s: %w", f.scheduleFrom, err)}
	}
	return steps, nil
}
