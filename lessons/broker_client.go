package lessons

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/proctour/proctour/primitives"
)

// natsConn is a small client of the NATS protocol and of JetStream's API,
// enough for the broker demo: publish, request and reply, a pull
// consumer's fetch, and acknowledgements. It is proctour's own rather than
// nats.go because every package linked into proctour runs its init in
// every demo child: nats.go and its jetstream package allocate ~500 times
// at init; this allocates nothing until used. The protocol is text over
// TCP (https://docs.nats.io/reference/reference-protocols/nats-protocol).
type natsConn struct {
	c     net.Conn
	r     *bufio.Reader
	wmu   sync.Mutex
	mu    sync.Mutex
	inbox string
	next  int
	wait  map[string]chan natsMsg
	// fetching is the reply subject of the fetch under way, if any
	fetching string
	// subs are the subscriptions' handlers by subject (subscribe)
	subs map[string]func(natsMsg)
	sids int
	err  error
	done chan struct{}
}

// natsMsg is a message received: its subject, the subject to reply to,
// the status of a JetStream reply without a message (404 none, 408 timed
// out), and its payload.
type natsMsg struct {
	Subject, Reply string
	Status         int
	Data           []byte
}

// errBrokerGone is a broker that went away mid-run.
var errBrokerGone = func(err error) error { return fmt.Errorf("the broker went away: %v", err) }

// dialNATS connects to nats://HOST:PORT, giving the URL's user
// information, if any, in CONNECT: nats://TOKEN@HOST:PORT a token
// (auth_token), nats://USER:PASS@HOST:PORT a user and password. It
// returns once the server has taken the connection in (the PONG to its
// PING), or its refusal as one line (-ERR 'Authorization Violation').
func dialNATS(rawURL string) (*natsConn, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "nats" || u.Host == "" {
		return nil, fmt.Errorf("broker %q: want nats://HOST:PORT", RedactURL(rawURL))
	}
	c, err := net.DialTimeout("tcp", u.Host, 3*time.Second)
	if err != nil {
		return nil, fmt.Errorf("no broker at %s: %v", u.Host, netMessage(err))
	}
	nc := &natsConn{c: c, r: bufio.NewReader(c), wait: map[string]chan natsMsg{}, done: make(chan struct{})}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	line, err := nc.r.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "INFO ") {
		c.Close()
		return nil, fmt.Errorf("%s is not a NATS server", u.Host)
	}
	var id [8]byte
	for i := range id {
		id[i] = "abcdefghijklmnopqrstuvwxyz"[(time.Now().UnixNano()>>uint(i*3)+int64(i*7))%26]
	}
	nc.inbox = fmt.Sprintf("_INBOX.proctour.%d.%s", time.Now().UnixNano(), id[:])
	connect := struct {
		Verbose      bool   `json:"verbose"`
		Pedantic     bool   `json:"pedantic"`
		Headers      bool   `json:"headers"`
		NoResponders bool   `json:"no_responders"`
		Name         string `json:"name"`
		Token        string `json:"auth_token,omitempty"`
		User         string `json:"user,omitempty"`
		Pass         string `json:"pass,omitempty"`
	}{Headers: true, NoResponders: true, Name: "proctour"}
	refused := "it wants a token: nats://TOKEN@HOST:PORT, as the demo's join line shows"
	if u.User != nil {
		if pass, ok := u.User.Password(); ok {
			connect.User, connect.Pass = u.User.Username(), pass
			refused = "a wrong user or password"
		} else {
			connect.Token = u.User.Username()
			refused = "a wrong token"
		}
	}
	b, _ := json.Marshal(connect)
	hello := "CONNECT " + string(b) + "\r\nSUB " + nc.inbox + ".* 1\r\nPING\r\n"
	if _, err := c.Write([]byte(hello)); err != nil {
		c.Close()
		return nil, errBrokerGone(err)
	}
	// Until the PONG: the server's answer to CONNECT (an error, as a
	// refused token, comes before it, and the server then closes).
	for {
		line, err := nc.r.ReadString('\n')
		if err != nil {
			c.Close()
			return nil, fmt.Errorf("the broker at %s closed the connection: %v", u.Host, netMessage(err))
		}
		op, rest, _ := strings.Cut(strings.TrimRight(line, "\r\n"), " ")
		switch strings.ToUpper(op) {
		case "PONG":
			c.SetDeadline(time.Time{})
			go nc.read()
			return nc, nil
		case "PING":
			if _, err := c.Write([]byte("PONG\r\n")); err != nil {
				c.Close()
				return nil, errBrokerGone(err)
			}
		case "-ERR":
			c.Close()
			msg := strings.Trim(rest, "' ")
			if strings.Contains(strings.ToLower(msg), "authorization") {
				msg += ": " + refused
			}
			return nil, fmt.Errorf("the broker at %s refused this connection: %s", u.Host, msg)
		}
	}
}

// RedactURL is a broker's URL as it may be shown or written to a trace:
// a password or token in it reads …, nats://USER:…@HOST:PORT or
// nats://…@HOST:PORT.
func RedactURL(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		scheme, rest = "", raw
	}
	host := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		host = rest[:i]
	}
	at := strings.LastIndex(host, "@")
	if at < 0 {
		return raw
	}
	shown := "…"
	if user, _, hasPass := strings.Cut(host[:at], ":"); hasPass {
		shown = user + ":…"
	}
	if ok {
		scheme += "://"
	}
	return scheme + shown + rest[at:]
}

func netMessage(err error) string { return primitives.NetError(err).Error() }

func (nc *natsConn) write(s string) error {
	nc.wmu.Lock()
	defer nc.wmu.Unlock()
	nc.c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_, err := nc.c.Write([]byte(s))
	if err != nil {
		return errBrokerGone(err)
	}
	return nil
}

// read dispatches the replies to their waiters until the connection ends.
func (nc *natsConn) read() {
	defer close(nc.done)
	fail := func(err error) {
		nc.mu.Lock()
		nc.err = errBrokerGone(err)
		nc.mu.Unlock()
		nc.c.Close()
	}
	for {
		line, err := nc.r.ReadString('\n')
		if err != nil {
			fail(err)
			return
		}
		line = strings.TrimRight(line, "\r\n")
		op, rest, _ := strings.Cut(line, " ")
		switch strings.ToUpper(op) {
		case "PING":
			nc.write("PONG\r\n")
		case "MSG", "HMSG":
			f := strings.Fields(rest)
			var m natsMsg
			hlen, tlen := 0, 0
			switch {
			case op == "MSG" && len(f) == 3:
				m.Subject, tlen = f[0], atoi(f[2])
			case op == "MSG" && len(f) == 4:
				m.Subject, m.Reply, tlen = f[0], f[2], atoi(f[3])
			case op == "HMSG" && len(f) == 4:
				m.Subject, hlen, tlen = f[0], atoi(f[2]), atoi(f[3])
			case op == "HMSG" && len(f) == 5:
				m.Subject, m.Reply, hlen, tlen = f[0], f[2], atoi(f[3]), atoi(f[4])
			default:
				fail(fmt.Errorf("bad message line %q", line))
				return
			}
			buf := make([]byte, tlen+2)
			if _, err := ioReadFull(nc.r, buf); err != nil {
				fail(err)
				return
			}
			if hlen > 0 {
				head := string(buf[:hlen])
				if first, _, _ := strings.Cut(head, "\r\n"); strings.HasPrefix(first, "NATS/1.0 ") {
					code, _, _ := strings.Cut(strings.TrimPrefix(first, "NATS/1.0 "), " ")
					m.Status = atoi(code)
				}
			}
			m.Data = buf[hlen:tlen]
			nc.mu.Lock()
			ch := nc.wait[m.Subject]
			delete(nc.wait, m.Subject)
			if fn := nc.subs[m.Subject]; ch == nil && fn != nil {
				nc.mu.Unlock()
				fn(m)
				continue
			}
			if ch == nil && nc.fetching != "" {
				// a pull consumer's message comes on the fetch's inbox
				// subscription under the stream's own subject
				ch = nc.wait[nc.fetching]
				delete(nc.wait, nc.fetching)
			}
			nc.mu.Unlock()
			if ch != nil {
				ch <- m
			}
		case "-ERR":
			fail(errors.New(strings.Trim(rest, "' ")))
			return
		}
	}
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

func ioReadFull(r *bufio.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := r.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// request publishes data to subject and waits for the reply (or timeout).
func (nc *natsConn) request(subject string, data []byte, timeout time.Duration) (natsMsg, error) {
	return nc.requestAs(subject, data, timeout, false)
}

func (nc *natsConn) requestAs(subject string, data []byte, timeout time.Duration, fetch bool) (natsMsg, error) {
	nc.mu.Lock()
	if nc.err != nil {
		err := nc.err
		nc.mu.Unlock()
		return natsMsg{}, err
	}
	nc.next++
	reply := nc.inbox + "." + strconv.Itoa(nc.next)
	ch := make(chan natsMsg, 1)
	nc.wait[reply] = ch
	if fetch {
		nc.fetching = reply
		defer func() { nc.mu.Lock(); nc.fetching = ""; nc.mu.Unlock() }()
	}
	nc.mu.Unlock()
	if err := nc.write(fmt.Sprintf("PUB %s %s %d\r\n%s\r\n", subject, reply, len(data), data)); err != nil {
		return natsMsg{}, err
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case m := <-ch:
		if m.Status == 503 {
			return m, errors.New("no JetStream at the broker (start nats-server with -js)")
		}
		return m, nil
	case <-nc.done:
		nc.mu.Lock()
		defer nc.mu.Unlock()
		return natsMsg{}, nc.err
	case <-t.C:
		nc.mu.Lock()
		delete(nc.wait, reply)
		nc.mu.Unlock()
		return natsMsg{Status: 408}, nil
	}
}

// publish sends without waiting for a reply (an acknowledgement).
func (nc *natsConn) publish(subject string, data []byte) error {
	return nc.write(fmt.Sprintf("PUB %s %d\r\n%s\r\n", subject, len(data), data))
}

// subscribe calls fn with every message published to subject (one
// subject, no wildcards), on the connection's reader: fn must not wait
// for a reply on this connection.
func (nc *natsConn) subscribe(subject string, fn func(natsMsg)) error {
	nc.mu.Lock()
	if nc.subs == nil {
		nc.subs = map[string]func(natsMsg){}
	}
	nc.subs[subject] = fn
	nc.sids++
	sid := nc.sids + 1 // 1 is the inbox's
	nc.mu.Unlock()
	return nc.write(fmt.Sprintf("SUB %s %d\r\n", subject, sid))
}

func (nc *natsConn) close() {
	nc.c.Close()
	<-nc.done
}

// jsAPI calls JetStream's API and decodes its reply into out; an error
// reply is an error.
func (nc *natsConn) jsAPI(subject string, req, out any) error {
	b, _ := json.Marshal(req)
	if req == nil {
		b = nil
	}
	m, err := nc.request("$JS.API."+subject, b, 5*time.Second)
	if err != nil {
		return err
	}
	if m.Status == 408 {
		return errors.New("the broker did not answer " + subject)
	}
	var e struct {
		Error *struct {
			Description string `json:"description"`
		} `json:"error"`
	}
	if json.Unmarshal(m.Data, &e) == nil && e.Error != nil {
		return fmt.Errorf("JetStream: %s", e.Error.Description)
	}
	if out != nil {
		return json.Unmarshal(m.Data, out)
	}
	return nil
}

// jsMsg is a message a pull consumer fetched: its payload, how many times
// it was delivered (1: the first time) and the subject that acknowledges it.
type jsMsg struct {
	Data      []byte
	Delivered int
	Seq       uint64
	ack       string
}

// fetch asks the durable consumer for one message, waiting up to wait.
// ok false: none came.
func (nc *natsConn) fetch(stream, consumer string, wait time.Duration) (jsMsg, bool, error) {
	req, _ := json.Marshal(map[string]any{"batch": 1, "expires": wait.Nanoseconds()})
	// The broker always answers a pull request by its expiry (408): wait
	// well past it, so that a reply slowed by a loaded machine is not
	// dropped here (the job would wait for its ack wait to come again).
	m, err := nc.requestAs("$JS.API.CONSUMER.MSG.NEXT."+stream+"."+consumer, req, wait+30*time.Second, true)
	if err != nil && m.Status == 503 { // nobody answers for the consumer
		return jsMsg{}, false, errors.New("the broker no longer serves this demo's jobs (its stream is gone)")
	}
	if err != nil {
		return jsMsg{}, false, err
	}
	if m.Status != 0 || m.Reply == "" {
		return jsMsg{}, false, nil
	}
	// $JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<ts>.<pending>
	f := strings.Split(m.Reply, ".")
	j := jsMsg{Data: m.Data, ack: m.Reply}
	if len(f) >= 9 {
		j.Delivered = atoi(f[len(f)-5])
		j.Seq = uint64(atoi(f[len(f)-4]))
	}
	return j, true, nil
}

// ack acknowledges m and waits until the broker has taken the ack in
// (nats.go's AckSync): after it, the job is gone from the stream, so that
// what the main script reads of the stream next follows from the order of
// the operations alone.
func (nc *natsConn) ack(m jsMsg) error {
	r, err := nc.request(m.ack, []byte("+ACK"), 5*time.Second)
	if err != nil {
		return err
	}
	if r.Status == 408 {
		return errors.New("the broker did not confirm an ack")
	}
	return nil
}
