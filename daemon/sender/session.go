package sender

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/wneessen/go-mail/smtp"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/mailconn"
	"github.com/herald-mail/herald/daemon/metrics"
	"github.com/herald-mail/herald/daemon/service"
)

// Timeouts of one transaction. go-mail sets a single deadline when it
// dials and moves it only in its own Send path (which we bypass), so each
// step sets its own, after RFC 5321 §4.5.3.2.
const (
	// commandTimeout bounds MAIL, RCPT, DATA, RSET and QUIT (§4.5.3.2.2-4
	// allow minutes; a submission server that takes 30 s is broken).
	commandTimeout = mailconn.SMTPTimeout
	// bodyTimeout bounds writing the message (§4.5.3.2.5: 3 min per block).
	bodyTimeout = 3 * time.Minute
	// endTimeout bounds the wait for the answer to the final "."
	// (§4.5.3.2.6: 10 min). Giving up early turns a slow accept into an
	// Uncertain error, so it is as long as the RFC says.
	endTimeout = 10 * time.Minute
	// idleMax is how long a session may sit unused before it is closed
	// rather than reused: servers drop idle clients after 5 min or more
	// (§4.5.3.2.7), and some far sooner.
	idleMax = 2 * time.Minute
	// quitIdleTimeout bounds the QUIT of a session closed for idling: the
	// server may be gone, and a message is waiting.
	quitIdleTimeout = 5 * time.Second
)

// usePipelining is false only in tests of the one-command-at-a-time
// exchange, which servers without PIPELINING get.
var usePipelining = true

// session is one connection of the pool; sc is nil while not connected.
// Only the goroutine holding it from the pool touches it.
type session struct {
	log      *slog.Logger     // a panic in dial's goroutine
	metrics  *metrics.Metrics // may be nil
	sc       *smtp.Client
	lastUsed time.Time
	// pipelining: the server offers PIPELINING (RFC 2920), and
	// mailParams are the MAIL parameters go-mail's Mail would add but
	// SMTPUTF8, which a message gets only when a path needs it.
	pipelining bool
	mailParams string
	// serial is the pool's: set once a session found the server answering
	// pipelined commands out of order (outOfStep).
	serial   *atomic.Bool
	smtputf8 bool   // the server offers SMTPUTF8 (RFC 6531 §3.1)
	buf      []byte // the message as sent, reused
}

// dial connects and authenticates (mailconn.DialSMTP). go-mail heeds ctx
// only for the TCP connect; when ctx ends during the greeting, STARTTLS or
// AUTH, dial returns at once and closes the late connection in the
// background (go-mail's own timeout bounds that wait).
func (s *session) dial(ctx context.Context, c config.SMTP) error {
	type result struct {
		sc  *smtp.Client
		err error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		defer func() {
			if v := recover(); v != nil {
				r.err = fmt.Errorf("go-mail dial: %w", service.Panicked(s.log, s.metrics, "sender", v))
			}
			done <- r
		}()
		secret, err := mailconn.Secret(ctx, c.Auth)
		if err == nil {
			_, r.sc, err = mailconn.DialSMTP(ctx, c, secret)
		}
		r.err = err
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return smtpError(CmdConnect, r.err)
		}
		s.sc, s.lastUsed = r.sc, time.Now()
		s.pipelining, _ = s.sc.Extension("PIPELINING")
		s.pipelining = s.pipelining && usePipelining && !(s.serial != nil && s.serial.Load())
		s.mailParams = ""
		if ok, _ := s.sc.Extension("8BITMIME"); ok {
			s.mailParams += " BODY=8BITMIME"
		}
		s.smtputf8, _ = s.sc.Extension("SMTPUTF8")
		return nil
	case <-ctx.Done():
		service.Go(s.log, s.metrics, "sender", func() {
			if r := <-done; r.sc != nil {
				r.sc.Close()
			}
		})
		return ctx.Err()
	}
}

// transaction sends raw along p: MAIL, RCPT, DATA, the message and its
// end-of-data line (RFC 5321 §3.3). It returns nil once the server
// accepted the message. When ctx ends, the connection is closed, which is
// the only way to interrupt go-mail.
func (s *session) transaction(ctx context.Context, p paths, raw []byte) (e *Error) {
	sc := s.sc
	s.lastUsed = time.Now()
	stop := context.AfterFunc(ctx, func() { sc.Text.Close() })
	defer func() {
		if !stop() {
			// The connection is closed; say why the exchange failed.
			s.drop()
			if e != nil && e.Code == 0 {
				e.Err = fmt.Errorf("%w (%v)", ctx.Err(), e.Err)
			}
		}
	}()
	if s.pipelines() {
		return s.pipelined(p, raw)
	}
	step := func(cmd string, timeout time.Duration, f func() error) *Error {
		if err := sc.UpdateDeadline(timeout); err != nil {
			return smtpError(cmd, err)
		}
		if err := f(); err != nil {
			return smtpError(cmd, err)
		}
		return nil
	}
	// RFC 5321 §4.1.2: paths go in angle brackets.
	if e := step(CmdMail, commandTimeout, func() error { return s.mail(p) }); e != nil {
		return e
	}
	if e := step(CmdRcpt, commandTimeout, func() error { return sc.Rcpt("<" + p.to + ">") }); e != nil {
		return e
	}
	var w io.WriteCloser
	if e := step(CmdData, commandTimeout, func() (err error) { w, err = sc.Data(); return err }); e != nil {
		return e
	}
	// The dot-writer sends the end-of-data line only in Close: a failed
	// Write leaves the transaction unfinished, and the server must drop it
	// (RFC 5321 §3.8), so the message may be sent again.
	if e := step(CmdEnd, bodyTimeout, func() error { _, err := w.Write(raw); return err }); e != nil {
		return e
	}
	e = step(CmdEnd, endTimeout, w.Close)
	if e != nil && e.Code == 0 {
		// The end-of-data line may have reached the server, and its answer
		// was lost: the message may have been delivered (RFC 5321 §6.1).
		e.Uncertain = true
	}
	return e
}

// mail sends MAIL through go-mail, which adds SMTPUTF8 whenever the
// server offers it: here only when p needs it (RFC 6531 §3.4).
func (s *session) mail(p paths) error {
	s.sc.SkipSMTPUTF8(!p.utf8)
	// RFC 5321 §4.1.2: paths go in angle brackets.
	return s.sc.Mail("<" + p.from + ">")
}

// paths are from and to as this session's server takes them.
func (s *session) paths(from, to string) (paths, *Error) {
	return pathsFor(from, to, s.smtputf8)
}

// reset readies the session for the next message after e: a lost
// connection or a 421 (RFC 5321 §3.8: the server is closing) drops it,
// any other refusal is followed by RSET (§4.1.1.5), under the same guard
// as the transaction's other steps: cut when ctx ends.
func (s *session) reset(ctx context.Context, e *Error) {
	if s.sc == nil {
		return
	}
	if e.Code == 0 || e.Code == 421 {
		s.drop()
		return
	}
	var failed *Error
	s.guard(ctx, func() {
		if err := s.sc.UpdateDeadline(commandTimeout); err != nil {
			failed = smtpError(CmdRset, err)
			return
		}
		if err := s.sc.Reset(); err != nil {
			failed = smtpError(CmdRset, err)
		}
	}, &failed)
	if failed != nil {
		s.drop()
	}
}

// drop closes the connection without QUIT.
func (s *session) drop() {
	if s.sc != nil {
		s.sc.Close()
	}
	s.sc = nil
}

// quit ends the session politely (RFC 5321 §4.1.1.10) and closes it.
func (s *session) quit(timeout time.Duration) error {
	if s.sc == nil {
		return nil
	}
	err := s.sc.UpdateDeadline(timeout)
	if err == nil {
		err = s.sc.Quit()
	}
	s.drop()
	return err
}
