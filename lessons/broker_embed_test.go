package lessons

import "github.com/proctour/proctour/internal/natsembed"

// The tests have a broker inside, as proctour has (broker_embedded.go in
// package main sets it there).
func init() { EmbeddedBroker = natsembed.Start }
