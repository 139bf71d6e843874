package main

import (
	"github.com/proctour/proctour/internal/natsembed"
	"github.com/proctour/proctour/lessons"
)

// proctour has a NATS server inside, started for the broker demo when no
// --broker is given. Linking nats-server is affordable because a demo child
// leaves during package initialisation (package child), before
// nats-server's own package has initialised: a child pays only for its
// small dependencies (DESIGN.md, "Package init is paid by every child").
func init() { lessons.EmbeddedBroker = natsembed.Start }
