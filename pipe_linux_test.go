package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// proctour run | head -1: the reader goes away after one line. proctour
// takes that as the end of its interest: it stops the demo, removes its
// scratch directory and exits 0, without a word. Before, the next write
// killed it with SIGPIPE (exit 141) and left the directory behind.
func TestClosedOutputEndsTheRunCleanly(t *testing.T) {
	for _, args := range []string{"run join --format json --speed 4", "run tickets", "run manager", "run manager --repeat 3"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProctour$")
		cmd.Env = append(os.Environ(), "PROCTOUR_HELPER_ARGS="+args)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(out).ReadString('\n')
		if err != nil {
			t.Fatalf("%s: no first line: %v", args, err)
		}
		out.Close() // head -1 has what it wanted
		err = cmd.Wait()
		if code := cmd.ProcessState.ExitCode(); code != 0 || stderr.Len() > 0 {
			t.Errorf("%s | head -1: exit %d (%v), stderr %q; want 0 and nothing (first line %q)", args, code, err, stderr.String(), line)
		}
		left, _ := filepath.Glob(filepath.Join(os.TempDir(), scratchGlob(cmd.Process.Pid)))
		if len(left) > 0 {
			t.Errorf("%s | head -1: scratch directories left: %v", args, left)
		}
	}
}

func scratchGlob(pid int) string { return "proctour-" + strconv.Itoa(pid) + "-*" }
