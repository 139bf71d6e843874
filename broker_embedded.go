//go:build broker

package main

import (
	"github.com/proctour/proctour/internal/natsembed"
	"github.com/proctour/proctour/lessons"
)

// Built with -tags broker, proctour has a NATS server inside for the broker
// demo. It is not in the default build: nats-server's package init would
// run in every demo child (DESIGN.md, "Beyond one machine").
func init() { lessons.EmbeddedBroker = natsembed.Start }
