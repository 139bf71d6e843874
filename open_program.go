package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/proctour/proctour/pytrace"
)

// checkProgram checks, before the UI takes the screen, what can be known
// of a Python program without running it: an interpreter, a file that is
// there and is not binary, and source that compiles. Each problem is one
// line and a usage error; what only a run shows (no __main__ guard under
// spawn, an exception) is shown in the demo view.
func checkProgram(python, path string) error {
	python, err := pytrace.FindPython(python)
	if err != nil {
		return usageError{err}
	}
	if err := checkProgramFile(path); err != nil {
		return usageError{err}
	}
	return compileProgram(python, path)
}

// checkProgramFile rejects a program that is not there, a directory, or a
// binary file.
func checkProgramFile(path string) error {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: no such file", path)
	case err != nil:
		return fmt.Errorf("%s: %v", path, errors.Unwrap(err))
	case st.IsDir():
		return fmt.Errorf("%s is a directory, not a Python program", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%s: %v", path, errors.Unwrap(err))
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, _ := io.ReadFull(f, head)
	if bytes.IndexByte(head[:n], 0) >= 0 {
		return fmt.Errorf("%s is not a Python program (it is a binary file)", path)
	}
	return nil
}

// pyCompile compiles the program named by its argument without running
// it, and prints its first error as LINE<tab>KIND<tab>MESSAGE.
const pyCompile = `import sys
p = sys.argv[1]
try:
    compile(open(p, 'rb').read(), p, 'exec', dont_inherit=True)
except SyntaxError as e:
    print('%s\t%s\t%s' % (e.lineno or 0, type(e).__name__, e.msg))
    sys.exit(3)
except ValueError as e:
    print('0\tValueError\t%s' % e)
    sys.exit(3)
`

// compileProgram reports a program python cannot compile, as python3
// would name it: file, line, the error and its message.
func compileProgram(python, path string) error {
	out, err := exec.Command(python, "-I", "-S", "-c", pyCompile, path).CombinedOutput()
	var exit *exec.ExitError
	if err == nil || !errors.As(err, &exit) || exit.ExitCode() != 3 {
		return nil // compiles, or the check itself failed: the run will tell
	}
	line, rest, _ := strings.Cut(strings.TrimSpace(string(out)), "\t")
	kind, msg, _ := strings.Cut(rest, "\t")
	base := filepath.Base(path)
	switch {
	case kind == "ValueError" || strings.Contains(msg, "null bytes"):
		return usagef("%s is not a Python program (%s)", base, msg)
	case !strings.HasSuffix(path, ".py") || strings.Contains(msg, "Non-UTF-8") || strings.Contains(msg, "codec can't decode"):
		return usagef("%s is not a Python program (line %s: %s: %s)", base, line, kind, msg)
	case line == "0":
		return usagef("%s: %s: %s", base, kind, msg)
	}
	return usagef("%s:%s: %s: %s", base, line, kind, msg)
}
