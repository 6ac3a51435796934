package sandbox

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// smtpDomain names the sandbox in the greeting and in Received headers.
const smtpDomain = "localhost"

var (
	// errShuttingDown answers new transactions once Shutdown has begun.
	errShuttingDown = &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 2}, Message: "herald sandbox shutting down, try again later"}
	// errOutboxUnavailable answers DATA when Capture fails, so the sender
	// keeps the message and retries (RFC 5321 §4.2.1).
	errOutboxUnavailable = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "herald sandbox outbox unavailable, try again later"}
)

// smtpServer is the sandbox SMTP server. It tracks sessions and connections
// itself because go-smtp's Close after Shutdown no longer closes connections.
type smtpServer struct {
	sb  *Sandbox
	srv *smtp.Server
	ln  *trackingListener

	mu       sync.Mutex
	sessions map[*smtpSession]struct{}
	closing  bool
}

// newSMTPServer prepares a server on ln; serve starts it.
func newSMTPServer(s *Sandbox, ln net.Listener) *smtpServer {
	m := &smtpServer{
		sb:       s,
		ln:       &trackingListener{Listener: ln, conns: map[net.Conn]struct{}{}},
		sessions: map[*smtpSession]struct{}{},
	}
	m.srv = smtp.NewServer(m)
	m.srv.Domain = smtpDomain
	m.srv.MaxMessageBytes = MaxMessageBytes
	m.srv.MaxRecipients = 1000 // RFC 5321 §4.5.3.1.8 asks for at least 100
	m.srv.ReadTimeout = 10 * time.Minute
	m.srv.WriteTimeout = time.Minute
	// Loopback only (listenLoopback), and no certificate to offer.
	m.srv.AllowInsecureAuth = true
	m.srv.ErrorLog = slogPrintf{s.log.With("server", "smtp")}
	return m
}

func (m *smtpServer) serve() error { return m.srv.Serve(m.ln) }

// NewSession implements smtp.Backend.
func (m *smtpServer) NewSession(c *smtp.Conn) (smtp.Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closing {
		return nil, errShuttingDown
	}
	sess := &smtpSession{m: m, conn: c}
	m.sessions[sess] = struct{}{}
	return sess, nil
}

// shutdown stops accepting, closes idle connections at once and the others
// as soon as their transaction ends, and forces the rest when ctx is done.
func (m *smtpServer) shutdown(ctx context.Context) error {
	m.ln.Close() // from here on no connection is added
	m.mu.Lock()
	m.closing = true
	busy := map[net.Conn]bool{}
	for sess := range m.sessions {
		if sess.busy {
			busy[sess.conn.Conn()] = true
		}
	}
	m.mu.Unlock()
	m.ln.closeConns(func(c net.Conn) bool { return !busy[c] })

	// Shutdown waits for every connection goroutine of go-smtp.
	if err := m.srv.Shutdown(ctx); err != nil && !errors.Is(err, net.ErrClosed) {
		n := m.ln.closeConns(func(net.Conn) bool { return true })
		return fmt.Errorf("sandbox smtp shutdown: %d connections cut: %w", n, err)
	}
	return nil
}

// smtpSession is one SMTP connection. busy is guarded by m.mu; the other
// fields belong to the connection goroutine.
type smtpSession struct {
	m    *smtpServer
	conn *smtp.Conn
	busy bool // between MAIL and the reset that follows DATA or RSET

	user  string // authenticated account, "" if none
	from  string
	rcpts []string
}

// AuthMechanisms implements smtp.AuthSession: PLAIN, optional.
func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

// Auth accepts an account address or name with Password.
func (s *smtpSession) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		a := s.m.sb.accounts.login(username)
		if a == nil || (identity != "" && identity != username) ||
			subtle.ConstantTimeCompare([]byte(password), []byte(Password)) != 1 {
			s.m.sb.log.Info("sandbox smtp login failed", "username", username)
			return smtp.ErrAuthFailed
		}
		s.user = a.Name
		return nil
	}), nil
}

// Mail starts a transaction; authentication is not required.
func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	if s.m.closing {
		return errShuttingDown
	}
	s.busy = true
	s.from = from
	return nil
}

// Rcpt accepts every recipient: non-local ones are captured.
func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.rcpts = append(s.rcpts, to)
	return nil
}

// Data reads the message and hands it on. The size limit is enforced by the
// reader, which then fails with a 552 error that is passed back as is.
func (s *smtpSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	return s.m.sb.receive(envelope{
		from:  s.from,
		rcpts: s.rcpts,
		helo:  s.conn.Hostname(),
		addr:  s.conn.Conn().RemoteAddr(),
		user:  s.user,
	}, raw)
}

// Reset ends the transaction. go-smtp calls it after the DATA reply has been
// written, so during shutdown the connection can be closed here without
// losing a reply.
func (s *smtpSession) Reset() {
	s.from, s.rcpts = "", nil
	s.m.mu.Lock()
	s.busy = false
	closing := s.m.closing
	s.m.mu.Unlock()
	if closing {
		s.conn.Conn().Close()
	}
}

// Logout forgets the session.
func (s *smtpSession) Logout() error {
	s.m.mu.Lock()
	delete(s.m.sessions, s)
	s.m.mu.Unlock()
	return nil
}

// envelope is what the SMTP dialogue tells about a message.
type envelope struct {
	from  string
	rcpts []string
	helo  string
	addr  net.Addr
	user  string
}

// receive captures the message for its outside recipients, then delivers it
// to each local account once. Capture goes first: if it fails the whole
// message is refused with 451 and nothing is delivered twice on retry.
func (s *Sandbox) receive(env envelope, raw []byte) error {
	now := time.Now()
	var local []*account
	var outside []string
	seen := map[string]bool{}
	for _, rcpt := range env.rcpts {
		key := strings.ToLower(rcpt)
		if a := s.accounts.recipient(rcpt); a != nil {
			if !seen["account:"+a.Name] {
				seen["account:"+a.Name] = true
				local = append(local, a)
			}
		} else if !seen[key] {
			seen[key] = true
			outside = append(outside, rcpt)
		}
	}
	subject, messageID := parseHeader(raw)
	log := s.log.With("from", env.from, "message_id", messageID)

	if len(outside) > 0 {
		if s.capture == nil {
			log.Info("sandbox dropped outgoing message: no capture configured", "to", outside)
		} else {
			err := s.capture(s.ctx, Captured{
				From: env.from, To: outside, Subject: subject, MessageID: messageID,
				ReceivedAt: now, Raw: raw,
			})
			if err != nil {
				log.Warn("sandbox capture failed, answered 451", "to", outside, "err", err)
				return errOutboxUnavailable
			}
			log.Debug("sandbox captured message", "to", outside)
		}
	}
	body := storable(raw)
	for _, a := range local {
		msg := append(traceHeaders(env, a.Address, now), body...)
		if err := a.appendInbox(msg); err != nil {
			log.Error("sandbox delivery failed", "account", a.Name, "err", err)
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "herald sandbox delivery failed, try again later"}
		}
		log.Debug("sandbox delivered message", "account", a.Name, "mailbox", "INBOX")
	}
	return nil
}

// trackingListener remembers accepted connections so shutdown can close
// them, including those that have not yet said EHLO.
type trackingListener struct {
	net.Listener

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
}

// Accept registers the connection, or refuses it once closed.
func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		c.Close()
		return nil, net.ErrClosed
	}
	tc := &trackedConn{Conn: c, l: l}
	l.conns[tc] = struct{}{}
	return tc, nil
}

// Close stops accepting.
func (l *trackingListener) Close() error {
	l.mu.Lock()
	l.closed = true
	l.mu.Unlock()
	return l.Listener.Close()
}

// closeConns closes the connections for which pick is true and returns how
// many.
func (l *trackingListener) closeConns(pick func(net.Conn) bool) int {
	l.mu.Lock()
	var victims []net.Conn
	for c := range l.conns {
		if pick(c) {
			victims = append(victims, c)
		}
	}
	l.mu.Unlock()
	for _, c := range victims {
		c.Close()
	}
	return len(victims)
}

// trackedConn unregisters itself when closed.
type trackedConn struct {
	net.Conn
	l *trackingListener
}

// Close closes the connection and forgets it.
func (c *trackedConn) Close() error {
	c.l.mu.Lock()
	delete(c.l.conns, c)
	c.l.mu.Unlock()
	return c.Conn.Close()
}
