package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/proctour/proctour/lessons"
	"github.com/proctour/proctour/trace"
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

// esc from `proctour replay FILE` leads to the student's course, not an
// empty one: the progress is read, and opening a lesson there is saved.
// Before, that course said "0 of 14 lessons done" whatever progress.json
// held, and nothing done there was written.
func TestReplayKeepsTheProgress(t *testing.T) {
	dir := t.TempDir()
	p, err := lessons.LoadProgress(dir)
	if err != nil {
		t.Fatal(err)
	}
	p.MarkRead(5)
	p.MarkDemo(5, "tickets")
	if err := p.Save(); err != nil {
		t.Fatal(err)
	}
	code, out, errs := proctour("run", "hello", "--format", "json")
	if code != 0 {
		t.Fatalf("run hello: exit %d, %s", code, errs)
	}
	file := filepath.Join(t.TempDir(), "hello.jsonl")
	if err := os.WriteFile(file, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd, master, screen := startTUI(t, "replay "+file+" --lang en", "PROCTOUR_STATE_DIR="+dir)
	defer master.Close()
	if !screen.waitFor("replay hello.jsonl") {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the replay never appeared: %q", screen.String())
	}
	master.Write([]byte("\x1b")) // esc: the course
	if !screen.waitFor("open lesson") {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("esc did not lead to the lesson list: %q", ansi.Strip(screen.String()))
	}
	master.Write([]byte("\r")) // open lesson 1
	screen.waitFor("1. Programs and processes")
	master.Write([]byte("q"))
	cmd.Wait()
	if c := cmd.ProcessState.ExitCode(); c != 0 {
		t.Errorf("exit %d after q", c)
	}
	back, err := lessons.LoadProgress(dir)
	if err != nil {
		t.Fatal(err)
	}
	if r := back.Lessons[1]; r == nil || !r.Read {
		t.Errorf("lesson 1, opened after esc from the replay, is not saved as read: %+v", back.Lessons)
	}
	if r := back.Lessons[5]; r == nil || !r.Read || !slices.Contains(r.Demos, "tickets") {
		t.Errorf("lesson 5's progress was lost: %+v", back.Lessons)
	}
}

// A trace the demo view saved is found by its name alone, in the traces
// directory, as well as by its path.
func TestReplayFindsASavedTraceByName(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PROCTOUR_STATE_DIR", dir)
	t.Chdir(t.TempDir())
	_, out, _ := proctour("run", "hello", "--format", "json")
	traces := filepath.Join(dir, "traces")
	os.MkdirAll(traces, 0o700)
	path := filepath.Join(traces, "hello-20261205-004534.jsonl")
	if err := os.WriteFile(path, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, arg := range []string{path, "hello-20261205-004534.jsonl"} {
		events, err := readTraceFile("replay", arg)
		if err != nil || len(events) < 3 || events[0].Kind != trace.KindRunBegin {
			t.Errorf("replay %s: %d events, %v", arg, len(events), err)
		}
	}
	if _, err := readTraceFile("replay", "nothing.jsonl"); err == nil || !strings.Contains(err.Error(), "nothing.jsonl: no such file") {
		t.Errorf("a name that is nowhere: %v", err)
	}
}
