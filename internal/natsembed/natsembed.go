// Package natsembed starts a NATS server with JetStream inside this
// process, on a free port, its store in memory and a temporary directory.
// Only package main and test binaries import it: nats-server's own
// package init (~1,900 allocations, ~0.4 ms) then comes after a demo child
// has left (package child; DESIGN.md).
package natsembed

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Start starts the server listening on host (127.0.0.1: this computer
// only; 0.0.0.0: every interface) and returns its URL, nats://HOST:PORT
// (without the token), and how to stop it. With a token, a client must
// give it (CONNECT's auth_token, nats://TOKEN@HOST:PORT) or is refused
// with -ERR 'Authorization Violation'.
func Start(host, token string) (url string, stop func(), err error) {
	sweep()
	dir, err := os.MkdirTemp("", fmt.Sprintf("proctour-broker-%d-", os.Getpid()))
	if err != nil {
		return "", nil, err
	}
	opts := &server.Options{Host: host, Port: -1, JetStream: true, StoreDir: dir, NoLog: true, NoSigs: true, Authorization: token}
	s, err := server.NewServer(opts)
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, fmt.Errorf("broker: %w", err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		s.Shutdown()
		os.RemoveAll(dir)
		return "", nil, fmt.Errorf("broker: the embedded NATS server did not start")
	}
	return s.ClientURL(), func() {
		s.Shutdown()
		s.WaitForShutdown()
		os.RemoveAll(dir)
	}, nil
}

// sweep removes the store directories of brokers whose proctour is gone
// without stopping them (SIGKILL: nothing runs on that exit path), named
// proctour-broker-PID-*; those of running processes are theirs.
func sweep() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "proctour-broker-*-*"))
	for _, d := range dirs {
		pid, err := strconv.Atoi(strings.SplitN(strings.TrimPrefix(filepath.Base(d), "proctour-broker-"), "-", 2)[0])
		if err != nil || pid <= 0 || pid == os.Getpid() || alive(pid) {
			continue
		}
		os.RemoveAll(d)
	}
}
