// Package natsembed starts a NATS server with JetStream inside this
// process, on a free port of the loopback address, its store in memory
// and a temporary directory. Only package main and test binaries import
// it: nats-server's own package init (~1,900 allocations, ~0.4 ms) then
// comes after a demo child has left (package child; DESIGN.md).
package natsembed

import (
	"fmt"
	"os"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Start starts the server and returns its URL and how to stop it.
func Start() (url string, stop func(), err error) {
	dir, err := os.MkdirTemp("", "proctour-broker-")
	if err != nil {
		return "", nil, err
	}
	opts := &server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: dir, NoLog: true, NoSigs: true}
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
