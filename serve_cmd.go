package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/serve"
	"github.com/proctour/proctour/sim"
)

func newServeCmd() *cobra.Command {
	var cfg serve.Config
	var langFlag, modeFlag string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the tutorial over SSH to a classroom",
		Long: `Start an SSH server: every student who connects (ssh -p 2222 HOST) gets
their own proctour — the lessons and the demos, whose processes run on this
machine — with their progress kept here, by their key or their user name.

With no flags it listens on localhost only and keeps its host key (0600) in
the state directory. Another address needs --authorized-keys FILE, or --open
to let anyone in. There is no shell, no port forwarding and no file access:
a session is the tutorial, and its processes end with it.

With --instructor-key, that key's session drives the class: students follow
its screen and its one live run (B breaks away, F follows again), answer its
demo's prediction as a class poll, and H hands the driver role on. Runs are
capped per session (processes alive, runs a minute) and for the server.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			lang, err := resolveLang(langFlag)
			if err != nil {
				return usageError{err}
			}
			cfg.Lang = lang
			if cfg.Mode, err = sim.ParseMode(modeFlag); err != nil {
				return usagef("--%v", err)
			}
			dir, err := lessons.StateDir()
			if err != nil {
				return err
			}
			cfg.StateDir = dir
			s, err := serve.New(cfg)
			if errors.Is(err, serve.ErrUnsafe) {
				return usageError{err}
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "proctour: serving the tutorial on %s (ssh -p %s %s); Ctrl-C stops it\n", s.Addr(), port(s.Addr().String()), host(s.Addr().String()))
			return s.Serve(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Addr, "addr", "127.0.0.1:2222", "address to listen on (beyond localhost needs --authorized-keys or --open)")
	f.StringVar(&cfg.AuthorizedKeys, "authorized-keys", "", "an authorized_keys file: only these keys may connect")
	f.StringVar(&cfg.InstructorKey, "instructor-key", "", "the instructor's public key file")
	f.BoolVar(&cfg.Open, "open", false, "let anyone who can reach the address in, without --authorized-keys")
	f.StringVar(&langFlag, "lang", "", "language of the lessons: en or zh (default: from LC_ALL or LANG)")
	f.StringVar(&modeFlag, "mode", "live", "how demos start: live, step or seeded")
	f.Uint64Var(&cfg.Seed, "seed", 1, "the seeded scheduler's seed")
	f.DurationVar(&cfg.Caps.Idle, "idle", 30*time.Minute, "end a session idle this long")
	f.IntVar(&cfg.Caps.Sessions, "max-sessions", 200, "sessions open at once")
	f.BoolVar(&cfg.Projector, "projector", false, "start the instructor's sessions in the projector layout (X switches it)")
	f.IntVar(&cfg.Caps.ProcessesPerSession, "max-session-processes", 310, "processes one session's runs may have alive at once (estimated from the run's variants)")
	f.IntVar(&cfg.Caps.RunsPerMinute, "runs-per-minute", 60, "runs one session may start a minute (k starts 20)")
	f.IntVar(&cfg.Caps.Processes, "max-processes", 2000, "processes every session's runs may have alive at once, together")
	f.IntVar(&cfg.Caps.ConnectionsPerMinute, "connections-per-minute", 30, "connections one address may open a minute")
	return cmd
}

func host(addr string) string {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == ':' {
			return addr[:i]
		}
	}
	return addr
}

func port(addr string) string {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == ':' {
			return addr[i+1:]
		}
	}
	return ""
}
