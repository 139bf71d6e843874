package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// proctour FILE.py rejects, before the UI takes the screen, what can be
// known without running the program: one line, exit code 2. A program
// that passes goes on to the UI (here: no terminal, said in one line).
func TestOpenProgramBadInputIsOneLine(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	syn := write("syn.py", "import os\n\ndef f(:\n    pass\n")
	bin := write("bin.py", "\x7fELF\x02\x01\x01\x00\x00\x00")
	notes := write("notes.txt", "buy milk, then eggs\n")
	latin := write("latin.py", "print('caf\xe9')\n")
	good := write("good.py", "print('hello')\n")
	empty := t.TempDir() // a PATH without python3
	for _, tc := range []struct {
		args []string
		env  []string
		want string
	}{
		{[]string{filepath.Join(dir, "nope.py")}, nil, "nope.py: no such file"},
		{[]string{syn}, nil, "syn.py:3: SyntaxError: "},
		{[]string{bin}, nil, "bin.py is not a Python program (it is a binary file)"},
		{[]string{notes}, nil, "notes.txt is not a Python program (line 1: SyntaxError"},
		{[]string{latin}, nil, "latin.py is not a Python program (line 1: SyntaxError: "},
		{[]string{good, "--python", filepath.Join(dir, "py9")}, nil, "no such interpreter"},
		{[]string{good}, []string{"PATH=" + empty, "PROCTOUR_PYTHON="}, "no python3 on PATH"},
	} {
		t.Run(filepath.Base(tc.args[0]), func(t *testing.T) {
			for _, kv := range tc.env {
				k, v, _ := strings.Cut(kv, "=")
				t.Setenv(k, v)
			}
			wantRefused(t, 2, tc.want, tc.args...)
		})
	}
	code, _, errs := proctour(good, "--", "-n", "3")
	if code == 0 || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "needs an interactive terminal") {
		t.Errorf("a good program without a terminal: exit %d, stderr %q", code, errs)
	}
}
