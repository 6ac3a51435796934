package waves

import (
	"fmt"
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/sender"
)

// checkSession is a go-smtp session that runs check at each RCPT and
// after each message's content.
type checkSession struct {
	check func(cmd, to string) error
	to    string
}

func (s *checkSession) Reset()                                 { s.to = "" }
func (s *checkSession) Logout() error                          { return nil }
func (s *checkSession) Mail(string, *gosmtp.MailOptions) error { return nil }
func (s *checkSession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	s.to = to
	return s.check("RCPT", to)
}
func (s *checkSession) Data(r io.Reader) error {
	if _, err := io.ReadAll(r); err != nil {
		return err
	}
	return s.check(".", s.to)
}

// TestStreamKeepsOneRowSendingPerSession is TestGroupCommitKeepsOneRowSendingPerSession
// through the account's real pool, which pipelines each message's content
// with the next one's envelope: whenever a message's content has reached
// the server its row is 'sending', and no more rows are 'sending' than
// there are sessions. A refused envelope fails or defers its row, with the
// try counted, without it ever going out.
func TestStreamKeepsOneRowSendingPerSession(t *testing.T) {
	f := newFixture(t, 200, config.Wave{Name: "invitation"})
	db := f.st.DB()
	conns := f.cfg.Accounts[0].SMTP.Connections
	var mu sync.Mutex
	var problems []string
	check := func(cmd, to string) error {
		sending, mine, err := sendingRows(db, to)
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		if sending > conns {
			problems = append(problems, fmt.Sprintf("%d rows sending at %s to %s, want at most %d", sending, cmd, to, conns))
		}
		if cmd == "." && mine != 1 {
			problems = append(problems, fmt.Sprintf("the message to %s reached the server but its row is not 'sending'", to))
		}
		switch {
		case cmd == "RCPT" && to == "Mayor7@City7.example":
			return &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "No such user"}
		case cmd == "RCPT" && to == "Mayor8@City8.example":
			return &gosmtp.SMTPError{Code: 450, EnhancedCode: gosmtp.EnhancedCode{4, 2, 0}, Message: "Mailbox busy"}
		}
		return nil
	}
	srv := gosmtp.NewServer(gosmtp.BackendFunc(func(*gosmtp.Conn) (gosmtp.Session, error) {
		return &checkSession{check: check}, nil
	}))
	srv.Domain = "fake.test"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	acct := &f.cfg.Accounts[0]
	acct.SMTP.Host, acct.SMTP.Port, acct.SMTP.Security = "127.0.0.1", l.Addr().(*net.TCPAddr).Port, "none"
	acct.SMTP.Rate = config.Rate{N: 100000, Per: time.Second}
	pool := sender.New(sender.Options{Account: *acct})
	defer pool.Close()
	f.engine.Senders["habitat"] = pool

	if err := f.run("invitation"); err != nil {
		t.Fatalf("RunWave() = %v", err)
	}
	if c := f.counts("invitation"); c.Sent != 198 || c.Failed != 1 || c.Pending != 1 || c.Uncertain != 0 {
		t.Errorf("counts = %+v, want 198 sent, 1 failed, 1 to retry", c)
	}
	for _, want := range []struct{ email, state, reason string }{
		{"Mayor7@City7.example", "failed", "550 5.1.1 No such user"},
		{"Mayor8@City8.example", "retry", "450 4.2.0 Mailbox busy"},
	} {
		var state, reason string
		var tries int
		if err := db.QueryRow(`SELECT state, reason, tries FROM deliveries WHERE email = ?`, want.email).Scan(&state, &reason, &tries); err != nil {
			t.Fatal(err)
		}
		if state != want.state || !strings.Contains(reason, want.reason) || tries != 1 {
			t.Errorf("%s: %s (%q) after %d tries, want %s (%q) after 1", want.email, state, reason, tries, want.state, want.reason)
		}
	}
	for _, p := range problems[:min(len(problems), 10)] {
		t.Error(p)
	}
}
