package tui

import (
	"time"

	"github.com/proctour/proctour/sim"
)

// watchSpeed is the speed a demo starts at in the UI: the pace of its
// Python listing, time.sleep(1) lasting a second, so that the times in the
// event log are the listing's seconds and a student can follow the run.
// (sim.Unit is a fifth of a second, so that tests and `proctour run`
// stay quick; + goes up to that pace and beyond.)
const watchSpeed = float64(sim.Unit) / float64(time.Second)

// speeds are the speed factors +/- step through.
var speeds = []float64{0.1, watchSpeed, 0.5, 1, 2, 4, 10}
