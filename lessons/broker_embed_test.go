package lessons

import "github.com/proctour/proctour/internal/natsembed"

// The tests have a broker inside: nats-server, linked into the test binary
// only (proctour itself links it with -tags broker).
func init() { EmbeddedBroker = natsembed.Start }
