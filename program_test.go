package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/proctour/proctour/pytrace"
	"github.com/proctour/proctour/sim"
	"github.com/proctour/proctour/trace"
)

func needPython(t *testing.T) {
	t.Helper()
	if _, err := pytrace.FindPython(""); err != nil {
		t.Skipf("no CPython, so 'proctour run prog.py' is not tested: %v", err)
	}
}

func TestRunPythonProgramPrintsATrace(t *testing.T) {
	needPython(t)
	prog := filepath.Join(t.TempDir(), "hello.py")
	os.WriteFile(prog, []byte("import sys\nfrom multiprocessing import Process\n\ndef f(x):\n    print('你好', x)\n\nif __name__ == '__main__':\n    p = Process(target=f, args=(sys.argv[1],))\n    p.start()\n    p.join()\n"), 0o600)
	code, out, errs := proctour("run", prog, "--format", "json", "--", "世界")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	tl, err := trace.Read(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if v := sim.Check(tl); len(v) > 0 {
		t.Errorf("broken invariants %v", v)
	}
	if !strings.Contains(out, `"val":"你好 世界"`) {
		t.Errorf("no print of the argument in\n%s", out)
	}
	code, out, _ = proctour("run", prog, "--", "x")
	if code != 0 || !strings.Contains(out, "print('你好 x')") {
		t.Errorf("text log: exit %d\n%s", code, out)
	}
}

func TestRunPythonBadInputIsOneLine(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	syn := filepath.Join(dir, "syn.py")
	os.WriteFile(syn, []byte("def f(:\n"), 0o600)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", filepath.Join(dir, "nope.py")}, "nope.py: no such file"},
		{[]string{"run", syn}, "syn.py:1: SyntaxError"},
		{[]string{"run", syn, "--set", "lock=on"}, "--set is for scenarios"},
		{[]string{"run", syn, "--mode", "step"}, "runs live for now"},
		{[]string{"run", syn, "--python", filepath.Join(dir, "py9")}, "no such interpreter"},
	} {
		code, out, errs := proctour(tc.args...)
		if code != 2 || out != "" {
			t.Errorf("%v: exit %d, stdout %q", tc.args, code, out)
		}
		if !strings.HasPrefix(errs, "proctour: ") || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: stderr %q, want one line containing %q", tc.args, errs, tc.want)
		}
	}
}
