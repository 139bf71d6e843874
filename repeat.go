package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/sim"
)

// repeatScenario runs a scenario n times, headless, and charts its outcome
// over the runs: one run shows what happened once; many show what happens.
func repeatScenario(cmd *cobra.Command, sc *lessons.Scenario, vars lessons.Vars, opts sim.Options, n int, stdout io.Writer) error {
	fmt.Fprintf(stdout, "proctour run %s --repeat %d  (%s)\n%s, run by run:", sc.ID, n, vars, sc.Outcome.Label)
	counts := map[int]int{}
	col := len(sc.Outcome.Label) + len(", run by run:")
	var stopped, unknown int
	for range n {
		s, err := sim.Start(sc.Script(vars), opts)
		if err != nil {
			return err
		}
		stopOnCancel(cmd, s)
		for range s.Events() {
		}
		if cmd.Context().Err() != nil {
			return cmd.Context().Err()
		}
		events := s.Timeline()
		st := sim.Fold(events)
		if st.Watchdog != "" {
			stopped++
		}
		v, ok := sc.Outcome.Measure(events)
		if !ok {
			unknown++
			continue
		}
		counts[v]++
		word := fmt.Sprintf(" %d", v)
		if col+len(word) > 72 {
			fmt.Fprint(stdout, "\n ")
			col = 1
		}
		fmt.Fprint(stdout, word) // as each run ends
		col += len(word)
	}
	fmt.Fprint(stdout, "\n\n")
	writeOutcomes(stdout, sc.Outcome.Label, counts, n)
	if stopped > 0 {
		fmt.Fprintf(stdout, "%d of %d runs were stopped by the watchdog\n", stopped, n)
	}
	if unknown > 0 {
		fmt.Fprintf(stdout, "%d of %d runs ended without an outcome\n", unknown, n)
	}
	return nil
}

// writeOutcomes draws how many runs ended with each value, a bar each.
//
//	tickets sold    runs
//	           1       3  ███
//	           2      11  ███████████
func writeOutcomes(w io.Writer, label string, counts map[int]int, n int) {
	values := make([]int, 0, len(counts))
	most := 0
	for v, c := range counts {
		values = append(values, v)
		most = max(most, c)
	}
	slices.Sort(values)
	labelW := max(len(label), 6)
	fmt.Fprintf(w, "%*s  %5s\n", labelW, label, "runs")
	for _, v := range values {
		bar := counts[v] * 40 / max(most, 1)
		fmt.Fprintf(w, "%*d  %5d  %s\n", labelW, v, counts[v], strings.Repeat("█", max(bar, 1)))
	}
	total, sum := 0, 0
	for _, v := range values {
		total += counts[v]
		sum += v * counts[v]
	}
	if total > 0 {
		fmt.Fprintf(w, "%d runs; %s from %d to %d, mean %.1f\n", n, label, values[0], values[len(values)-1], float64(sum)/float64(total))
	}
}
