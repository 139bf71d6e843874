package tui

import (
	"github.com/proctour/proctour/internal/natsembed"
	"github.com/proctour/proctour/lessons"
)

// The broker demo's tests have a broker inside: nats-server, linked into
// the test binary (as in package lessons' tests).
func init() {
	if lessons.EmbeddedBroker == nil {
		lessons.EmbeddedBroker = natsembed.Start
	}
}
