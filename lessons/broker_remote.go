package lessons

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

// ErrBrokerDemoEnded is a worker's broker demo that ended while it waited
// for a job: its stream is gone.
var ErrBrokerDemoEnded = errors.New("the broker demo ended")

// BrokerJoin is a consumer of another terminal or machine joined to the
// broker demo that runs now at a broker (proctour worker --broker).
type BrokerJoin struct {
	nc     *natsConn
	Stream string // the demo's stream, the newest of the broker's
}

// JoinBroker connects to the NATS server at url (nats://HOST:PORT) and
// finds the broker demo running there: the newest of its streams.
func JoinBroker(url string) (*BrokerJoin, error) {
	nc, err := dialNATS(url)
	if err != nil {
		return nil, err
	}
	var list struct {
		Streams []struct {
			Config struct {
				Name string `json:"name"`
			} `json:"config"`
			Created time.Time `json:"created"`
		} `json:"streams"`
	}
	if err := nc.jsAPI("STREAM.LIST", map[string]any{"offset": 0}, &list); err != nil {
		nc.close()
		return nil, err
	}
	j := &BrokerJoin{nc: nc}
	var newest time.Time
	for _, s := range list.Streams {
		if strings.HasPrefix(s.Config.Name, "JOBS_") && (j.Stream == "" || s.Created.After(newest)) {
			j.Stream, newest = s.Config.Name, s.Created
		}
	}
	if j.Stream == "" {
		nc.close()
		return nil, errors.New("no broker demo runs there: start one first (in the TUI, or proctour run broker --broker " + RedactURL(url) + ")")
	}
	return j, nil
}

// Work takes jobs as one of the demo's consumers until a stop, or until
// the demo ends. Its events go to the demo's session over the broker, as
// a lane named name with host. done, if set, is told each job done.
func (j *BrokerJoin) Work(name, host string, done func(job string)) error {
	defer j.nc.close()
	t, err := primitives.NewTrace()
	if err != nil {
		return err
	}
	defer t.Close()
	subject := brokerTraceSubject(j.Stream)
	relayed := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(t.Reader())
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for sc.Scan() {
			if err := j.nc.publish(subject, sc.Bytes()); err != nil {
				io.Copy(io.Discard, t.Reader()) // keep the writer from blocking
				relayed <- err
				return
			}
		}
		relayed <- nil
	}()
	rt := primitives.NewRemote(t, name, host, 1)
	rt.Emit(trace.KindProcStart, "", brokerConsumer.Name())
	werr := brokerConsume(rt, j.nc, j.Stream, nil, done)
	if werr != nil && j.ended() {
		werr = ErrBrokerDemoEnded
	}
	code := 0
	if werr != nil && werr != ErrBrokerDemoEnded {
		code = 1
		rt.Print(werr.Error())
	}
	rt.Emit(trace.KindProcExit, "", code)
	t.CloseWriter()
	rerr := <-relayed
	if rerr == nil && werr != ErrBrokerDemoEnded {
		// a round trip: the broker has taken every event published before it
		_, rerr = j.nc.request("$JS.API.INFO", nil, 5*time.Second)
	}
	if werr != nil {
		return werr
	}
	if rerr != nil {
		return fmt.Errorf("sending this lane's events: %v", rerr)
	}
	return nil
}

// ended reports whether the demo's stream is gone.
func (j *BrokerJoin) ended() bool {
	err := j.nc.jsAPI("STREAM.INFO."+j.Stream, nil, nil)
	return err != nil && strings.Contains(err.Error(), "not found")
}
