package sim

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// addTraceSeeds gives a fuzz target real traces to start from: the first
// events of a run of each kind of demo (testdata/seeds, made with
// `proctour run SCENARIO --format json | head -20`), and the traces that
// broke the reader: a BOM, a value nested too deep, a field of the wrong
// type, a line cut short.
func addTraceSeeds(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "seeds", "*.jsonl"))
	if len(paths) == 0 {
		f.Fatal("no seed traces in testdata/seeds")
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	ok := traceLine(1, `"hi"`) + "\n"
	for _, s := range []string{
		"\xef\xbb\xbf" + ok,
		ok + traceLine(2, string(nested(MaxValueDepth))),
		ok + traceLine(2, string(nested(MaxValueDepth+5))),
		strings.Replace(ok, `"seq":1`, `"seq":"1"`, 1),
		strings.Replace(ok, `"t_ns":1000`, `"t_ns":1e999`, 1),
		ok + traceLine(2, `{"a":[1,{"b":null}],"c":"\u001b[2J"}`)[:30],
		ok + traceLine(2, `{"method":"__setitem__","args":["count",[[[1]]]],"value":{"count":[[[1]]]}}`),
		ok + strings.Replace(traceLine(2, `"stuck"`), `"val"`, `"text": { "f": "%s waits <for> %d", "a": [ "x", 3 ] }, "val"`, 1),
		"{}\n", "[]\n", "\n", "",
	} {
		f.Add([]byte(s))
	}
}
