package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// A progress file that cannot be read is reported inside the tutorial,
// where the student sees it (a line printed before the UI takes the screen
// is gone at once), and is left as it was.
func TestUnreadableProgressIsShownInTheTutorial(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "progress.json")
	os.Mkdir(path, 0o700) // unreadable as a file, even to root
	cmd, master, out := startTUI(t, "--lang en", "PROCTOUR_STATE_DIR="+dir)
	defer master.Close()
	if !out.waitFor("open lesson") {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the lesson list never appeared: %q", out.String())
	}
	master.Write([]byte("\r")) // open lesson 1: progress to save
	out.waitFor("1. Programs and processes")
	master.Write([]byte("q"))
	err := cmd.Wait()
	screen := ansi.Strip(out.ended())
	enter := strings.Index(screen, "proctour — multiprocessing")
	if i := strings.Index(screen, "progress file cannot be read"); enter < 0 || i < enter {
		t.Errorf("the warning was not shown in the tutorial; the terminal got %q", screen)
	}
	if code := cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit %d (%v) after q, want 0", code, err)
	}
	if fi, err := os.Stat(path); err != nil || !fi.IsDir() {
		t.Errorf("the unreadable progress file was replaced (%v)", err)
	}
}

// When the progress cannot be written (a read-only home), the tutorial
// says so, and q still ends it normally: exit 0, with the warning repeated
// once the terminal is back.
func TestQuitWithProgressThatCannotBeSaved(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	cmd, master, out := startTUI(t, "--lang en", "PROCTOUR_STATE_DIR="+dir)
	defer master.Close()
	if !out.waitFor("open lesson") {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the lesson list never appeared: %q", out.String())
	}
	// The state directory becomes a file: every save fails from now on,
	// for root too.
	if err := os.WriteFile(dir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	master.Write([]byte("\r")) // open lesson 1: progress to save
	out.waitFor("1. Programs and processes")
	master.Write([]byte("q"))
	err := cmd.Wait()
	screen := ansi.Strip(out.ended())
	if code := cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit %d (%v) after q with progress that cannot be saved, want 0", code, err)
	}
	if !strings.Contains(screen, "proctour: warning: progress not saved") {
		t.Errorf("no warning that the progress was not saved; the terminal got %q", screen)
	}
}
