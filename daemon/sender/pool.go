// Package sender is an account's SMTP pool (docs/BEHAVIOUR.md §8.6): smtp.connections
// sessions reused across messages and re-dialled when the server drops
// them, one token bucket for smtp.rate shared by all of them, slowed down
// when the server asks, and the smtp.daily_cap counted in the store.
//
// It dials with go-mail (mailconn.DialSMTP), sends raw messages on that
// connection, pipelined when the server offers PIPELINING, and never
// resends a message whose end-of-data line may have reached the server:
// such a failure comes back as an Uncertain *Error for the caller to
// record.
package sender

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/metrics"
	"github.com/herald-mail/herald/daemon/service"
	"github.com/herald-mail/herald/daemon/store"
)

// Options configure a Pool.
type Options struct {
	// Account is the account whose smtp section the pool uses.
	Account config.Account
	// Store keeps the daily cap count across restarts; with nil it is
	// kept in memory only.
	Store *store.Store
	// Location is the time zone of the daily cap's calendar days (the
	// config's Location); nil means UTC.
	Location *time.Location
	// Log receives the pool's warnings; nil discards them.
	Log *slog.Logger
	// Metrics counts panics recovered in the pool's goroutines; may be nil.
	Metrics *metrics.Metrics
	// OnSend, if set, runs after each message handed to the server, with
	// how long the SMTP exchange took (waits for a token or a session
	// excluded) and Send's error.
	OnSend func(d time.Duration, err error)
	// Health, if set, receives the server's state after each message
	// (health.go), under HealthName(Account.Name).
	Health *service.Health
	// SharedRate makes the pool one node's of several on Store's
	// PostgreSQL database (or `waves send`'s beside them): smtp.rate is
	// then the nodes' together (shared.go).
	SharedRate bool
}

// Pool sends an account's messages. It is safe for concurrent use.
type Pool struct {
	account string
	smtp    config.SMTP
	log     *slog.Logger
	onSend  func(time.Duration, error)
	health  *health
	bucket  *bucket
	daily   *dailyCap
	free    chan *session // idle sessions, connected or not
	closing chan struct{} // closed when Close starts
	once    sync.Once
	// waiting counts Sends waiting for a session: a Stream hands its
	// session over between messages when one is (Stream.End).
	waiting atomic.Int32
	// serial turns pipelining off for every session once one found the
	// server answering out of order (outOfStep).
	serial atomic.Bool
	// shared: tokens are also taken from store, at rate (shared.go).
	shared bool
	store  *store.Store
	rate   config.Rate
	// prepaid shared tokens of slot prepaidSlot, taken at once from the
	// store and not used yet (shared.go), under tokMu.
	tokMu       sync.Mutex
	prepaid     int
	prepaidSlot int64
}

// New returns the pool of o.Account. It connects lazily, on the first
// Send of each session.
func New(o Options) *Pool {
	c := o.Account.SMTP
	conns := max(1, c.Connections)
	r := c.Rate
	if r.N <= 0 || r.Per <= 0 {
		r = config.Rate{N: 20, Per: time.Second} // config's default
	}
	log := o.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	log = log.With("component", "sender", "account", o.Account.Name)
	loc := o.Location
	if loc == nil {
		loc = time.UTC
	}
	p := &Pool{
		account: o.Account.Name,
		smtp:    c,
		log:     log,
		onSend:  o.OnSend,
		health:  &health{reg: o.Health, name: HealthName(o.Account.Name)},
		bucket:  newBucket(r, conns, time.Now()),
		daily: &dailyCap{account: o.Account.Name, limit: c.DailyCap, loc: loc, store: o.Store,
			log: log, mem: map[string]int{}},
		free:    make(chan *session, conns),
		closing: make(chan struct{}),
		shared:  o.SharedRate && o.Store != nil,
		store:   o.Store,
		rate:    r,
	}
	for range conns {
		p.free <- &session{log: log, metrics: o.Metrics, serial: &p.serial}
	}
	return p
}

// Send sends raw (a complete RFC 5322 message, CRLF line ends) from from
// to to, both bare addresses. It waits for a rate token and a free session,
// as long as ctx allows, and returns nil once the server accepted the
// message (250 after the end of data).
//
// A server's refusal or a lost connection is an *Error. Send dials a new
// session and tries once more only when the old one failed before the end
// of data (a dropped connection or an idle-timeout 421): that cannot
// deliver twice. An address the server cannot take (pathsFor: a
// non-ASCII local part without SMTPUTF8) is a permanent *Error without a
// code, and nothing was sent. Other errors: ctx's when it ended while
// waiting, ErrClosed, an error wrapping ErrDailyCap, or a store error.
func (p *Pool) Send(ctx context.Context, from, to string, raw []byte) error {
	if err := checkPath(CmdMail, from); err != nil {
		return err
	}
	if err := checkPath(CmdRcpt, to); err != nil {
		return err
	}
	if p.isClosed() {
		return ErrClosed
	}
	day, err := p.daily.reserve(ctx)
	if err != nil {
		return err
	}
	err = p.send(ctx, from, to, raw)
	var e *Error
	if err != nil && !(errors.As(err, &e) && e.Uncertain) {
		p.daily.release(ctx, day)
	}
	return err
}

// send waits for a token, then for a session, and runs the transaction.
func (p *Pool) send(ctx context.Context, from, to string, raw []byte) error {
	if err := p.token(ctx); err != nil {
		return err
	}
	granted := time.Now()
	var s *session
	p.waiting.Add(1)
	select {
	case s = <-p.free:
	case <-ctx.Done():
		p.waiting.Add(-1)
		return ctx.Err()
	case <-p.closing:
		p.waiting.Add(-1)
		return ErrClosed
	}
	p.waiting.Add(-1)
	defer func() { p.free <- s }()
	if p.isClosed() {
		return ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return err // select picks at random among ready cases
	}
	// The transaction runs to its verdict even when ctx ends now, within
	// the daemon's stop grace (service.InFlight): cut after its content
	// went out, the message would be sent again after a restart.
	fctx, landed := service.InFlight(ctx)
	defer landed()
	start := time.Now()
	var err error
	if e := p.attempt(fctx, s, from, to, raw, granted); e != nil {
		err = e // never a nil *Error in a non-nil error
	}
	if p.onSend != nil {
		p.onSend(time.Since(start), err)
	}
	p.reportHealth(err)
	return err
}

// connected makes s ready for a transaction: a connection idle too long
// is closed, and a closed one dialled. It reports whether s was dialled.
func (p *Pool) connected(ctx context.Context, s *session, granted time.Time) (fresh bool, _ *Error) {
	if s.sc != nil && time.Since(s.lastUsed) > idleMax {
		s.quit(quitIdleTimeout)
	}
	if s.sc != nil {
		return false, nil
	}
	if err := s.dial(ctx, p.smtp); err != nil {
		var e *Error
		if !errors.As(err, &e) {
			e = &Error{Command: CmdConnect, Temporary: true, Err: err}
		}
		p.slowDownOn(e, granted)
		return true, e
	}
	return true, nil
}

// attempt runs the transaction on s, dialling it first when needed, and
// once more on a new connection when that is safe.
func (p *Pool) attempt(ctx context.Context, s *session, from, to string, raw []byte, granted time.Time) *Error {
	for try := 0; ; try++ {
		fresh, e := p.connected(ctx, s, granted)
		if e != nil {
			return e
		}
		pp, e := s.paths(from, to)
		if e != nil {
			return e // nothing went out: the session stays as it is
		}
		e = s.transaction(ctx, pp, raw)
		if e == nil {
			return nil
		}
		s.reset(ctx, e)
		// A connection lost before the end of data, or one the server had
		// already timed out (RFC 5321 §4.5.3.2.7), delivered nothing.
		dropped := e.Code == 0 && !e.Uncertain || !fresh && e.Command == CmdMail && isIdleTimeout(e)
		if try == 0 && dropped && ctx.Err() == nil && !p.isClosed() {
			p.log.Debug("session dropped; sending on a new one", "err", e)
			continue
		}
		p.slowDownOn(e, granted)
		return e
	}
}

// slowDownOn halves the account's rate when e asks for it.
func (p *Pool) slowDownOn(e *Error, granted time.Time) {
	if !isSlowDown(e) {
		return
	}
	p.bucket.slowDown(time.Now(), granted)
	p.log.Warn("server asked to slow down", "err", e, "rate_per_second", p.Rate(), "for", cooldown)
}

// Rate is the number of messages per second the account may send now:
// smtp.rate, or less after the server asked to slow down.
func (p *Pool) Rate() float64 { return p.bucket.rate(time.Now()) }

// isClosed reports whether Close has started.
func (p *Pool) isClosed() bool {
	select {
	case <-p.closing:
		return true
	default:
		return false
	}
}

// Close stops new sends, waits for those in flight (each bounded by the
// SMTP timeouts), and QUITs every session (RFC 5321 §4.1.1.10). A QUIT that
// fails, often on a session the server already dropped, is only logged.
// Calling Close again does nothing.
func (p *Pool) Close() error {
	p.once.Do(func() {
		close(p.closing)
		for range cap(p.free) {
			s := <-p.free
			if err := s.quit(commandTimeout); err != nil {
				p.log.Debug("quit session", "err", err)
			}
		}
	})
	return nil
}
