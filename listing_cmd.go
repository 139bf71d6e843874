package main

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/proctour/proctour/lessons"
)

// newListingCmd is `proctour listing SCENARIO`: the scenario's Python
// listing, a whole program with its constants set from --set, on stdout
// and nothing else, ready to save and run with python3.
func newListingCmd(stdout io.Writer) *cobra.Command {
	var (
		sets     []string
		langFlag string
	)
	cmd := &cobra.Command{
		Use:   "listing SCENARIO",
		Short: "Print a demo's Python listing, a program to run with python3",
		Long: `Print the Python program a demo scenario stands for: its listing, with the
constants on its first lines set from the variants (--set key=value, else the
defaults). Nothing else is printed: save it under the name the demo gives it
(tickets.py; queue_demo.py for queue, as a queue.py would hide the queue
module from its own import) and run it with python3, 3.9 or later.`,
		Example: `  proctour listing tickets > tickets.py && python3 tickets.py
  proctour listing tickets --set lock=on --set buyers=20
  proctour listing manager --lang zh`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("listing needs exactly one scenario id ('proctour list' shows them)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			sc, err := lessons.Lookup(args[0])
			if err != nil {
				return usageError{err}
			}
			vars, err := sc.Resolve(sets)
			if err != nil {
				return usageError{err}
			}
			lang, err := resolveLang(langFlag)
			if err != nil {
				return usageError{err}
			}
			_, err = io.WriteString(stdout, sc.Program(lang, vars))
			return err
		},
	}
	cmd.Flags().StringArrayVar(&sets, "set", nil, "set a variant, key=value (repeatable)")
	cmd.Flags().StringVar(&langFlag, "lang", "", "language of the listing's comments: en or zh (default: from LC_ALL or LANG); the code is the same in both")
	return cmd
}
