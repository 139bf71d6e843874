package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExportBadInputIsOneLine(t *testing.T) {
	dir := t.TempDir()
	cut := filepath.Join(dir, "cut.jsonl")
	os.WriteFile(cut, []byte(`{"seq":1,"t_ns":1,"pid":1,"proc":"MainProcess","kind":"proc.start","obj":"","val":"x"}`+"\n"+`{"seq":2,"t_ns":2,"pid":1,"pro`), 0o644)
	notTrace := filepath.Join(dir, "notes.txt")
	os.WriteFile(notTrace, []byte("hello\n"), 0o644)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"export", "/nonexistent.jsonl", "--perfetto", filepath.Join(dir, "a.json")}, 2, "export: open /nonexistent.jsonl: no such file"},
		{[]string{"export", notTrace, "--perfetto", filepath.Join(dir, "a.json")}, 2, "trace line 1: not a JSON object"},
		{[]string{"export", cut, "--perfetto", filepath.Join(dir, "a.json")}, 2, "trace line 2: the line is cut short"},
		{[]string{"export", "testdata/malformed.jsonl", "--perfetto", "-"}, 2, "trace line 2: seq is 5, want 2"},
		{[]string{"export", "sim/testdata/tickets-100.jsonl"}, 2, "export needs --perfetto OUT.json"},
		{[]string{"export"}, 2, "export needs exactly one trace file"},
		{[]string{"export", "sim/testdata/tickets-100.jsonl", "--perfetto", "/nonexistent/dir/out.json"}, 1, "export: cannot write /nonexistent/dir/out.json: no such file or directory"},
	} {
		wantRefused(t, tc.code, tc.want, tc.args...)
	}
	if _, err := os.Stat(filepath.Join(dir, "a.json")); err == nil {
		t.Error("a failed export left a file behind")
	}
}

// A trace written by proctour run, exported: a file Perfetto opens, with
// a hold of the lock for every buyer.
func TestExportARunForPerfetto(t *testing.T) {
	dir := t.TempDir()
	code, trace, errs := proctour("run", "tickets", "--set", "buyers=5", "--set", "lock=on", "--format", "json", "--speed", "4")
	if code != 0 {
		t.Fatalf("run: exit %d, %s", code, errs)
	}
	in, out := filepath.Join(dir, "t.jsonl"), filepath.Join(dir, "t.json")
	os.WriteFile(in, []byte(trace), 0o644)
	code, stdout, errs := proctour("export", in, "--perfetto", out)
	if code != 0 || errs != "" || !strings.HasPrefix(stdout, "wrote ") || !strings.Contains(stdout, "to "+out) {
		t.Fatalf("export: exit %d, stdout %q, stderr %q", code, stdout, errs)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		TraceEvents []struct{ Ph, Name, Cat string } `json:"traceEvents"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s is not JSON: %v", out, err)
	}
	holds := 0
	for _, e := range doc.TraceEvents {
		if e.Ph == "b" && e.Name == "holds lock" {
			holds++
		}
	}
	if holds != 5 {
		t.Errorf("%d holds of the lock, want one per buyer (5)", holds)
	}
	// The same to standard output, the summary on stderr.
	code, stdout, errs = proctour("export", in, "--perfetto", "-")
	if code != 0 || stdout != string(b) || !strings.HasPrefix(errs, "wrote ") {
		t.Errorf("--perfetto -: exit %d, stdout the file: %v, stderr %q", code, stdout == string(b), errs)
	}
}
