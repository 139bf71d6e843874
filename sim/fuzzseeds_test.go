package sim

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/proctour/proctour/trace"
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
		ok + traceLine(2, string(nested(trace.MaxValueDepth))),
		ok + traceLine(2, string(nested(trace.MaxValueDepth+5))),
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

// traceLine is a valid trace line with seq n and value val.
func traceLine(n int, val string) string {
	return `{"seq":` + itoa(n) + `,"t_ns":` + itoa(n*1000) + `,"pid":7,"proc":"MainProcess","kind":"stdout","obj":"stdout","val":` + val + "}"
}

func itoa(n int) string {
	var b []byte
	for {
		b = append([]byte{byte('0' + n%10)}, b...)
		if n /= 10; n == 0 {
			return string(b)
		}
	}
}

// goWords are what a message about a trace must not show: Go's types and
// packages mean nothing to someone with a trace file.
var goWords = []string{"Go ", "go struct", "json:", "int64", "strconv", "bufio", "Scanner", "Record.", "token too long", "ParseFloat", "[]", "map["}
