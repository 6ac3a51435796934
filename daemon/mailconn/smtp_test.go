package mailconn

import (
	"errors"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"
	"github.com/wneessen/go-mail"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/realserver"
)

// smtpBackend is an in-process submission server that accepts one user
// with PLAIN (password) and XOAUTH2 (token) and records what it got.
type smtpBackend struct {
	user, password, token string
	mechs                 []string

	mu       sync.Mutex
	authed   []string // "MECH user" per successful AUTH
	received []receivedMsg
}

type receivedMsg struct {
	from string
	to   []string
	data string
}

func (b *smtpBackend) NewSession(*gosmtp.Conn) (gosmtp.Session, error) {
	return &smtpSession{b: b}, nil
}

type smtpSession struct {
	b   *smtpBackend
	msg receivedMsg
}

func (s *smtpSession) AuthMechanisms() []string { return s.b.mechs }

func (s *smtpSession) Auth(mech string) (sasl.Server, error) {
	ok := func(user string) error {
		s.b.mu.Lock()
		defer s.b.mu.Unlock()
		s.b.authed = append(s.b.authed, mech+" "+user)
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(_, user, pass string) error {
			if user != s.b.user || pass != s.b.password {
				return gosmtp.ErrAuthFailed
			}
			return ok(user)
		}), nil
	case "XOAUTH2":
		return &xoauth2Server{user: s.b.user, token: s.b.token,
			reject: func() error { return gosmtp.ErrAuthFailed }, accept: ok}, nil
	}
	return nil, gosmtp.ErrAuthUnknownMechanism
}

func (s *smtpSession) Mail(from string, _ *gosmtp.MailOptions) error { s.msg.from = from; return nil }
func (s *smtpSession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	s.msg.to = append(s.msg.to, to)
	return nil
}
func (s *smtpSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.msg.data = string(data)
	s.b.mu.Lock()
	s.b.received = append(s.b.received, s.msg)
	s.b.mu.Unlock()
	return nil
}
func (s *smtpSession) Reset()        { s.msg = receivedMsg{} }
func (s *smtpSession) Logout() error { return nil }

func (b *smtpBackend) auths() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.authed)
}

// startSMTP serves b on a loopback port without TLS.
func startSMTP(t *testing.T, b *smtpBackend) (string, int) {
	s := gosmtp.NewServer(b)
	s.Domain = "smtp.test"
	s.AllowInsecureAuth = true
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(l)
	t.Cleanup(func() { s.Close() })
	return "127.0.0.1", l.Addr().(*net.TCPAddr).Port
}

func smtpConf(host string, port int, a config.Auth) config.SMTP {
	return config.SMTP{Host: host, Port: port, Security: "none", Auth: a}
}

func TestCheckSMTPAuth(t *testing.T) {
	b := &smtpBackend{user: "ann", password: "s3cret", token: "ya29.good", mechs: []string{"PLAIN", "XOAUTH2"}}
	host, port := startSMTP(t, b)
	ctx := timeout(t, 20*time.Second)

	if err := CheckSMTP(ctx, smtpConf(host, port, config.Auth{Username: "ann", PasswordCommand: "echo s3cret"})); err != nil {
		t.Errorf("CheckSMTP PLAIN = %v", err)
	}
	if err := CheckSMTP(ctx, smtpConf(host, port, config.Auth{Username: "ann", Mechanism: "xoauth2", TokenCommand: "echo ya29.good"})); err != nil {
		t.Errorf("CheckSMTP XOAUTH2 = %v", err)
	}
	if err := CheckSMTP(ctx, smtpConf(host, port, config.Auth{})); err != nil {
		t.Errorf("CheckSMTP without auth = %v", err)
	}
	if got, want := b.auths(), []string{"PLAIN ann", "XOAUTH2 ann"}; !slices.Equal(got, want) {
		t.Errorf("server saw AUTH %q, want %q", got, want)
	}

	err := CheckSMTP(ctx, smtpConf(host, port, config.Auth{Username: "ann", Password: "wrong"}))
	wantError(t, err, OpAuth, true, "smtp "+host+":", "auth failed", "535")
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("error %q shows the password", err)
	}
	err = CheckSMTP(ctx, smtpConf(host, port, config.Auth{Username: "ann", Mechanism: "xoauth2", TokenCommand: "echo ya29.bad"}))
	wantError(t, err, OpAuth, true, "535")
	if strings.Contains(err.Error(), "ya29") {
		t.Errorf("error %q shows the token", err)
	}
}

func TestCheckSMTPNoUsableMechanism(t *testing.T) {
	host, port := startSMTP(t, &smtpBackend{user: "ann", token: "t", mechs: []string{"XOAUTH2"}})
	err := CheckSMTP(timeout(t, 10*time.Second), smtpConf(host, port, config.Auth{Username: "ann", Password: "pw"}))
	wantError(t, err, OpAuth, true, "neither PLAIN nor LOGIN")
}

func TestCheckSMTPSecurityMismatch(t *testing.T) {
	host, port := startSMTP(t, &smtpBackend{mechs: []string{"PLAIN"}})
	ctx := timeout(t, 10*time.Second)
	c := smtpConf(host, port, config.Auth{})
	c.Security = "starttls" // the server offers no STARTTLS
	wantError(t, CheckSMTP(ctx, c), OpTLS, false, "tls failed", "STARTTLS")
	c.Security = "tls"
	wantError(t, CheckSMTP(ctx, c), OpTLS, false, "tls failed")
	c.Security = ""
	wantError(t, CheckSMTP(ctx, c), OpDial, false, "unknown security")
}

func TestCheckSMTPRefusedAndSilent(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	wantError(t, CheckSMTP(timeout(t, 5*time.Second), smtpConf("127.0.0.1", port, config.Auth{})), OpDial, false, "refused")

	host, port := silentServer(t)
	start := time.Now()
	err = CheckSMTP(timeout(t, 300*time.Millisecond), smtpConf(host, port, config.Auth{}))
	wantError(t, err, OpGreeting, false, "deadline")
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("CheckSMTP took %v despite a 300ms deadline", d)
	}
}

func TestDialSMTPSends(t *testing.T) {
	b := &smtpBackend{user: "ann", password: "s3cret", mechs: []string{"PLAIN"}}
	host, port := startSMTP(t, b)
	mc, sc, err := DialSMTP(timeout(t, 10*time.Second), smtpConf(host, port, config.Auth{Username: "ann"}), "s3cret")
	if err != nil {
		t.Fatalf("DialSMTP = %v", err)
	}
	m := mail.NewMsg()
	if err := m.From("ann@example.org"); err != nil {
		t.Fatal(err)
	}
	if err := m.To("bob@example.org"); err != nil {
		t.Fatal(err)
	}
	m.Subject("hello")
	m.SetBodyString(mail.TypeTextPlain, "Hi Bob.\n")
	if err := mc.SendWithSMTPClient(sc, m); err != nil {
		t.Fatalf("SendWithSMTPClient = %v", err)
	}
	if err := sc.Quit(); err != nil {
		t.Errorf("Quit = %v", err)
	}
	if got := b.auths(); !slices.Equal(got, []string{"PLAIN ann"}) {
		t.Errorf("server saw AUTH %q", got)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.received) != 1 || b.received[0].from != "ann@example.org" ||
		!slices.Equal(b.received[0].to, []string{"bob@example.org"}) || !strings.Contains(b.received[0].data, "Hi Bob.") {
		t.Errorf("server received %+v", b.received)
	}
}

func TestDialSMTPRejectsBadSettings(t *testing.T) {
	for _, c := range []config.SMTP{
		{Host: "smtp.example.org", Port: 587, Security: "ssl"},
		{Host: "smtp.example.org", Port: 0, Security: "tls"},
	} {
		if _, _, err := DialSMTP(timeout(t, 5*time.Second), c, ""); err == nil {
			t.Errorf("DialSMTP(%+v) accepted", c)
		}
	}
}

// TestDialSMTPClosesOnFailure: a dial that fails after the TCP connect
// (STARTTLS required but not offered, AUTH refused) closes its connection;
// go-mail alone leaves it open.
func TestDialSMTPClosesOnFailure(t *testing.T) {
	for _, c := range []struct {
		name string
		conf func(host string, port int) config.SMTP
		ehlo string
	}{
		{"no STARTTLS", func(h string, p int) config.SMTP {
			c := smtpConf(h, p, config.Auth{})
			c.Security = "starttls"
			return c
		}, "250 smtp.test\r\n"},
		{"AUTH refused", func(h string, p int) config.SMTP {
			return smtpConf(h, p, config.Auth{Username: "ann"})
		}, "250-smtp.test\r\n250 AUTH PLAIN\r\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			closed := make(chan error, 1)
			go func() {
				conn, err := l.Accept()
				if err != nil {
					closed <- err
					return
				}
				defer conn.Close()
				conn.SetDeadline(time.Now().Add(20 * time.Second))
				io.WriteString(conn, "220 smtp.test ready\r\n")
				buf := make([]byte, 4096)
				for {
					n, err := conn.Read(buf)
					if err != nil {
						// EOF: the client closed; a timeout: it did not.
						closed <- err
						return
					}
					line := strings.ToUpper(string(buf[:n]))
					switch {
					case strings.HasPrefix(line, "EHLO"):
						io.WriteString(conn, c.ehlo)
					case strings.HasPrefix(line, "AUTH"):
						io.WriteString(conn, "535 5.7.8 no\r\n")
					case strings.HasPrefix(line, "QUIT"):
						io.WriteString(conn, "221 bye\r\n")
					default:
						io.WriteString(conn, "502 5.5.2 what\r\n")
					}
				}
			}()
			port := l.Addr().(*net.TCPAddr).Port
			if _, _, err := DialSMTP(timeout(t, 10*time.Second), c.conf("127.0.0.1", port), "wrong"); err == nil {
				t.Fatal("DialSMTP succeeded")
			}
			if err := <-closed; !errors.Is(err, io.EOF) {
				t.Errorf("the server's side of the connection: %v, want EOF (closed by the client)", err)
			}
		})
	}
}

func TestCheckSMTPAgainstSMTPSink(t *testing.T) {
	s := realserver.StartSMTPSink(t, realserver.SinkOptions{})
	ctx := timeout(t, 10*time.Second)
	if err := CheckSMTP(ctx, smtpConf(s.Host, s.Port, config.Auth{})); err != nil {
		t.Errorf("CheckSMTP against smtp-sink = %v", err)
	}
	rejecting := realserver.StartSMTPSink(t, realserver.SinkOptions{HardReject: []string{"EHLO", "HELO"}})
	err := CheckSMTP(ctx, smtpConf(rejecting.Host, rejecting.Port, config.Auth{}))
	wantError(t, err, OpGreeting, false, "500")
	var e *Error
	if errors.As(err, &e) && e.Addr != rejecting.Addr {
		t.Errorf("error names %s, want %s", e.Addr, rejecting.Addr)
	}
}
