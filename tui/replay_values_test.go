package tui

import (
	"strings"
	"testing"

	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

// deepReplay is a manager trace whose last event sets d['count'] to a
// list nested depth deep, read as proctour replay reads it.
func deepReplay(t *testing.T, depth int) []trace.Record {
	t.Helper()
	deep := strings.Repeat("[", depth) + "1" + strings.Repeat("]", depth)
	file := strings.Join([]string{
		`{"seq":1,"t_ns":0,"pid":100,"proc":"MainProcess","kind":"proc.start","obj":"","val":"manager"}`,
		`{"seq":2,"t_ns":10,"pid":101,"ppid":100,"proc":"SyncManager-1","kind":"proc.start","obj":"","val":"manager.server"}`,
		`{"seq":3,"t_ns":20,"pid":101,"proc":"SyncManager-1","kind":"manager.new","obj":"d","val":{"type":"dict","caller":"MainProcess","pid":100,"value":{"count":1}}}`,
		`{"seq":4,"t_ns":30,"pid":101,"proc":"SyncManager-1","kind":"manager.serve","obj":"d","val":{"method":"__setitem__","args":["count",` + deep + `],"type":"dict","caller":"MainProcess","pid":100,"value":{"count":` + deep + `}}}`,
	}, "\n")
	events, err := trace.Read(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	return events
}

// A replayed value nested deeper than is drawn shows its first levels and
// [...] where the rest would be, in the resources and in the event log,
// and the header says one value is drawn cut short. Before, the whole
// value was printed, at every frame.
func TestReplayDrawsADeepValueCutShort(t *testing.T) {
	d := newReplay("deep.jsonl", deepReplay(t, 40), 1).setSize(160, 40).navigate(ToEnd, 0)
	screen := screenOf(d)
	if !strings.Contains(screen, "d['count'] = "+strings.Repeat("[", sim.RenderDepth)+"[...]") {
		t.Errorf("the event log does not draw the value cut at %d levels:\n%s", sim.RenderDepth, screen)
	}
	if !strings.Contains(screen, "{'count': [[[") || strings.Contains(screen, strings.Repeat("[", sim.RenderDepth+2)) {
		t.Errorf("the manager's value is not drawn, or drawn deeper than %d levels:\n%s", sim.RenderDepth, screen)
	}
	if !strings.Contains(screen, "replay deep.jsonl · 1 value(s) too deep or too long to show whole") {
		t.Errorf("the header does not say a value is drawn cut short:\n%s", screen)
	}
	shallow := screenOf(newReplay("ok.jsonl", deepReplay(t, 2), 1).setSize(160, 40).navigate(ToEnd, 0))
	if strings.Contains(shallow, "too deep") || !strings.Contains(shallow, "{'count': [[1]]}") {
		t.Errorf("a value drawn whole is said to be cut, or is not drawn whole:\n%s", shallow)
	}
}

// A frame draws the text the first frame made: an event's description and
// the resources' lines are made once, not at every frame. The test marks
// the kept text and looks for the mark on the next frame.
func TestReplayFramesReuseTheirText(t *testing.T) {
	d := newReplay("deep.jsonl", deepReplay(t, 40), 1).setSize(160, 40).navigate(ToEnd, 0)
	first := screenOf(d)
	if d.draw == nil || len(d.draw.descs) != 4 || d.draw.descs[3] == "" || len(d.draw.res) == 0 {
		t.Fatalf("nothing kept after a frame: %+v", d.draw)
	}
	d.draw.descs[3] = "MARK-DESCRIBED"
	d.draw.res = []string{"MARK-RESOURCES"}
	second := screenOf(d)
	if !strings.Contains(second, "MARK-DESCRIBED") || !strings.Contains(second, "MARK-RESOURCES") {
		t.Errorf("the second frame made its text again:\n%s\nfirst:\n%s", second, first)
	}
	// a new state (the cursor moved back) or another width draws afresh
	d = d.navigate(Back, 0)
	if again := screenOf(d); strings.Contains(again, "MARK-RESOURCES") {
		t.Errorf("the resources of another state were drawn from the kept ones:\n%s", again)
	}
	d = d.navigate(ToEnd, 0).setSize(150, 40)
	if again := screenOf(d); strings.Contains(again, "MARK-RESOURCES") {
		t.Errorf("the resources at another width were drawn from the kept ones:\n%s", again)
	}
}

// Text a trace gives that the widgets draw as it is — a pool's function
// name, a pipe end's name, a file's content — cannot carry a control
// character to the terminal: a replay could clear the screen or ring the
// bell.
func TestWidgetsDrawNoControlCharacterFromATrace(t *testing.T) {
	esc := `\u001b[2J\u0007`
	file := strings.Join([]string{
		`{"seq":1,"t_ns":0,"pid":100,"proc":"MainProcess","kind":"proc.start","obj":"","val":"pool"}`,
		`{"seq":2,"t_ns":1,"pid":100,"proc":"MainProcess","kind":"pool.new","obj":"pool","val":{"ctor":"Pool","maxtasksperchild":0,"processes":2}}`,
		`{"seq":3,"t_ns":2,"pid":100,"proc":"MainProcess","kind":"pool.submit","obj":"pool","val":{"job":1,"func":"m.f` + esc + `","args":1,"items":1,"chunks":1,"how":"apply_async"}}`,
		`{"seq":4,"t_ns":3,"pid":100,"proc":"MainProcess","kind":"pipe.new","obj":"a, b","val":{"ends":["a` + esc + `","b"],"duplex":true}}`,
		`{"seq":5,"t_ns":4,"pid":100,"proc":"MainProcess","kind":"file.write","obj":"db.json","val":"x` + esc + `"}`,
	}, "\n")
	events, err := trace.Read(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	out := strings.Join(resourceLines(sim.Fold(events), newStyles(true, true), 150), "\n")
	if strings.Contains(out, "\x1b[2J") || strings.Contains(out, "\x07") || strings.Count(out, `\x1b[2J\x07`) < 2 {
		t.Errorf("the widgets draw the trace's control characters, or not their escapes:\n%q", out)
	}
	if got := shortName("m.f\x1b[2J\x07"); got != `f\x1b[2J\x07` { // a pool's job, as its lines call it
		t.Errorf("a pool function's name is drawn %q", got)
	}
}
