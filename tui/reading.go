package tui

import (
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/proctour/proctour/trace"
)

// readKey takes the keys that read what the view would cut off (see
// readKeys), and every key while a search is typed; handled says it took
// msg.
func (d demo) readKey(msg tea.KeyPressMsg) (_ demo, handled bool) {
	k := d.keys.Read
	if d.reading.typing {
		return d.typeSearch(msg), true
	}
	if d.modal() { // the question, the editor or the seed has the keys
		return d, false
	}
	switch {
	case key.Matches(msg, k.Zoom):
		d.zoom = !d.zoom
	case key.Matches(msg, k.Verdict):
		d.verdictPage++
	case key.Matches(msg, k.Filter):
		d = d.filterNext()
	case key.Matches(msg, k.Search):
		d.reading.typing, d.reading.query, d.reading.count = true, "", 0
	case key.Matches(msg, k.Next), key.Matches(msg, k.Prev):
		return d.findNext(key.Matches(msg, k.Next)), true
	default:
		return d, false
	}
	return d, true
}

// typeSearch is a key typed into the search: enter searches, esc gives
// up, backspace takes a character back.
func (d demo) typeSearch(msg tea.KeyPressMsg) demo {
	k := d.keys.Read
	switch {
	case key.Matches(msg, k.Find):
		d.reading.typing = false
		if d.reading.query == "" {
			return d
		}
		return d.findNext(true)
	case key.Matches(msg, k.Cancel):
		d.reading.typing, d.reading.query, d.reading.count = false, "", 0
	case msg.Code == tea.KeyBackspace:
		if q := d.reading.query; q != "" {
			_, n := utf8.DecodeLastRuneInString(q)
			d.reading.query = q[:len(q)-n]
		}
	case msg.Text != "":
		d.reading.query += msg.Text
	}
	return d
}

// findNext moves the cursor to the next (or previous) event the search
// finds, among the filtered process's events; without a search, to its
// next event.
func (d demo) findNext(forward bool) demo {
	rd := d.reading
	if rd.query == "" && rd.pid == 0 {
		return d.say(true, "/ searches the log; f keeps one process's events")
	}
	if len(d.timeline) == 0 {
		return d.say(true, "no events yet")
	}
	at, _ := rd.find(d.timeline, d.pb.Cursor-1, forward, d.lang, d.draw)
	if at < 0 {
		return d.say(true, "no event matches “%s”", rd.query)
	}
	d.playing = false
	d = d.navigate(Seek, at+1)
	if rd.query == "" {
		return d
	}
	return d.recount()
}

// recount counts the search's matches (among the filtered process's
// events) and which of them is under the cursor, for the log's title.
func (d demo) recount() demo {
	rd := &d.reading
	rd.nth, rd.count = 0, 0
	if rd.query == "" {
		return d
	}
	for i := range d.timeline {
		if rd.matches(d.timeline, i, d.lang, d.draw) {
			rd.count++
			if i < d.pb.Cursor {
				rd.nth = rd.count
			}
		}
	}
	return d
}

// filterNext keeps the log to one process: first the one of the event
// under the cursor, then each next one in the order they started, then
// every process again.
func (d demo) filterNext() demo {
	procs := startOrder(d.timeline)
	if len(procs) == 0 {
		return d.say(true, "no events yet")
	}
	next := -1
	if d.reading.pid == 0 {
		if c := d.pb.Cursor; c > 0 && c <= len(d.timeline) {
			next = indexPid(procs, d.timeline[c-1].Pid)
		}
		next = max(next, 0)
	} else if i := indexPid(procs, d.reading.pid); i+1 < len(procs) {
		next = i + 1
	}
	if next < 0 { // the log's title says which
		d.reading.pid, d.reading.name = 0, ""
		return d.recount()
	}
	d.reading.pid, d.reading.name = procs[next].Pid, procs[next].Proc
	return d.recount()
}

// startOrder is each process's first event, in the order they appear.
func startOrder(timeline []trace.Record) []trace.Record {
	var out []trace.Record
	seen := map[int]bool{}
	for _, e := range timeline {
		if !seen[e.Pid] {
			seen[e.Pid] = true
			out = append(out, e)
		}
	}
	return out
}

func indexPid(procs []trace.Record, pid int) int {
	for i, p := range procs {
		if p.Pid == pid {
			return i
		}
	}
	return -1
}

// readingHelp is the help while the search is typed.
func (d demo) readingHelp() modeKeys {
	return d.keys.modal(typingKeys{d.keys.Read}, false)
}
