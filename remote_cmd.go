package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/report"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// proctour serve-queue and proctour worker: lesson 17's remote-queue with
// machines of other computers. serve-queue runs the demo's main script
// with its manager on --addr and no machine of its own, printing the log
// as proctour run does; each worker connects, relays its events to the
// server (they appear as lanes of their own, with their host), and takes
// jobs until the server's sentinel.

const defaultAuthkey = "proctour"

func newServeQueueCmd(stdout io.Writer) *cobra.Command {
	var addr, authkey, langFlag, format string
	var jobs int
	var hold time.Duration
	cmd := &cobra.Command{
		Use:   "serve-queue",
		Short: "Serve lesson 17's job queue over TCP for workers on other machines",
		Long: `Serve the remote-queue demo's jobs and results from a manager listening on
--addr, as Python's BaseManager(address=…, authkey=…).start() does, and wait
until workers on other machines (proctour worker --connect HOST:PORT) have
done every job. Their processes appear in the log as lanes of their own,
named with their host. The manager trusts whoever knows the authkey: serve
it on a trusted network only.`,
		Example: `  proctour serve-queue --addr 0.0.0.0:50000 --authkey classroom --jobs 20
  proctour worker --connect 192.168.1.10:50000 --authkey classroom   # on each student's machine`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, _, err := net.SplitHostPort(addr); err != nil {
				return usagef("--addr %q: want HOST:PORT, such as 0.0.0.0:50000", addr)
			}
			if authkey == "" {
				return usagef("--authkey: the manager needs a non-empty authkey")
			}
			if format != "text" && format != "json" {
				return usagef("--format %q: want text or json", format)
			}
			lang, err := resolveLang(langFlag)
			if err != nil {
				return usageError{err}
			}
			sc := lessons.RemoteQueue
			vars, err := sc.Resolve([]string{"machines=0", "jobs=" + strconv.Itoa(jobs)})
			if err != nil {
				return usageError{err}
			}
			lessons.SetServeQueue(&lessons.ServeQueueConfig{Addr: addr, Authkey: authkey, Hold: hold, Secret: true})
			defer lessons.SetServeQueue(nil)
			// No watchdog: the server waits for workers for as long as
			// it takes (Ctrl-C stops it).
			opts := sc.Options(1, 0)
			opts.Timeout, opts.Idle, opts.Auto = 0, 24*time.Hour, true
			s, err := lessons.StartSession(sc, vars, opts)
			if err != nil {
				return err
			}
			stopOnCancel(cmd, s)
			fmt.Fprintf(cmd.ErrOrStderr(), "proctour: serving %d jobs; on another machine: proctour worker --connect HOST:%s --authkey …; Ctrl-C stops\n", jobs, port(addr))
			out := report.NewJSON(stdout)
			if format == "text" {
				out = report.NewTextLog(stdout, sc, vars, lang)
			}
			for r := range s.Events() {
				if err := out.Write(r); err != nil {
					s.Stop()
					for range s.Events() {
					}
					return fmt.Errorf("write: %w", err)
				}
			}
			if err := out.Close(s.Timeline()); err != nil {
				return err
			}
			return demoOutcome(sc.ID, sim.Fold(s.Timeline()), lang)
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:50000", "HOST:PORT to listen on (0.0.0.0:50000 for the classroom's network)")
	f.StringVar(&authkey, "authkey", defaultAuthkey, "the shared secret every worker must know")
	f.IntVar(&jobs, "jobs", 12, "how many jobs to serve (1 to 40)")
	f.DurationVar(&hold, "hold", 10*time.Second, "after the last result, how long to wait for joined workers to take their sentinel and go")
	f.StringVar(&format, "format", "text", "output format: text or json")
	f.StringVar(&langFlag, "lang", "", "language of the log: en or zh (default: from LC_ALL or LANG)")
	return cmd
}

func newWorkerCmd(stdout io.Writer) *cobra.Command {
	var addr, authkey, name, broker string
	cmd := &cobra.Command{
		Use:   "worker --connect HOST:PORT | --broker nats://HOST:PORT",
		Short: "Join a demo on another machine: a serve-queue's jobs, or a broker demo's",
		Long: `Connect to the manager that proctour serve-queue serves (or lesson 17's
remote-queue with machines=0), as Python's BaseManager(address=…,
authkey=…).connect() does, take jobs until the server says there are no
more, and put each result back. Or, with --broker, join the broker demo
running at that NATS server as one more consumer: fetch, work, ack, until
the demo sends its stop (nats://TOKEN@HOST:PORT: the token the demo's join
line shows, for a broker demo with listen=network; nats://USER:PASS@HOST:PORT
for a broker of your own that wants them). What this process does is sent to the demo too,
and appears there as a lane named with this host.`,
		Example: `  proctour worker --connect 192.168.1.10:50000 --authkey classroom
  proctour worker --broker nats://k3x9mq2pta@192.168.1.10:4222`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch {
			case (addr == "") == (broker == ""):
				return usagef("give one of --connect HOST:PORT (a serve-queue) or --broker nats://HOST:PORT (a broker demo)")
			case broker != "":
				u, err := url.Parse(broker)
				if err != nil || u.Scheme != "nats" || u.Host == "" || u.Port() == "" {
					return usagef("--broker %q: want nats://HOST:PORT, such as nats://192.168.1.10:4222", lessons.RedactURL(broker))
				}
				return runBrokerWorker(broker, name, stdout)
			}
			if _, _, err := net.SplitHostPort(addr); err != nil {
				return usagef("--connect %q: want HOST:PORT, such as 192.168.1.10:50000", addr)
			}
			return runWorker(cmd, addr, []byte(authkey), name, stdout)
		},
	}
	cmd.Flags().StringVar(&addr, "connect", "", "the serve-queue's HOST:PORT")
	cmd.Flags().StringVar(&broker, "broker", "", "the broker demo's NATS server, nats://[TOKEN@]HOST:PORT")
	cmd.Flags().StringVar(&authkey, "authkey", defaultAuthkey, "the server's authkey (with --connect)")
	cmd.Flags().StringVar(&name, "name", "", "this worker's lane name (default: worker@HOSTNAME)")
	return cmd
}

// runBrokerWorker is proctour worker --broker: one more consumer of the
// broker demo running at url. Its token or password is never printed.
func runBrokerWorker(url, name string, stdout io.Writer) error {
	shown := lessons.RedactURL(url)
	host := lessons.Hostname()
	if name == "" {
		name = "worker@" + host
	}
	j, err := lessons.JoinBroker(url)
	if err != nil {
		return fmt.Errorf("cannot join %s: %v", shown, oneLine(err))
	}
	fmt.Fprintf(stdout, "%s joined the broker demo at %s (stream %s)\n", name, shown, j.Stream)
	err = j.Work(name, host, func(job string) {
		fmt.Fprintf(stdout, "%s: job %s done\n", name, job)
	})
	switch {
	case errors.Is(err, lessons.ErrBrokerDemoEnded):
		fmt.Fprintf(stdout, "%s: the broker demo ended\n", name)
		return nil
	case err != nil:
		return fmt.Errorf("%s: %v", shown, oneLine(err))
	}
	fmt.Fprintf(stdout, "%s: no more jobs\n", name)
	return nil
}

func runWorker(cmd *cobra.Command, addr string, key []byte, name string, stdout io.Writer) error {
	host := lessons.Hostname()
	if name == "" {
		name = "worker@" + host
	}
	t, err := primitives.NewTrace()
	if err != nil {
		return err
	}
	relay, err := primitives.NewRelay(addr, key, t)
	if err != nil {
		t.Close()
		return fmt.Errorf("cannot join %s: %v", addr, oneLine(err))
	}
	rt := primitives.NewRemote(t, name, host, 1)
	rt.Emit(trace.KindProcStart, "", "worker")
	fmt.Fprintf(stdout, "%s joined %s\n", name, addr)
	werr := lessons.RemoteWork(rt, addr, key, func(n int) {
		fmt.Fprintf(stdout, "%s: job %d done\n", name, n)
	})
	code := 0
	if werr != nil {
		code = 1
		rt.Print(werr.Error())
	}
	rt.Emit(trace.KindProcExit, "", code)
	rerr := relay.Close()
	if werr != nil {
		return fmt.Errorf("%s: %v", addr, oneLine(werr))
	}
	if rerr != nil {
		return fmt.Errorf("the server at %s went away: %v", addr, oneLine(rerr))
	}
	fmt.Fprintf(stdout, "%s: no more jobs\n", name)
	return nil
}

// oneLine is an error's message without a net.OpError's prefix.
func oneLine(err error) string { return primitives.NetError(err).Error() }
