package mailconn

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"

	"github.com/herald-mail/herald/daemon/config"
)

// SMTPTimeout bounds the SMTP dial and each command after it.
const SMTPTimeout = 30 * time.Second

// DialSMTP connects to c's server and returns the session, ready for
// MAIL: tls is implicit TLS, starttls is mandatory STARTTLS, none is
// plaintext. With a username it authenticates with secret (see Secret):
// XOAUTH2 for auth xoauth2, else PLAIN or LOGIN, whichever the server
// offers; without one it sends unauthenticated. ctx bounds the TCP
// connect (go-mail's SMTPTimeout bounds each step after it).
//
// go-mail's DialToSMTPClientWithContext (v0.8) leaves the connection open
// when EHLO, STARTTLS or AUTH fails; herald dials the connection itself
// and closes it then, so that an account with a wrong password retried
// for days does not leak one socket per try.
func DialSMTP(ctx context.Context, c config.SMTP, secret string) (*mail.Client, *smtp.Client, error) {
	addr := net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
	opts, err := smtpOptions(c, secret, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("smtp %s: %w", addr, err)
	}
	tr := &smtpTrace{security: c.Security, host: c.Host, op: OpDial}
	opts = append(opts, mail.WithDialContextFunc(tr.dial))
	mc, err := mail.NewClient(c.Host, opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("smtp %s: %w", addr, err)
	}
	sc, err := mc.DialToSMTPClientWithContext(ctx)
	if err != nil {
		tr.close()
		return nil, nil, err
	}
	return mc, sc, nil
}

// smtpOptions turns c into go-mail options. onAuth, if set, runs when
// authentication starts.
func smtpOptions(c config.SMTP, secret string, onAuth func()) ([]mail.Option, error) {
	if err := checkSecurity(c.Security); err != nil {
		return nil, err
	}
	opts := []mail.Option{
		mail.WithPort(c.Port),
		mail.WithTimeout(SMTPTimeout),
		mail.WithTLSConfig(&tls.Config{ServerName: c.Host, MinVersion: tls.VersionTLS12}),
	}
	switch c.Security {
	case "tls":
		opts = append(opts, mail.WithSSL())
	case "starttls":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	}
	if c.Username != "" {
		opts = append(opts, mail.WithSMTPAuthCustom(&smtpAuth{
			user:      c.Username,
			secret:    secret,
			xoauth2:   c.Mechanism == "xoauth2",
			cleartext: c.Security == "none",
			onStart:   onAuth,
		}))
	}
	return opts, nil
}

// CheckSMTP connects to c's server, authenticates when a username is set,
// and quits: the `herald check --connect` test of an account's SMTP settings.
// ctx bounds the whole exchange. Errors are *Error.
func CheckSMTP(ctx context.Context, c config.SMTP) error {
	addr := net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
	tr := &smtpTrace{security: c.Security, host: c.Host, op: OpDial}
	fail := func(op Op, err error) error {
		e := &Error{Proto: "smtp", Addr: addr, Op: op, Err: ctxErr(ctx, err)}
		if op == OpAuth {
			e.User, e.Rejected = c.Username, smtpRejected(err)
		}
		return e
	}
	var secret string
	if c.Username != "" {
		var err error
		if secret, err = Secret(ctx, c.Auth); err != nil {
			return fail(OpSecret, err)
		}
	}
	opts, err := smtpOptions(c, secret, func() { tr.op = OpAuth })
	if err != nil {
		return fail(OpDial, err)
	}
	opts = append(opts, mail.WithDialContextFunc(tr.dial))
	client, err := mail.NewClient(c.Host, opts...)
	if err != nil {
		return fail(OpDial, err)
	}
	defer tr.close()
	// go-mail bounds each command by SMTPTimeout but ignores ctx after the
	// dial: closing the connection when ctx ends interrupts it.
	stop := context.AfterFunc(ctx, tr.close)
	defer stop()
	if err := client.DialWithContext(ctx); err != nil {
		op := tr.op
		// go-mail (v0.8) refuses before sending STARTTLS when EHLO lacks it,
		// with only this text to tell.
		if op == OpGreeting && strings.Contains(err.Error(), "does not support STARTTLS") {
			op = OpTLS
		}
		return fail(op, err)
	}
	if err := client.Close(); err != nil {
		return fail(OpLogout, err)
	}
	if ctx.Err() != nil {
		return fail(OpLogout, ctx.Err())
	}
	return nil
}

// smtpTrace follows a CheckSMTP or DialSMTP connection through its steps, so that an
// error from go-mail can be told apart: dial, TLS, greeting/EHLO or auth.
type smtpTrace struct {
	security, host string
	op             Op // the step under way; only go-mail's goroutine touches it

	mu     sync.Mutex // conn and closed: close runs on ctx's AfterFunc
	conn   net.Conn
	closed bool
}

// dial is go-mail's DialContextFunc: TCP, then TLS for implicit TLS.
func (tr *smtpTrace) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	d := net.Dialer{Timeout: SMTPTimeout}
	conn, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	tr.mu.Lock()
	tr.conn = conn
	closed := tr.closed
	tr.mu.Unlock()
	if closed {
		conn.Close()
		return nil, net.ErrClosed
	}
	if tr.security == "tls" {
		tr.op = OpTLS
		tconn := tls.Client(conn, &tls.Config{ServerName: tr.host, MinVersion: tls.VersionTLS12})
		if err := tconn.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, err
		}
		tr.op = OpGreeting
		// Returned as is: go-mail treats only a *tls.Conn as encrypted.
		return tconn, nil
	}
	tr.op = OpGreeting
	return &starttlsSpy{Conn: conn, tr: tr}, nil
}

// close closes the connection; it is safe to call more than once.
func (tr *smtpTrace) close() {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if tr.conn != nil && !tr.closed {
		tr.conn.Close()
	}
	tr.closed = true
}

// starttlsSpy moves the trace to OpTLS when the client sends STARTTLS.
type starttlsSpy struct {
	net.Conn
	tr *smtpTrace
}

func (s *starttlsSpy) Write(p []byte) (int, error) {
	if len(p) >= 8 && string(p[:8]) == "STARTTLS" {
		s.tr.op = OpTLS
	}
	return s.Conn.Write(p)
}

// smtpRejected tells a refusal by the server (a 5xx reply to AUTH, or
// nothing we can use) from a network failure or a 4xx "try later".
func smtpRejected(err error) bool {
	if errors.Is(err, errNoMechanism) {
		return true
	}
	var te *textproto.Error
	return errors.As(err, &te) && te.Code >= 500
}
