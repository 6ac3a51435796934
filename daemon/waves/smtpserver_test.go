package waves

import (
	"io"
	"log"
	"net"
	"sync"
	"testing"

	gosmtp "github.com/emersion/go-smtp"
)

// testServer is an in-process go-smtp server that the fixture's account
// sends to through a real sender.Pool, as the daemon does: it records the
// messages it accepts, per recipient, and answers each RCPT and each
// end of data as fail says.
type testServer struct {
	host string
	port int

	mu   sync.Mutex
	sent map[string]int    // recipient → messages accepted
	raw  map[string][]byte // recipient → the last message accepted
	fail func(cmd, to string) error
}

// startTestServer starts a server that accepts everything, closed with
// the test.
func startTestServer(t testing.TB) *testServer {
	t.Helper()
	s := &testServer{sent: map[string]int{}, raw: map[string][]byte{}}
	srv := gosmtp.NewServer(gosmtp.BackendFunc(func(*gosmtp.Conn) (gosmtp.Session, error) {
		return &testSession{s: s}, nil
	}))
	srv.Domain = "fake.test"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	s.host, s.port = "127.0.0.1", l.Addr().(*net.TCPAddr).Port
	return s
}

// failWith makes the server run fail at each RCPT (cmd "RCPT") and after
// each message's content (cmd "."), for the recipient to; an error it
// returns is the server's answer: a *gosmtp.SMTPError as it is, anything
// else as 554 (end of data) or 451 (RCPT). nil accepts everything.
func (s *testServer) failWith(fail func(cmd, to string) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = fail
}

// check runs the fail hook, if any.
func (s *testServer) check(cmd, to string) error {
	s.mu.Lock()
	fail := s.fail
	s.mu.Unlock()
	if fail == nil {
		return nil
	}
	return fail(cmd, to)
}

// messages returns copies of what the server accepted: how many messages
// each recipient got, and the last one's content.
func (s *testServer) messages() (sent map[string]int, raw map[string][]byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sent, raw = make(map[string]int, len(s.sent)), make(map[string][]byte, len(s.raw))
	for to, n := range s.sent {
		sent[to] = n
	}
	for to, b := range s.raw {
		raw[to] = b
	}
	return sent, raw
}

// testSession is one connection to a testServer.
type testSession struct {
	s  *testServer
	to string
}

func (ss *testSession) Reset()                                 { ss.to = "" }
func (ss *testSession) Logout() error                          { return nil }
func (ss *testSession) Mail(string, *gosmtp.MailOptions) error { return nil }

func (ss *testSession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	ss.to = to
	return ss.s.check("RCPT", to)
}

func (ss *testSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := ss.s.check(".", ss.to); err != nil {
		return err
	}
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	ss.s.sent[ss.to]++
	ss.s.raw[ss.to] = data
	return nil
}
