package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/spf13/cobra"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/sim"
)

// repeatScenario runs a scenario n times, headless, and charts its outcome
// over the runs: one run shows what happened once; many show what happens.
func repeatScenario(cmd *cobra.Command, sc *lessons.Scenario, vars lessons.Vars, opts sim.Options, n int, lang string, stdout io.Writer) error {
	label := sc.OutcomeLabelIn(lang)
	head := label + say(lang, ", run by run:", "，逐次：")
	fmt.Fprintf(stdout, "proctour run %s --repeat %d  (%s)\n%s", sc.ID, n, vars, head)
	counts := map[int]int{}
	col := ansi.StringWidth(head)
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
	writeOutcomes(stdout, label, counts, n, lang)
	if stopped > 0 {
		fmt.Fprintf(stdout, say(lang, "%d of %d runs were stopped by the watchdog\n", "%d / %d 次运行被看门狗停下\n"), stopped, n)
	}
	if unknown > 0 {
		fmt.Fprintf(stdout, say(lang, "%d of %d runs ended without an outcome\n", "%d / %d 次运行没有得出结果\n"), unknown, n)
	}
	return nil
}

// writeOutcomes draws how many runs ended with each value, a bar each.
//
//	tickets sold    runs
//	           1       3  ███
//	           2      11  ███████████
func writeOutcomes(w io.Writer, label string, counts map[int]int, n int, lang string) {
	values := make([]int, 0, len(counts))
	most := 0
	for v, c := range counts {
		values = append(values, v)
		most = max(most, c)
	}
	slices.Sort(values)
	labelW := max(ansi.StringWidth(label), 6)
	fmt.Fprintf(w, "%s  %s\n", padLeft(label, labelW), padLeft(say(lang, "runs", "次数"), 5))
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
		fmt.Fprintf(w, say(lang, "%d runs; %s from %d to %d, mean %.1f\n", "共 %d 次运行；%s从 %d 到 %d，平均 %.1f\n"),
			n, label, values[0], values[len(values)-1], float64(sum)/float64(total))
	}
}
