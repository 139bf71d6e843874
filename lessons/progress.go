package lessons

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"
)

// Progress is what a student has done, lesson by lesson: saved in the
// user's state directory so that a self-paced course can be taken over
// several sittings.
type Progress struct {
	Version int                   `json:"version"`
	Lessons map[int]*LessonRecord `json:"lessons"`
	path    string                // where it is saved; "" for one not backed by a file
}

// LessonRecord is one lesson's progress.
type LessonRecord struct {
	Read        bool            `json:"read,omitempty"`        // the text was opened
	Demos       []string        `json:"demos,omitempty"`       // scenario ids run to the end
	Predictions map[string]bool `json:"predictions,omitempty"` // prediction id → was it right
	Checkpoints map[string]bool `json:"checkpoints,omitempty"` // question id → answered right
	Challenges  map[string]int  `json:"challenges,omitempty"`  // challenge id → fewest moves it was won in
	Updated     time.Time       `json:"updated"`
}

const progressVersion = 1

// StateDir is where proctour keeps a user's state: $XDG_STATE_HOME/proctour
// (default ~/.local/state/proctour) on Linux and other Unix systems,
// ~/Library/Application Support/proctour on macOS and
// %LocalAppData%\proctour on Windows. PROCTOUR_STATE_DIR overrides it.
func StateDir() (string, error) {
	if d := os.Getenv("PROCTOUR_STATE_DIR"); d != "" {
		return d, nil
	}
	switch runtime.GOOS {
	case "windows":
		if d := os.Getenv("LocalAppData"); d != "" {
			return filepath.Join(d, "proctour"), nil
		}
	case "darwin":
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(home, "Library", "Application Support", "proctour"), nil
	}
	if d := os.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "proctour"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no state directory: %w", err)
	}
	return filepath.Join(home, ".local", "state", "proctour"), nil
}

// ErrCorruptProgress reports a progress file that could not be read; it
// was set aside (renamed) and an empty progress started.
var ErrCorruptProgress = errors.New("progress file unreadable")

// ErrUnreadableProgress reports a progress file that is there but could
// not be read (its permissions, a directory in its place): it is left as
// it is, and the progress returned is kept in memory only, so that no
// save replaces what could not be read.
var ErrUnreadableProgress = errors.New("progress file cannot be read")

// LoadProgress reads the progress saved in dir. A missing file is no
// progress yet. A corrupt one is renamed to progress.json.corrupt-<time>,
// and LoadProgress returns empty progress and an error wrapping
// ErrCorruptProgress that says where the old file went; one that cannot be
// read at all is left alone, with empty progress that is never saved and
// an error wrapping ErrUnreadableProgress. The caller reports either and
// carries on.
func LoadProgress(dir string) (*Progress, error) {
	p := &Progress{Version: progressVersion, Lessons: map[int]*LessonRecord{}, path: filepath.Join(dir, "progress.json")}
	b, err := os.ReadFile(p.path)
	if errors.Is(err, fs.ErrNotExist) {
		return p, nil
	}
	if err != nil {
		p.path = ""
		return p, fmt.Errorf("%w (%v): it is left as it is, and progress will not be saved this time", ErrUnreadableProgress, err)
	}
	var saved Progress
	if err := json.Unmarshal(b, &saved); err != nil || saved.Version != progressVersion || saved.Lessons == nil {
		why := "unknown version"
		if err != nil {
			why = err.Error()
		}
		aside := fmt.Sprintf("%s.corrupt-%s", p.path, time.Now().Format("20060102-150405"))
		if rerr := os.Rename(p.path, aside); rerr != nil {
			return p, fmt.Errorf("%w: %s (%s), and it could not be set aside: %v", ErrCorruptProgress, p.path, why, rerr)
		}
		return p, fmt.Errorf("%w: %s (%s); set aside as %s, starting afresh", ErrCorruptProgress, p.path, why, aside)
	}
	saved.path = p.path
	return &saved, nil
}

// Save writes the progress atomically: a temporary file in the same
// directory, synced, then renamed over the old one, so that a crash
// leaves either the old progress or the new, never half of one.
func (p *Progress) Save() error {
	b, err := p.Encode()
	if err != nil {
		return err
	}
	return WriteProgress(p.path, b)
}

// Encode is the progress as its file holds it: a UI encodes in its update
// and writes (WriteProgress) in a command.
func (p *Progress) Encode() ([]byte, error) { return json.MarshalIndent(p, "", "  ") }

// WriteProgress writes encoded progress to path atomically; "" writes
// nothing.
func WriteProgress(path string, b []byte) error {
	if path == "" {
		return nil
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "progress-*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, werr := f.Write(append(b, '\n'))
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// Reset forgets everything and saves.
func (p *Progress) Reset() error {
	p.Lessons = map[int]*LessonRecord{}
	return p.Save()
}

// Path is the file the progress is saved in.
func (p *Progress) Path() string { return p.path }

func (p *Progress) lesson(n int) *LessonRecord {
	r := p.Lessons[n]
	if r == nil {
		r = &LessonRecord{}
		p.Lessons[n] = r
	}
	r.Updated = time.Now().UTC()
	return r
}

// MarkRead records that lesson n's text was opened.
func (p *Progress) MarkRead(n int) { p.lesson(n).Read = true }

// MarkDemo records that a demo of lesson n ran to its end.
func (p *Progress) MarkDemo(n int, id string) {
	r := p.lesson(n)
	if !slices.Contains(r.Demos, id) {
		r.Demos = append(r.Demos, id)
		slices.Sort(r.Demos)
	}
}

// MarkPrediction records a prediction and whether it was right.
func (p *Progress) MarkPrediction(n int, id string, right bool) {
	r := p.lesson(n)
	if r.Predictions == nil {
		r.Predictions = map[string]bool{}
	}
	r.Predictions[id] = right
}

// MarkCheckpoint records a checkpoint answer; a right answer stays right.
func (p *Progress) MarkCheckpoint(n int, id string, right bool) {
	r := p.lesson(n)
	if r.Checkpoints == nil {
		r.Checkpoints = map[string]bool{}
	}
	r.Checkpoints[id] = r.Checkpoints[id] || right
}

// MarkChallenge records a challenge won in moves; the fewest stay.
func (p *Progress) MarkChallenge(n int, id string, moves int) {
	r := p.lesson(n)
	if r.Challenges == nil {
		r.Challenges = map[string]int{}
	}
	if best, ok := r.Challenges[id]; !ok || moves < best {
		r.Challenges[id] = moves
	}
}

// Status is a lesson's progress in one word, for lists.
type Status int

// The statuses, in order.
const (
	NotStarted Status = iota
	Started
	Done
)

// Of says how far lesson l is: done once every built demo has run and
// every checkpoint question (checkpoints of them) is answered right.
func (p *Progress) Of(l Lesson, checkpoints int) Status {
	r := p.Lessons[l.N]
	if r == nil || (!r.Read && len(r.Demos) == 0 && len(r.Predictions) == 0 && len(r.Checkpoints) == 0) {
		return NotStarted
	}
	for _, s := range l.Available() {
		if !slices.Contains(r.Demos, s.ID) {
			return Started
		}
	}
	right := 0
	for _, ok := range r.Checkpoints {
		if ok {
			right++
		}
	}
	if right < checkpoints {
		return Started
	}
	return Done
}

// NewProgress is empty progress not saved anywhere (tests, or no state
// directory).
func NewProgress() *Progress {
	return &Progress{Version: progressVersion, Lessons: map[int]*LessonRecord{}}
}
