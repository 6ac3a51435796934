package sender

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"github.com/herald-mail/herald/daemon/config"
)

// fakeServer is an in-process go-smtp server for the cases smtp-sink
// cannot stage: answers chosen per message, a connection dropped after the
// end of data, a count of sessions.
type fakeServer struct {
	Host string
	Port int

	mu       sync.Mutex
	hook     func(ev fakeEvent) error
	sessions int // connections accepted
	open     int // connections not yet closed
	mails    int // MAIL commands seen
	msgs     []fakeMsg
}

// fakeEvent is one command the hook may answer: Cmd is "MAIL", "RCPT" or
// "." (after the whole message was read).
type fakeEvent struct {
	Cmd     string
	Session int // 1 for the first connection, …
	Mails   int // MAIL commands so far, this one included
	To      string
	Conn    *gosmtp.Conn
}

// fakeMsg is a message the server accepted; UTF8 when its MAIL had the
// SMTPUTF8 parameter.
type fakeMsg struct {
	From, To string
	UTF8     bool
	Data     []byte
}

// errDrop makes the fake close the connection without answering. At "."
// the message counts as received: the server took it, the answer was lost.
var errDrop = errors.New("drop the connection")

// startFake starts a fake server; hook may be nil (accept everything).
func startFake(t testing.TB, hook func(fakeEvent) error, tweak ...func(*gosmtp.Server)) *fakeServer {
	t.Helper()
	f := &fakeServer{hook: hook}
	srv := gosmtp.NewServer(gosmtp.BackendFunc(func(c *gosmtp.Conn) (gosmtp.Session, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.sessions++
		f.open++
		return &fakeSession{f: f, conn: c, n: f.sessions}, nil
	}))
	srv.Domain = "fake.test"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	for _, tw := range tweak {
		tw(srv)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	addr := l.Addr().(*net.TCPAddr)
	f.Host, f.Port = "127.0.0.1", addr.Port
	return f
}

// Account returns an account sending to the fake.
func (f *fakeServer) Account(conns int, rate config.Rate, dailyCap int) config.Account {
	return testAccount(f.Host, f.Port, conns, rate, dailyCap)
}

// stats returns the sessions accepted, still open, and the messages.
func (f *fakeServer) stats() (sessions, open int, msgs []fakeMsg) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sessions, f.open, append([]fakeMsg(nil), f.msgs...)
}

// call runs the hook, dropping the connection on errDrop.
func (f *fakeServer) call(ev fakeEvent) error {
	f.mu.Lock()
	hook := f.hook
	f.mu.Unlock()
	if hook == nil {
		return nil
	}
	err := hook(ev)
	if errors.Is(err, errDrop) {
		ev.Conn.Conn().Close()
	}
	return err
}

type fakeSession struct {
	f        *fakeServer
	conn     *gosmtp.Conn
	n        int
	from, to string
	utf8     bool
}

func (s *fakeSession) Reset() { s.from, s.to, s.utf8 = "", "", false }

func (s *fakeSession) Logout() error {
	s.f.mu.Lock()
	s.f.open--
	s.f.mu.Unlock()
	return nil
}

func (s *fakeSession) Mail(from string, opts *gosmtp.MailOptions) error {
	s.f.mu.Lock()
	s.f.mails++
	mails := s.f.mails
	s.f.mu.Unlock()
	s.from, s.utf8 = from, opts != nil && opts.UTF8
	return s.f.call(fakeEvent{Cmd: "MAIL", Session: s.n, Mails: mails, Conn: s.conn})
}

func (s *fakeSession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	s.to = to
	return s.f.call(fakeEvent{Cmd: "RCPT", Session: s.n, To: to, Conn: s.conn})
}

func (s *fakeSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	err = s.f.call(fakeEvent{Cmd: ".", Session: s.n, To: s.to, Conn: s.conn})
	if err == nil || errors.Is(err, errDrop) {
		s.f.mu.Lock()
		s.f.msgs = append(s.f.msgs, fakeMsg{From: s.from, To: s.to, UTF8: s.utf8, Data: data})
		s.f.mu.Unlock()
	}
	return err
}

// testAccount is an account with no auth and no TLS on host:port.
func testAccount(host string, port, conns int, rate config.Rate, dailyCap int) config.Account {
	return config.Account{Name: "test", Address: "herald@example.org", SMTP: config.SMTP{
		Host: host, Port: port, Security: "none", Connections: conns, Rate: rate, DailyCap: dailyCap}}
}

// fast is a rate no test reaches.
var fast = config.Rate{N: 100000, Per: time.Second}

// message returns a small message for rcpt with n in its subject.
func message(rcpt string, n int) []byte {
	return []byte("From: herald@example.org\r\nTo: " + rcpt + "\r\nSubject: test " + strconv.Itoa(n) +
		"\r\nMessage-ID: <" + strconv.Itoa(n) + "@herald.test>\r\n\r\nHello.\r\n.leading dot\r\n")
}

// timeout is a context ended with the test or after d.
func timeout(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// eventually polls cond until it holds or 10 s pass.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(10 * time.Second)
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// wantError checks that err is an *Error and returns it.
func wantError(t testing.TB, err error) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T), want *sender.Error", err, err)
	}
	return e
}
