package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/proctour/proctour/sim"
)

func TestPoolWidget(t *testing.T) {
	st := sim.Fold(timeline(
		[5]string{"1", "MainProcess", "proc.start", "", `"pool"`},
		[5]string{"1", "MainProcess", "pool.new", "pool", `{"processes": 2, "maxtasksperchild": 0}`},
		[5]string{"2", "SpawnPoolWorker-1", "proc.start", "", `"pool.worker"`},
		[5]string{"3", "SpawnPoolWorker-2", "proc.start", "", `"pool.worker"`},
		[5]string{"2", "SpawnPoolWorker-1", "pool.worker", "pool", `null`},
		[5]string{"3", "SpawnPoolWorker-2", "pool.worker", "pool", `null`},
		[5]string{"1", "MainProcess", "pool.submit", "pool", `{"job": 1, "func": "pool.square", "args": 3, "items": 1, "chunks": 1, "how": "apply_async"}`},
		[5]string{"1", "MainProcess", "pool.submit", "pool", `{"job": 2, "func": "pool.square", "items": 10, "chunks": 3, "how": "map_async"}`},
		[5]string{"2", "SpawnPoolWorker-1", "pool.task_start", "pool", `{"job": 1, "i": 0, "func": "pool.square", "args": 3, "take": true}`},
		[5]string{"2", "SpawnPoolWorker-1", "pool.task_done", "pool", `{"job": 1, "i": 0, "func": "pool.square", "result": 9}`},
		[5]string{"2", "SpawnPoolWorker-1", "pool.task_start", "pool", `{"job": 2, "i": 0, "func": "pool.square", "args": 0, "take": true}`},
	))
	if len(st.Violations) > 0 {
		t.Fatal(st.Violations)
	}
	got := ansi.Strip(strings.Join(poolWidget(st, newStyles(true, true), 100), "\n"))
	want := "pool       Pool(2) · 2 chunks queued\n" +
		"           SpawnPoolWorker-1 ▶ square(0) · SpawnPoolWorker-2 idle\n" +
		"           jobs #1 ✓ 9 · #2 0/10"
	if got != want {
		t.Errorf("pool widget:\n%s\nwant\n%s", got, want)
	}
}

func TestExecutorFuturesTable(t *testing.T) {
	st := sim.Fold(timeline(
		[5]string{"1", "MainProcess", "proc.start", "", `"executor"`},
		[5]string{"1", "MainProcess", "pool.new", "executor", `{"processes": 2, "ctor": "ProcessPoolExecutor"}`},
		[5]string{"2", "SpawnPoolWorker-1", "proc.start", "", `"pool.worker"`},
		[5]string{"2", "SpawnPoolWorker-1", "pool.worker", "executor", `null`},
		[5]string{"1", "MainProcess", "pool.submit", "executor", `{"job": 1, "func": "executor.slow", "args": 3, "items": 1, "chunks": 1, "how": "submit"}`},
		[5]string{"1", "MainProcess", "pool.submit", "executor", `{"job": 2, "func": "executor.slow", "args": 1, "items": 1, "chunks": 1, "how": "submit"}`},
		[5]string{"1", "MainProcess", "pool.submit", "executor", `{"job": 3, "func": "executor.slow", "args": 0, "items": 1, "chunks": 1, "how": "submit"}`},
		[5]string{"2", "SpawnPoolWorker-1", "pool.task_start", "executor", `{"job": 1, "i": 0, "func": "executor.slow", "args": 3, "take": true}`},
		[5]string{"2", "SpawnPoolWorker-1", "pool.task_done", "executor", `{"job": 1, "i": 0, "func": "executor.slow", "result": 9}`},
		[5]string{"1", "MainProcess", "pool.callback", "executor", `{"job": 1, "callback": "report", "value": 9, "how": "future"}`},
		[5]string{"2", "SpawnPoolWorker-1", "pool.task_start", "executor", `{"job": 2, "i": 0, "func": "executor.slow", "args": 1, "take": true}`},
	))
	if len(st.Violations) > 0 {
		t.Fatal(st.Violations)
	}
	got := ansi.Strip(strings.Join(poolWidget(st, newStyles(true, true), 100), "\n"))
	want := "executor   ProcessPoolExecutor(max_workers=2) · 1 chunk queued\n" +
		"           SpawnPoolWorker-1 ▶ slow(1)\n" +
		"           future  call           state      result       callback\n" +
		"           #1      slow(3)        finished   9            report\n" +
		"           #2      slow(1)        running\n" +
		"           #3      slow(0)        pending"
	if got != want {
		t.Errorf("futures table:\n%s\nwant\n%s", got, want)
	}
}

// Jobs whose results start alike (callback's pages all start with the
// server's address) are told apart: the shared start is elided.
func TestPoolJobsWithLongSharedResults(t *testing.T) {
	ev := [][5]string{
		{"1", "MainProcess", "proc.start", "", `"callback"`},
		{"1", "MainProcess", "pool.new", "pool", `{"processes": 1, "maxtasksperchild": 0}`},
		{"2", "SpawnPoolWorker-1", "proc.start", "", `"pool.worker"`},
		{"2", "SpawnPoolWorker-1", "pool.worker", "pool", `null`},
	}
	for i, page := range []string{"processes", "pools"} {
		job := string(rune('1' + i))
		ev = append(ev,
			[5]string{"1", "MainProcess", "pool.submit", "pool", `{"job": ` + job + `, "func": "callback.download", "items": 1, "chunks": 1, "how": "apply_async"}`},
			[5]string{"2", "SpawnPoolWorker-1", "pool.task_start", "pool", `{"job": ` + job + `, "i": 0, "func": "callback.download", "take": true}`},
			[5]string{"2", "SpawnPoolWorker-1", "pool.task_done", "pool", `{"job": ` + job + `, "i": 0, "func": "callback.download", "result": ["http://127.0.0.1:38107/` + page + `", 11961]}`})
	}
	st := sim.Fold(timeline(ev...))
	got := ansi.Strip(strings.Join(poolWidget(st, newStyles(true, true), 120), "\n"))
	for _, want := range []string{"#1 ✓ …processes'", "#2 ✓ …pools', 1196"} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in the pool widget:\n%s", want, got)
		}
	}
}
