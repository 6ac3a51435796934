package mailconn

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/herald-mail/herald/daemon/config"
)

// DialTimeout bounds the TCP connect when the imapclient.Options carry no Dialer.
const DialTimeout = 30 * time.Second

// ConnectTimeout bounds dial, TLS, greeting and authentication together when
// the caller's context has no deadline.
const ConnectTimeout = time.Minute

// DialIMAP connects to c's server with its security (tls: implicit TLS,
// starttls: STARTTLS, none: plaintext), fetches the secret (see Secret) and
// authenticates: XOAUTH2 for auth xoauth2, else AUTHENTICATE PLAIN when
// offered, else LOGIN. ctx bounds all of it; once it returns, bound each
// command with Wait or Do. opts are passed to go-imap (UnilateralDataHandler,
// TLSConfig, Dialer, …) and may be nil. Errors are *Error.
func DialIMAP(ctx context.Context, c config.IMAP, opts *imapclient.Options) (*imapclient.Client, error) {
	addr := net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
	fail := func(op Op, err error) error {
		e := &Error{Proto: "imap", Addr: addr, Op: op, Err: ctxErr(ctx, err)}
		if op == OpAuth {
			e.User, e.Rejected = c.Username, imapRejected(err)
		}
		return e
	}
	if err := checkSecurity(c.Security); err != nil {
		return nil, fail(OpDial, err)
	}
	secret, err := Secret(ctx, c.Auth)
	if err != nil {
		return nil, fail(OpSecret, err)
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, ConnectTimeout)
		defer cancel()
	}
	var o imapclient.Options
	if opts != nil {
		o = *opts
	}
	dialer := o.Dialer
	if dialer == nil {
		dialer = &net.Dialer{Timeout: DialTimeout}
	}
	conn, err := dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fail(OpDial, err)
	}
	// Closing the connection is the only way to interrupt go-imap.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	client, op, err := startIMAP(ctx, conn, c, &o)
	if err == nil {
		op = OpAuth
		// A PREAUTH greeting (RFC 9051 §7.1.4) leaves nothing to do.
		if client.State() == imap.ConnStateNotAuthenticated {
			err = authenticate(client, c.Auth, secret)
		}
	}
	if !stop() && err == nil {
		err = ctx.Err()
	}
	if err != nil {
		if client != nil {
			client.Close()
		}
		conn.Close()
		return nil, fail(op, err)
	}
	return client, nil
}

// startIMAP runs the TLS layer chosen by c.Security and waits for the
// greeting. On error it returns the step that failed.
func startIMAP(ctx context.Context, conn net.Conn, c config.IMAP, o *imapclient.Options) (*imapclient.Client, Op, error) {
	cfg := o.TLSConfig.Clone()
	if cfg == nil {
		cfg = &tls.Config{}
	}
	if cfg.ServerName == "" {
		cfg.ServerName = c.Host
	}
	var client *imapclient.Client
	switch c.Security {
	case "tls":
		if cfg.NextProtos == nil {
			cfg.NextProtos = []string{"imap"}
		}
		tconn := tls.Client(conn, cfg)
		if err := tconn.HandshakeContext(ctx); err != nil {
			return nil, OpTLS, err
		}
		client = imapclient.New(tconn, o)
	case "starttls":
		// go-imap reads the greeting and upgrades in one call; a silent
		// server is a greeting failure, anything later a TLS one.
		rc := &readCounter{Conn: conn}
		o.TLSConfig = cfg
		cl, err := imapclient.NewStartTLS(rc, o)
		if err != nil {
			if rc.n.Load() == 0 {
				return nil, OpGreeting, err
			}
			return nil, OpTLS, err
		}
		return cl, "", nil
	default:
		client = imapclient.New(conn, o)
	}
	if err := client.WaitGreeting(); err != nil {
		return client, OpGreeting, err
	}
	return client, "", nil
}

// checkSecurity accepts the values of the security key.
func checkSecurity(s string) error {
	switch s {
	case "tls", "starttls", "none":
		return nil
	}
	return fmt.Errorf("unknown security %q (want tls, starttls or none)", s)
}

// readCounter counts the bytes read from a connection.
type readCounter struct {
	net.Conn
	n atomic.Int64
}

func (r *readCounter) Read(p []byte) (int, error) {
	n, err := r.Conn.Read(p)
	r.n.Add(int64(n))
	return n, err
}

// CheckIMAP connects to c's server, authenticates and logs out: the
// `herald check --connect` test of an account's IMAP settings.
func CheckIMAP(ctx context.Context, c config.IMAP) error {
	client, err := DialIMAP(ctx, c, nil)
	if err != nil {
		return err
	}
	defer client.Close()
	if err := Do(ctx, client, func() error { return client.Logout().Wait() }); err != nil {
		return &Error{Proto: "imap", Addr: net.JoinHostPort(c.Host, strconv.Itoa(c.Port)), Op: OpLogout, Err: err}
	}
	return nil
}
