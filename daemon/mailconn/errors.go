package mailconn

import (
	"context"
	"errors"
	"fmt"
)

// Op is the step of a connection that failed.
type Op string

// The steps of connecting, in order.
const (
	OpSecret   Op = "secret"   // running password_command or token_command
	OpDial     Op = "dial"     // TCP connect
	OpTLS      Op = "tls"      // TLS handshake, or STARTTLS
	OpGreeting Op = "greeting" // server greeting (and SMTP EHLO)
	OpAuth     Op = "auth"     // LOGIN, AUTHENTICATE or SMTP AUTH
	OpLogout   Op = "logout"   // LOGOUT or QUIT
)

// Error is a failed connection to a mail server, with the step and address.
type Error struct {
	// Proto is "imap" or "smtp".
	Proto string
	// Addr is host:port.
	Addr string
	// Op is the step that failed.
	Op Op
	// User is the login, set for OpAuth.
	User string
	// Rejected is true when the server itself refused (bad credentials, no
	// usable mechanism): retrying with the same settings fails again.
	Rejected bool
	// Err is the underlying error; it never holds the secret.
	Err error
}

// Error reads like "imap mail.example.org:993: auth failed for "ann": …".
func (e *Error) Error() string {
	var what string
	switch e.Op {
	case OpSecret:
		what = "cannot get the secret"
	case OpAuth:
		what = fmt.Sprintf("auth failed for %q", e.User)
	case OpGreeting:
		what = "no usable greeting"
	default:
		what = string(e.Op) + " failed"
	}
	return fmt.Sprintf("%s %s: %s: %v", e.Proto, e.Addr, what, e.Err)
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// IsRejected reports whether err is an authentication the server refused,
// which must be reported rather than retried (STYLE §5).
func IsRejected(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Rejected
}

// ctxErr prefers the context's error: when ctx ends, the connection is
// closed under go-imap or go-mail, and their "use of closed network
// connection" hides the real cause.
func ctxErr(ctx context.Context, err error) error {
	cerr := ctx.Err()
	switch {
	case cerr == nil || errors.Is(err, cerr):
		return err
	case err == nil:
		return cerr
	default:
		return fmt.Errorf("%w (%v)", cerr, err)
	}
}
