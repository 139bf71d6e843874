package lessons

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// scratchPrefix starts the name of every scratch directory.
const scratchPrefix = "proctour-"

// scratchDir makes a private directory for one run of a scenario (its
// db.json, its shared file). The name carries this process's pid, so that
// SweepScratch can tell a directory whose owner was killed before it could
// remove it.
func scratchDir(id string) (string, error) {
	return os.MkdirTemp("", fmt.Sprintf("%s%d-%s-", scratchPrefix, os.Getpid(), id))
}

// ScratchDir makes a private (0700) directory named as a scenario's
// scratch directory, which SweepScratch removes once this process is gone:
// for a run of id's listing under CPython, its program and its files.
func ScratchDir(id string) (string, error) { return scratchDir(id) }

// SweepScratch removes scratch directories left by proctour processes that
// no longer exist (a kill -9 runs no clean-up). It returns how many it
// removed.
func SweepScratch() int {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), scratchPrefix+"*"))
	removed := 0
	for _, dir := range dirs {
		pidText, _, ok := strings.Cut(strings.TrimPrefix(filepath.Base(dir), scratchPrefix), "-")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil || pid == os.Getpid() || alive(pid) {
			continue
		}
		if os.RemoveAll(dir) == nil {
			removed++
		}
	}
	return removed
}

func alive(pid int) bool {
	p, err := os.FindProcess(pid)
	return err == nil && p.Signal(syscall.Signal(0)) == nil
}
