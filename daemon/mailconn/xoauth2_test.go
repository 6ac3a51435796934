package mailconn

import (
	"bytes"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"
)

// xoauth2Server is the server side of XOAUTH2 for tests: it accepts one
// user and token, and on failure sends the JSON challenge real servers send
// before their final refusal.
type xoauth2Server struct {
	user, token string
	failed      bool
	reject      func() error
	accept      func(user string) error
}

func (s *xoauth2Server) Next(resp []byte) ([]byte, bool, error) {
	if s.failed {
		return nil, true, s.reject()
	}
	fields := bytes.Split(resp, []byte{1})
	if len(fields) == 4 && string(fields[0]) == "user="+s.user && string(fields[1]) == "auth=Bearer "+s.token {
		return nil, true, s.accept(s.user)
	}
	s.failed = true
	return []byte(`{"status":"401","schemes":"bearer"}`), false, nil
}

// oauthSession is an in-memory IMAP session that offers only XOAUTH2.
type oauthSession struct {
	*imapmemserver.UserSession
	user, token string
}

func (s *oauthSession) AuthenticateMechanisms() []string { return []string{"XOAUTH2"} }

func (s *oauthSession) Authenticate(mech string) (sasl.Server, error) {
	if mech != "XOAUTH2" {
		return nil, errors.New("unsupported mechanism")
	}
	return &xoauth2Server{user: s.user, token: s.token,
		reject: func() error {
			return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeAuthenticationFailed, Text: "Invalid credentials"}
		},
		accept: func(string) error { return nil },
	}, nil
}

// startOAuthIMAP serves an in-memory mailbox for user, accepting token.
func startOAuthIMAP(t *testing.T, user, token string) (string, int) {
	u := imapmemserver.NewUser(user, "unused")
	if err := u.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &oauthSession{UserSession: imapmemserver.NewUserSession(u), user: user, token: token}, nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}},
		InsecureAuth: true,
		Logger:       testLogger{t},
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return "127.0.0.1", l.Addr().(*net.TCPAddr).Port
}

type testLogger struct{ t *testing.T }

func (l testLogger) Printf(format string, args ...any) { l.t.Logf("imapserver: "+format, args...) }

func TestCheckIMAPXOAUTH2(t *testing.T) {
	host, port := startOAuthIMAP(t, "ann@example.org", "ya29.good")
	ctx := timeout(t, 10*time.Second)
	c := imapConf(host, port, "ann@example.org", "")
	c.Mechanism = "xoauth2"

	c.TokenCommand = "echo ya29.good"
	if err := CheckIMAP(ctx, c); err != nil {
		t.Errorf("CheckIMAP with a good token = %v", err)
	}

	c.TokenCommand = "echo ya29.expired"
	err := CheckIMAP(ctx, c)
	wantError(t, err, OpAuth, true, "auth failed", "AUTHENTICATIONFAILED", `"status":"401"`)
	if strings.Contains(err.Error(), "ya29") {
		t.Errorf("error %q shows the token", err)
	}

	// A password account here: no AUTH=PLAIN and no LOGINDISABLED, so
	// LOGIN is tried, and refused.
	plain := imapConf(host, port, "ann@example.org", "nope")
	wantError(t, CheckIMAP(ctx, plain), OpAuth, true)
}

func TestWaitClosesOnDeadline(t *testing.T) {
	host, port := silentServer(t)
	conn, err := net.Dial("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		t.Fatal(err)
	}
	c := newTestClient(conn)
	start := time.Now()
	err = Do(timeout(t, 200*time.Millisecond), c, c.WaitGreeting)
	if err == nil || !strings.Contains(err.Error(), "deadline") {
		t.Errorf("Do(WaitGreeting) on a silent server = %v, want a deadline error", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Do took %v", d)
	}
	select {
	case <-c.Closed():
	case <-time.After(3 * time.Second):
		t.Error("client not closed after the deadline")
	}
}

func newTestClient(conn net.Conn) *imapclient.Client { return imapclient.New(conn, nil) }
