package trace

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"
)

// Every kind is a different string, and Kinds lists every Kind constant
// of the package: a kind added to kind.go and not to the table fails here.
func TestKindsAreUniqueAndAllListed(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range Kinds() {
		if seen[k] {
			t.Errorf("kind %q is listed twice, or two constants share it", k)
		}
		seen[k] = true
		if k == "" || strings.ContainsAny(k, " \t\n\"") {
			t.Errorf("kind %q: a kind is a dotted word", k)
		}
	}
	declared := kindConstants(t)
	if len(declared) != len(Kinds()) {
		t.Errorf("kind.go declares %d Kind constants, Kinds lists %d", len(declared), len(Kinds()))
	}
	for name, value := range declared {
		if !seen[value] {
			t.Errorf("%s = %q is not in Kinds", name, value)
		}
	}
}

// kindConstants reads kind.go's Kind… constants, name to value.
func kindConstants(t *testing.T) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "kind.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if !strings.HasPrefix(name.Name, "Kind") {
					continue
				}
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok {
					t.Fatalf("%s is not a string literal", name.Name)
				}
				v, _ := strconv.Unquote(lit.Value)
				out[name.Name] = v
			}
		}
	}
	return out
}

// The kinds of DESIGN.md's trace contract are those strings, for good:
// a kind is never renamed.
func TestCoreKindsKeepTheirNames(t *testing.T) {
	for got, want := range map[string]string{
		KindProcStart: "proc.start", KindProcExit: "proc.exit", KindProcTerminate: "proc.terminate", KindProcJoin: "proc.join",
		KindStdout: "stdout", KindSleep: "sleep",
		KindLockWait: "lock.wait", KindLockAcquire: "lock.acquire", KindLockRelease: "lock.release",
		KindSemWait: "sem.wait", KindSemAcquire: "sem.acquire", KindSemRelease: "sem.release",
		KindEventWait: "event.wait", KindEventWake: "event.wake", KindEventSet: "event.set", KindEventClear: "event.clear",
		KindQueuePut: "queue.put", KindQueueGet: "queue.get", KindQueueBlock: "queue.block", KindQueueTaskDone: "queue.task_done", KindQueueJoin: "queue.join",
		KindPipeSend: "pipe.send", KindPipeRecv: "pipe.recv", KindPipeClose: "pipe.close", KindPipeEOF: "pipe.eof",
		KindManagerCall: "manager.call",
		KindPoolSubmit:  "pool.submit", KindPoolTaskStart: "pool.task_start", KindPoolTaskDone: "pool.task_done", KindPoolCallback: "pool.callback",
		KindFileRead: "file.read", KindFileWrite: "file.write", KindFileReplace: "file.replace", KindWatchdog: "watchdog",
	} {
		if got != want {
			t.Errorf("kind %q, want %q", got, want)
		}
	}
	if TargetPoolWorker != "pool.worker" || TargetManagerServer != "manager.server" {
		t.Errorf("targets %q and %q", TargetPoolWorker, TargetManagerServer)
	}
}
