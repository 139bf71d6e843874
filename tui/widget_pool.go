package tui

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"charm.land/lipgloss/v2"

	"github.com/proctour/proctour/sim"
)

var _ = registerWidget(70, poolWidget)

// poolWidget draws each pool in three lines: its size, the chunks of work
// queued and its state; each worker, idle or running an item; the jobs,
// done or not, and their results.
//
//	pool       Pool(3) · 2 chunks queued
//	           SpawnPoolWorker-1 ▶ square(3) · SpawnPoolWorker-2 idle
//	           jobs #1 ✓ 9 · #2 4/10 · #3 ✗ ZeroDivisionError
func poolWidget(st *sim.State, s styles, width int) []string {
	var out []string
	for _, p := range st.Pools {
		head := fmt.Sprintf("Pool(%d)", p.Processes)
		if p.Executor {
			head = fmt.Sprintf("ProcessPoolExecutor(max_workers=%d)", p.Processes)
		} else if p.MaxTasks > 0 {
			head = fmt.Sprintf("Pool(%d, maxtasksperchild=%d)", p.Processes, p.MaxTasks)
		}
		line := resourceName(s, p.Name) + s.Text.Render(head)
		line += s.Dim.Render(fmt.Sprintf(s.tr(plural(p.Queued, " · %d chunk queued", " · %d chunks queued")), p.Queued))
		switch {
		case p.Terminated:
			line += s.Failed.Render(s.tr(" · terminated"))
		case p.Closed:
			line += s.Dim.Render(s.tr(" · closed"))
		}
		out = append(out, cut(line, width))

		pad := resourceName(s, "")
		var ws []string
		for _, pid := range p.Workers {
			w := st.Proc(pid)
			name := st.Name(pid)
			switch it := p.Running[pid]; {
			case w != nil && w.Status == sim.Exited:
				ws = append(ws, s.Exited.Render(name+s.tr(" ✓ exited")))
			case it != nil:
				ws = append(ws, s.Running.Render(name+" ▶ ")+s.Held.Render(taskText(it)))
			default:
				ws = append(ws, s.Dim.Render(name+s.tr(" idle")))
			}
		}
		if len(ws) == 0 {
			ws = append(ws, s.Dim.Render(s.tr("workers starting")))
		}
		out = append(out, cut(pad+joinFit(ws, " · ", width-lipgloss.Width(pad)), width))

		if p.Executor {
			out = append(out, futuresTable(p, s, width)...)
			continue
		}
		var js []string
		shared := sharedPrefix(p.Jobs)
		for _, j := range p.Jobs {
			id := "#" + strconv.Itoa(j.ID) + " "
			switch {
			case j.Failed != "":
				js = append(js, s.Failed.Render(id+"✗ "+j.Failed))
			case j.Ready() && j.Items == 1:
				js = append(js, s.OK.Render(id+"✓ ")+cut(elidePrefix(sim.PyValue(j.Value), shared), 16))
			case j.Ready():
				js = append(js, s.OK.Render(id+fmt.Sprintf(s.tr("✓ %d items"), j.Items)))
			default:
				js = append(js, s.Pending.Render(id+fmt.Sprintf("%d/%d", j.Done, j.Items)))
			}
		}
		if len(js) > 0 {
			jobs := s.tr("jobs ")
			out = append(out, cut(pad+s.Dim.Render(jobs)+joinFit(js, " · ", width-lipgloss.Width(pad+jobs)), width))
		}
	}
	return out
}

// taskText is an item as the listing calls it: square(3).
func taskText(it *sim.PoolItem) string {
	return cut(shortName(it.Func)+"("+sim.PyValue(it.Args)+")", 24)
}

// joinFit joins parts with sep as far as they fit in width, then says how
// many are left: "a · b … +3".
func joinFit(parts []string, sep string, width int) string {
	var b strings.Builder
	for i, p := range parts {
		more := ""
		if rest := len(parts) - i - 1; rest > 0 {
			more = " … +" + strconv.Itoa(rest)
		}
		add := p
		if i > 0 {
			add = sep + p
		}
		if i > 0 && lipgloss.Width(b.String()+add+more) > width {
			b.WriteString(" … +" + strconv.Itoa(len(parts)-i))
			break
		}
		b.WriteString(add)
	}
	return b.String()
}

// maxFutureRows is how many futures the table lists before it counts the
// rest.
const maxFutureRows = 6

// futuresTable draws an executor's futures, a row each, newest last:
// their call, their state (pending, running, finished, raised) and result,
// and the done callback that ran.
//
//	future  call        state     result  callback
//	#1      slow(3)     finished  9       report
func futuresTable(p *sim.PoolState, s styles, width int) []string {
	pad := resourceName(s, "")
	row := func(cells ...string) string {
		widths := []int{7, 14, 10, 12}
		var b strings.Builder
		for i, c := range cells {
			if i < len(widths) {
				c = fit(c, widths[i]) + " "
			}
			b.WriteString(c)
		}
		return strings.TrimRight(b.String(), " ")
	}
	out := []string{cut(pad+s.Dim.Render(row("future", s.tr("call"), s.tr("state"), s.tr("result"), s.tr("callback"))), width)}
	jobs := p.Jobs
	if len(jobs) > maxFutureRows {
		out = append(out, cut(pad+s.Dim.Render(fmt.Sprintf(s.tr("… %d earlier"), len(jobs)-maxFutureRows)), width))
		jobs = jobs[len(jobs)-maxFutureRows:]
	}
	for _, j := range jobs {
		call := shortName(j.Func) + "(" + sim.PyValue(j.Args) + ")"
		if j.Items != 1 {
			call = fmt.Sprintf(s.tr("map %d items"), j.Items)
		}
		state, result, style := "pending", "", s.Dim
		switch {
		case j.Failed != "":
			state, result, style = "raised", j.Failed, s.Failed
		case j.Ready():
			state, style = "finished", s.OK
			if j.Items == 1 {
				result = sim.PyValue(j.Value)
			} else {
				result = fmt.Sprintf(s.tr("%d results"), j.Items)
			}
		case j.Started > 0:
			state, style = "running", s.Running
			if j.Items != 1 {
				result = fmt.Sprintf("%d/%d", j.Done, j.Items)
			}
		}
		line := row("#"+strconv.Itoa(j.ID), call, style.Render(fit(s.tr(state), 10)), result, j.Callback)
		out = append(out, cut(pad+line, width))
	}
	return out
}

// shortName is a task's Python name: the part after the last dot.
func shortName(name string) string {
	if i := strings.LastIndex(name, "."); i >= 0 {
		name = name[i+1:]
	}
	return sim.Printable(name) // the trace's text, drawn as it is
}

// sharedPrefix is how many bytes the results of the jobs done in one item
// have in common at their start, when they are too long to show whole:
// callback's all start "['http://127.0.0.1:38107/".
func sharedPrefix(jobs []*sim.PoolJob) int {
	var vals []string
	for _, j := range jobs {
		if j.Failed == "" && j.Ready() && j.Items == 1 {
			vals = append(vals, sim.PyValue(j.Value))
		}
	}
	if len(vals) < 2 {
		return 0
	}
	n := len(vals[0])
	for _, v := range vals[1:] {
		i := 0
		for i < min(n, len(v)) && v[i] == vals[0][i] {
			i++
		}
		n = i
	}
	if n < 8 || len(vals[0]) <= 16 {
		return 0 // nothing worth eliding
	}
	// back to the end of a word: "…processes'", not "…rocesses'"
	if i := strings.LastIndexAny(vals[0][:n], "/'\" ,[(:="); i >= 0 {
		n = i + 1
	}
	for n > 0 && !utf8.RuneStart(vals[0][n]) {
		n--
	}
	if n < 8 {
		return 0
	}
	return n
}

// elidePrefix is v without its first n bytes, marked "…": the part that
// tells one job's result from the others'.
func elidePrefix(v string, n int) string {
	if n <= 0 || n > len(v) {
		return v
	}
	return "…" + v[n:]
}
