package mailconn

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/realserver"
)

func imapConf(host string, port int, user, password string) config.IMAP {
	return config.IMAP{Host: host, Port: port, Security: "none", Auth: config.Auth{Username: user, Password: password}}
}

func timeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// wantError checks that err is an *Error for op whose text has every part.
func wantError(t *testing.T, err error, op Op, rejected bool, parts ...string) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T), want *mailconn.Error", err, err)
	}
	if e.Op != op || e.Rejected != rejected {
		t.Errorf("error %q: Op %q Rejected %v, want %q %v", err, e.Op, e.Rejected, op, rejected)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not say %q", err, p)
		}
	}
	return e
}

func TestCheckIMAPDovecot(t *testing.T) {
	d := realserver.StartDovecot(t, map[string]string{"ann": "s3cret"})
	ctx := timeout(t, 30*time.Second)

	if err := CheckIMAP(ctx, imapConf(d.Host, d.Port, "ann", "s3cret")); err != nil {
		t.Errorf("CheckIMAP with the right password = %v", err)
	}

	err := CheckIMAP(ctx, imapConf(d.Host, d.Port, "ann", "wrong"))
	wantError(t, err, OpAuth, true, "auth failed", `"ann"`, d.Addr)
	if !IsRejected(err) || strings.Contains(err.Error(), "wrong") {
		t.Errorf("wrong password: IsRejected = %v, error %q", IsRejected(err), err)
	}

	c := imapConf(d.Host, d.Port, "ann", "")
	c.PasswordCommand = `printf 's3cret\n'`
	if err := CheckIMAP(ctx, c); err != nil {
		t.Errorf("CheckIMAP with password_command = %v", err)
	}
	c.PasswordCommand = "exit 1"
	wantError(t, CheckIMAP(ctx, c), OpSecret, false, "password_command failed")
}

func TestDialIMAPDovecotCommands(t *testing.T) {
	d := realserver.StartDovecot(t, map[string]string{"ann": "s3cret"})
	ctx := timeout(t, 30*time.Second)
	client, err := DialIMAP(ctx, imapConf(d.Host, d.Port, "ann", "s3cret"), nil)
	if err != nil {
		t.Fatalf("DialIMAP = %v", err)
	}
	defer client.Close()
	sel, err := Wait(ctx, client, client.Select("INBOX", nil).Wait)
	if err != nil || sel.NumMessages != 0 {
		t.Fatalf("Select(INBOX) = %+v, %v", sel, err)
	}
	if err := Do(ctx, client, client.Noop().Wait); err != nil {
		t.Errorf("Noop = %v", err)
	}
}

func TestDialIMAPSecurityMismatch(t *testing.T) {
	d := realserver.StartDovecot(t, map[string]string{"ann": "s3cret"})
	ctx := timeout(t, 30*time.Second)
	c := imapConf(d.Host, d.Port, "ann", "s3cret")

	c.Security = "tls" // Dovecot here speaks plaintext IMAP
	wantError(t, CheckIMAP(ctx, c), OpTLS, false, "tls failed", d.Addr)

	c.Security = "starttls" // and has ssl = no, so no STARTTLS
	wantError(t, CheckIMAP(ctx, c), OpTLS, false, "tls failed")

	c.Security = "ssl"
	wantError(t, CheckIMAP(ctx, c), OpDial, false, "unknown security")
}

func TestDialIMAPRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	wantError(t, CheckIMAP(timeout(t, 10*time.Second), imapConf("127.0.0.1", port, "ann", "x")),
		OpDial, false, "dial failed", "refused")
}

// silentServer accepts connections and never says a word.
func silentServer(t *testing.T) (string, int) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
		for _, c := range conns {
			c.Close()
		}
	})
	return "127.0.0.1", l.Addr().(*net.TCPAddr).Port
}

func TestDialIMAPSilentServerTimesOut(t *testing.T) {
	host, port := silentServer(t)
	for _, security := range []string{"none", "starttls", "tls"} {
		c := imapConf(host, port, "ann", "x")
		c.Security = security
		start := time.Now()
		_, err := DialIMAP(timeout(t, 300*time.Millisecond), c, nil)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: DialIMAP = %v, want a deadline error", security, err)
		}
		want := OpGreeting
		if security == "tls" {
			want = OpTLS
		}
		wantError(t, err, want, false)
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%s: DialIMAP took %v despite a 300ms deadline", security, d)
		}
	}
}
