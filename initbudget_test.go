package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// Every package linked into proctour runs its initialisation in every demo
// child, since a child is this binary run again (primitives.MaybeRunChild
// comes first in main, after package init). The init budget holds the
// whole binary to what it does at init today, on the figures that do not
// depend on the machine's load: allocations, per package and in all, and
// bytes allocated in all. A package that starts doing work at init (a
// table built in a package-level variable, an init function, a new
// dependency such as an SSH server or a tracer) fails it, by name. Clock
// time is measured, logged (go test -v -run InitBudget .) and benchmarked
// (BenchmarkChildInit), never asserted: tests must pass on a loaded machine.
//
// Measured on 2026-12-04 (go1.26, linux/amd64), GODEBUG=inittrace=1, the
// same in `proctour version` and in each child of `proctour run hello`:
// first 2,925 allocations, 450.7 KB, of which sim's ~60 localisation
// regexps were 2,264 allocations and 316.6 KB and tui's dictionary 11;
// 1.1–1.5 ms of init clock (taskset -c 0, idle machine), sim ~0.6–0.7 ms
// of it. Translation then moved to a catalogue read on first use (package
// i18n): 650–652 allocations, 122.6 KB, 0.7–1.1 ms of init clock, of which
// the lessons' scenario tables are 368 allocations and 44.5 KB.
//
// The ceilings below are those figures (the highest seen across locales
// and terminals: lipgloss and go-runewidth look at TERM and LANG) with a
// little room: a package's ceiling is its count plus 4 plus 2 %, and the
// totals are about 5 % above today's. Each package in the table may grow
// that much; a package outside it may not allocate at init at all, and a
// package of this module may not appear in the trace at all.
//
// To lower the budget: run `go test -v -run TestChildInitBudget .`, which logs every
// package's figures; set each line of initBudget's table to what it logs (delete
// the packages that no longer allocate), and the totals to the logged
// totals plus 5 %.
func initBudget() (perPackage map[string]int, totalAllocs, totalBytes int) {
	perPackage = map[string]int{
		// This module.
		"github.com/proctour/proctour/lessons":    483, // scenario registrations and listings (451 before lesson 17's remote-queue and broker, +32)
		"github.com/proctour/proctour/primitives": 10,  // target registrations
		"github.com/proctour/proctour/tui":        5,   // package-level errors and tables
		// Dependencies.
		"charm.land/lipgloss/v2":                 60, // 11 to 52, by TERM and the environment
		"github.com/charmbracelet/x/termios":     18,
		"github.com/charmbracelet/x/ansi":        16,
		"github.com/spf13/cobra":                 12,
		"github.com/charmbracelet/ultraviolet":   12,
		"github.com/mattn/go-runewidth":          12, // 2 to 9, by LANG and TERM
		"github.com/charmbracelet/colorprofile":  4,
		"github.com/charmbracelet/x/ansi/parser": 3,
		"golang.org/x/sys/unix":                  1,
		"github.com/xo/terminfo":                 1,
		"github.com/spf13/pflag":                 1,
		"github.com/muesli/cancelreader":         1,
		// The classroom's SSH server (proctour serve; measured 2026-12-05,
		// wish v2.0.5, x/crypto v0.57): 298 allocations and 22.7 KB more in
		// every child, of which x/crypto/ssh's algorithm tables are 206 and
		// 16.3 KB; ~0.25 ms more init clock (taskset -c 0, `proctour
		// version` five times: 0.80–1.40 ms against 0.57–0.79 ms without).
		"golang.org/x/crypto/ssh":        216, // 206 with x/crypto v0.57; 216 with v0.58, which nats-server (tests, -tags broker) requires
		"github.com/pires/go-proxyproto": 9,
		"charm.land/ssh":                 8,
		"charm.land/log/v2":              1,
		"golang.org/x/crypto/cryptobyte": 2,
		// Not linked: the NATS server of lesson 17's broker demo (only with
		// -tags broker). Measured 2026-12-05, nats-server v2.15.3, go1.26,
		// `proctour version` with GODEBUG=inittrace=1: +2,316 allocations,
		// +316 KB, 41 more packages with init (nats-server/server alone
		// 1,867 allocations and ~0.4 ms; encoding/gob 423; nats-io/jwt 90;
		// nkeys 84; net/http/pprof 73), ~+0.9 ms of init clock, +17 MB of
		// binary; nats.go and its jetstream package would add ~500
		// allocations more, so the demo speaks NATS through a client of
		// its own (lessons/broker_client.go), which allocates nothing.
		// The standard library.
		"net":                                    23,
		"net/netip":                              19,
		"unicode":                                16,
		"os":                                     9,
		"crypto/internal/fips140":                9,
		"internal/godebug":                       7,
		"compress/flate":                         7,
		"vendor/golang.org/x/net/dns/dnsmessage": 6,
		"regexp/syntax":                          6,
		"syscall":                                5,
		"hash/crc32":                             5,
		"encoding/base64":                        4,
		"crypto/internal/fips140/aes/gcm":        3,
		"time":                                   2,
		"text/template":                          2,
		"log":                                    2,
		"internal/poll":                          2,
		"image/png":                              2,
		"flag":                                   2,
		"encoding/json":                          2,
		"crypto/internal/fips140/sha256":         2,
		"iter":                                   1,
		"crypto/internal/fips140/sha512":         1,
		"crypto/fips140":                         1,
		"crypto":                                 1,
		"context":                                1,
		// Linked with the SSH server (above).
		"crypto/internal/fips140/rsa":                24,
		"crypto/internal/fips140/ecdsa":              16,
		"crypto/internal/fips140/edwards25519":       7,
		"crypto/internal/fips140/ecdh":               6,
		"log/slog":                                   3,
		"crypto/internal/fips140/edwards25519/field": 3,
		"vendor/golang.org/x/crypto/cryptobyte":      2,
		"encoding/asn1":                              2,
		"crypto/x509":                                2,
		"crypto/rsa":                                 2,
		"crypto/internal/fips140/mlkem":              2,
		"crypto/internal/fips140/ed25519":            2,
		"crypto/ecdsa":                               2,
		"crypto/internal/fips140/bigmod":             1,
	}
	for pkg, n := range perPackage {
		perPackage[pkg] = n + 4 + n/50
	}
	// 652 allocations and 122.6 KB measured, plus lipgloss's range by
	// TERM (11 to 52), plus 5 %; then the SSH server's 298 and 22.7 KB;
	// then lesson 15's condition and barrier scenarios, 34 and 5.1 KB
	// (995 and 151.3 KB before them, 1,029 and 156.3 KB with them, `proctour
	// version`, 2026-12-05).
	// Then lesson 17's two scenarios (+32) and x/crypto v0.58's ssh (+10).
	return perPackage, 1117, 178_000
}

// pkgInit is one line of GODEBUG=inittrace=1:
// "init net/netip @0.94 ms, 0.015 ms clock, 744 bytes, 18 allocs".
type pkgInit struct {
	pkg           string
	clockMs       float64
	bytes, allocs int
}

// parseInitTrace returns the init lines among lines, in order.
func parseInitTrace(lines []string) []pkgInit {
	var out []pkgInit
	for _, l := range lines {
		var p pkgInit
		var at float64
		if _, err := fmt.Sscanf(l, "init %s @%f ms, %f ms clock, %d bytes, %d allocs", &p.pkg, &at, &p.clockMs, &p.bytes, &p.allocs); err == nil {
			out = append(out, p)
		}
	}
	return out
}

func sumInit(ps []pkgInit) (clockMs float64, bytes, allocs int) {
	for _, p := range ps {
		clockMs += p.clockMs
		bytes += p.bytes
		allocs += p.allocs
	}
	return clockMs, bytes, allocs
}

// buildProctour builds the binary as it ships (the test binary links more
// packages, with init work of their own) into a temporary directory.
func buildProctour(tb testing.TB) string {
	tb.Helper()
	if runtime.GOOS == "windows" {
		tb.Skip("proctour's demos need Linux or macOS")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		tb.Skip("no go command to build proctour with")
	}
	bin := filepath.Join(tb.TempDir(), "proctour")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// initTraced runs bin with args and GODEBUG=inittrace=1 and returns its
// stdout and stderr.
func initTraced(tb testing.TB, bin string, args ...string) (stdout, stderr []byte) {
	tb.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		tb.Fatalf("%s %v: %v\n%s", bin, args, err, errb.Bytes())
	}
	return out.Bytes(), errb.Bytes()
}

func TestChildInitBudget(t *testing.T) {
	bin := buildProctour(t)
	perPackage, totalAllocs, totalBytes := initBudget()

	// `proctour version`, and each child of a demo: a child's stderr is in
	// the trace, a line per event.
	procs := map[string][]pkgInit{}
	_, stderr := initTraced(t, bin, "version")
	procs["proctour version"] = parseInitTrace(strings.Split(string(stderr), "\n"))
	trace, _ := initTraced(t, bin, "run", "hello", "--format", "json")
	childLines := map[string][]string{}
	for _, l := range strings.Split(string(trace), "\n") {
		var e struct{ Proc, Obj, Val string }
		if json.Unmarshal([]byte(l), &e) == nil && e.Proc != "MainProcess" && e.Obj == "stderr" {
			childLines[e.Proc] = append(childLines[e.Proc], e.Val)
		}
	}
	if len(childLines) == 0 {
		t.Fatalf("no child of proctour run hello printed an init trace:\n%s", trace)
	}
	for proc, lines := range childLines {
		procs["child "+proc] = parseInitTrace(lines)
	}
	if len(procs["proctour version"]) == 0 {
		t.Skip("no inittrace output from the runtime")
	}

	names := make([]string, 0, len(procs))
	for name := range procs {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		inits := procs[name]
		clock, b, allocs := sumInit(inits)
		t.Logf("%s: %d packages with init, %.3f ms init clock, %d bytes, %d allocs (budget %d bytes, %d allocs)", name, len(inits), clock, b, allocs, totalBytes, totalAllocs)
		if allocs > totalAllocs || b > totalBytes {
			t.Errorf("%s: package initialisation allocates %d bytes in %d allocations; the budget is %d bytes, %d allocations", name, b, allocs, totalBytes, totalAllocs)
		}
		for _, p := range inits {
			ceiling, known := perPackage[p.pkg]
			switch {
			case !known && strings.HasPrefix(p.pkg, "github.com/proctour/proctour"):
				t.Errorf("%s: %s has init work (%d allocs, %d bytes, %.3f ms): proctour's packages do nothing at init but what initBudget lists", name, p.pkg, p.allocs, p.bytes, p.clockMs)
			case !known && p.allocs > 0:
				t.Errorf("%s: %s allocates at init (%d allocs, %d bytes, %.3f ms), in every demo child: make it lazy, or measure it and add it to initBudget", name, p.pkg, p.allocs, p.bytes, p.clockMs)
			case known && p.allocs > ceiling:
				t.Errorf("%s: %s allocates %d times at init; its budget is %d: make the new work lazy, or measure it and raise initBudget", name, p.pkg, p.allocs, ceiling)
			}
		}
	}
	if testing.Verbose() {
		// The table initBudget holds, as measured now in the first child.
		for _, p := range procs[names[0]] {
			if p.allocs > 0 {
				t.Logf("  %-45s %6d allocs %8d bytes %7.3f ms", p.pkg, p.allocs, p.bytes, p.clockMs)
			}
		}
	}
}

// BenchmarkChildInit measures what package initialisation costs each
// proctour process, children included (a child initialises the same
// packages before MaybeRunChild takes over): the init clock the runtime
// traces, in init-ms/op, and its allocations. ns/op is the whole run of
// `proctour version`. Pin it for steadier figures:
//
//	taskset -c 0 go test -run '^$' -bench ChildInit -count 5 .
func BenchmarkChildInit(b *testing.B) {
	bin := buildProctour(b)
	var clock float64
	var bytes, allocs, n int
	for b.Loop() {
		_, stderr := initTraced(b, bin, "version")
		c, by, a := sumInit(parseInitTrace(strings.Split(string(stderr), "\n")))
		clock, bytes, allocs, n = clock+c, bytes+by, allocs+a, n+1
	}
	b.ReportMetric(clock/float64(n), "init-ms/op")
	b.ReportMetric(float64(bytes)/float64(n), "init-B/op")
	b.ReportMetric(float64(allocs)/float64(n), "init-allocs/op")
}
