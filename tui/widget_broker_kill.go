package tui

import (
	"os"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/proctour/proctour/sim"
)

// K in a demo whose scenario names processes that may be killed
// (Scenario.Killable: the broker's consumers) sends one of them SIGKILL
// mid-run, as a machine that loses power: no ack, no goodbye. The trace
// shows it as that process's proc.exit with -9, written by its parent
// when it reaps it; the broker widget then shows its job held by a dead
// consumer until the ack wait ends and the job is delivered again.

// killedMsg is the end of a kill: the process, and the error if the
// signal could not be sent.
type killedMsg struct {
	run  int64
	pid  int
	name string
	err  error
}

// killOne picks the process K kills: the one the log is filtered to (f),
// if it may be killed and runs; else the first running one that holds an
// un-acknowledged job (mid-job); else the first running one.
func (d demo) killOne() (demo, tea.Cmd) {
	if d.sc == nil || d.sc.Killable == "" {
		return d, nil
	}
	if d.replay || !d.running || d.sess == nil {
		return d.say(true, "K kills a running %s process mid-job: run the demo first (r)", d.sc.Killable+"N"), nil
	}
	if !d.pb.AtEnd() {
		d = d.navigate(ToEnd, 0)
	}
	p := killVictim(d.st, d.sc.Killable, d.reading.pid)
	if p == nil {
		return d.say(true, "no %s process is running: nothing to kill", d.sc.Killable+"N"), nil
	}
	return d.say(false, "sending SIGKILL to %s (pid %d)…", p.Name, p.Pid), killProc(d.run, p.Pid, p.Name)
}

// killVictim is the process K kills in st, or nil: a running process of
// this machine (not a remote worker's: its pid is another machine's)
// whose name starts with prefix.
func killVictim(st *sim.State, prefix string, chosen int) *sim.Proc {
	var running []*sim.Proc
	for _, p := range st.Procs {
		if strings.HasPrefix(p.Name, prefix) && p.Status != sim.Exited && p.Host == "" {
			running = append(running, p)
		}
	}
	if len(running) == 0 {
		return nil
	}
	for _, p := range running {
		if p.Pid == chosen {
			return p
		}
	}
	for _, p := range running {
		for _, b := range st.Brokers {
			for _, h := range b.Held {
				if h.Pid == p.Pid {
					return p
				}
			}
		}
	}
	return running[0]
}

// killProc sends the process SIGKILL, outside Update.
func killProc(run int64, pid int, name string) tea.Cmd {
	return func() tea.Msg {
		p, err := os.FindProcess(pid)
		if err == nil {
			err = p.Kill()
		}
		return killedMsg{run: run, pid: pid, name: name, err: err}
	}
}

// killed says what the kill did, in the status bar.
func (d demo) killed(msg killedMsg) demo {
	if !d.owns(msg.run) {
		return d
	}
	if msg.err != nil {
		return d.say(true, "could not kill %s: %v", msg.name, msg.err)
	}
	return d.say(false, "%s killed (SIGKILL): its job comes back after the ack wait", msg.name)
}
