// Package sandbox runs the embedded IMAP and SMTP servers that let herald work
// entirely on loopback (docs/BEHAVIOUR.md §12).
//
// Every Account gets one in-memory IMAP user (login: its address or its name,
// password Password) with INBOX, Drafts, Sent, Trash and Junk; clients may
// create more. Mail submitted over SMTP to an account address or alias is
// appended to that account's INBOX, with Return-Path and Received headers as
// a real MDA would add; every other recipient is handed once per message to
// Options.Capture (the "sandbox outbox").
//
// # UIDVALIDITY
//
// Mailboxes live in memory and are empty after a restart, so UIDs start again
// at 1. A client that saved (UIDVALIDITY, UID) marks from the previous run must
// see a new UIDVALIDITY (RFC 9051 §2.3.1.1), or it would skip the new
// messages. imapmemserver numbers UIDVALIDITY 1, 2, 3... per user in creation
// order, the same in every run, and offers no way to choose it. The IMAP
// session is therefore wrapped and every UIDVALIDITY it sends (SELECT/EXAMINE,
// STATUS, APPENDUID, COPYUID) is translated: the first incarnation of a
// mailbox name seen in a run gets the run base, the time of Start in seconds
// since the epoch (strictly increasing within the process); a mailbox deleted
// and re-created under the same name gets base plus the library's counter, so
// it differs too. A value can repeat across runs only if two runs start in
// the same second, or a few seconds apart after mailboxes were re-created;
// herald does not restart that fast in practice.
//
// Limits that follow from this wrapper: LIST-STATUS is not offered (its STATUS
// items are written by the library and could not be translated), and MOVE is
// carried out as COPY, +FLAGS.SILENT \Deleted and UID EXPUNGE inside one
// command, so other sessions on the source mailbox briefly see \Deleted.
// imapmemserver does not support SPECIAL-USE, so folders are found by name.
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/service"
)

// Password is the password of every sandbox account, for IMAP and SMTP.
const Password = "sandbox"

// MaxMessageBytes is the largest message the sandbox accepts, over SMTP, IMAP
// APPEND or Deliver.
const MaxMessageBytes = 25 << 20

// closeGrace bounds how long Close waits for SMTP transactions in flight.
const closeGrace = 10 * time.Second

// Account is one sandbox mailbox owner.
type Account struct {
	// Name is herald's name for the account; it is also accepted as login.
	Name string
	// Address is the login and the primary address mail is delivered to.
	Address string
	// Aliases are further addresses delivered to this account's INBOX.
	Aliases []string
}

// Captured is a message the sandbox SMTP server kept instead of delivering,
// because some of its recipients are not sandbox accounts.
type Captured struct {
	// From is the envelope sender (MAIL FROM), "" for a null reverse-path.
	From string
	// To lists the envelope recipients that are not sandbox accounts.
	To []string
	// Subject is the decoded Subject header, "" if absent or unparsable.
	Subject string
	// MessageID is the Message-ID header without angle brackets.
	MessageID string
	// ReceivedAt is when the sandbox accepted the message.
	ReceivedAt time.Time
	// Raw is the message exactly as the client sent it.
	Raw []byte
}

// Options configures Start.
type Options struct {
	// IMAPAddr and SMTPAddr are loopback listen addresses; "" picks a free
	// port on 127.0.0.1.
	IMAPAddr, SMTPAddr string
	// Accounts are the sandbox mailboxes.
	Accounts []Account
	// Capture receives every message with recipients outside Accounts. An
	// error answers 451 so the sender retries later. If nil, such messages
	// are logged and dropped.
	Capture func(ctx context.Context, m Captured) error
	// Logger receives the servers' logs; nil means slog.Default().
	Logger *slog.Logger
}

// Sandbox is a running pair of sandbox servers.
type Sandbox struct {
	log      *slog.Logger
	capture  func(ctx context.Context, m Captured) error
	accounts *registry
	imap     *imapServer
	smtp     *smtpServer

	// ctx is handed to Capture; it is cancelled when shutdown gives up
	// waiting.
	ctx    context.Context
	cancel context.CancelFunc

	wg          sync.WaitGroup // serve goroutines
	closing     atomic.Bool
	closeOnce   sync.Once
	shutdownErr error
}

// Start validates o, binds both listeners and serves in the background until
// Shutdown or Close; ctx only bounds the start-up.
func Start(ctx context.Context, o Options) (*Sandbox, error) {
	reg, err := newRegistry(o.Accounts, nextUIDValidityBase(time.Now()))
	if err != nil {
		return nil, err
	}
	logger := o.Logger
	if logger == nil {
		logger = slog.Default()
	}
	s := &Sandbox{
		log:      logger.With("component", "sandbox"),
		capture:  o.Capture,
		accounts: reg,
	}
	s.ctx, s.cancel = context.WithCancel(context.WithoutCancel(ctx))

	imapLn, err := listenLoopback(ctx, "imap", o.IMAPAddr)
	if err != nil {
		s.cancel()
		return nil, err
	}
	smtpLn, err := listenLoopback(ctx, "smtp", o.SMTPAddr)
	if err != nil {
		imapLn.Close()
		s.cancel()
		return nil, err
	}
	s.imap = newIMAPServer(s, imapLn)
	s.smtp = newSMTPServer(s, smtpLn)
	s.goServe("imap", s.imap.serve)
	s.goServe("smtp", s.smtp.serve)
	s.log.Info("sandbox listening", "imap", s.IMAPAddr(), "smtp", s.SMTPAddr(),
		"accounts", len(o.Accounts))
	return s, nil
}

// IMAPAddr returns the address the IMAP server listens on.
func (s *Sandbox) IMAPAddr() string { return s.imap.ln.Addr().String() }

// SMTPAddr returns the address the SMTP server listens on.
func (s *Sandbox) SMTPAddr() string { return s.smtp.ln.Addr().String() }

// Deliver appends raw to the INBOX of account, given by name, address or
// alias, as `herald sandbox inject --eml` does. The message is stored as
// given, except that bare LF line endings become CRLF and a header section
// broken by a non-header line is ended there (see storable); no trace header
// is added.
func (s *Sandbox) Deliver(account string, raw []byte) error {
	a := s.accounts.find(account)
	if a == nil {
		return fmt.Errorf("sandbox deliver: no account %q (known: %s)", account, s.accounts.names())
	}
	if len(raw) > MaxMessageBytes {
		return fmt.Errorf("sandbox deliver to %s: message of %d bytes exceeds the %d-byte limit", a.Name, len(raw), MaxMessageBytes)
	}
	if err := a.appendInbox(storable(raw)); err != nil {
		return fmt.Errorf("sandbox deliver to %s: %w", a.Name, err)
	}
	return nil
}

// Shutdown stops accepting connections, lets SMTP transactions in flight
// finish until ctx is done, then closes every connection. IMAP connections
// are closed at once: their state is in memory and clients reconnect.
func (s *Sandbox) Shutdown(ctx context.Context) error {
	s.closeOnce.Do(func() {
		s.closing.Store(true)
		smtpErr := s.smtp.shutdown(ctx)
		s.cancel()
		imapErr := s.imap.close()
		s.wg.Wait()
		s.shutdownErr = errors.Join(smtpErr, imapErr)
		s.log.Info("sandbox stopped")
	})
	return s.shutdownErr
}

// Close is Shutdown with a grace period of ten seconds.
func (s *Sandbox) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), closeGrace)
	defer cancel()
	return s.Shutdown(ctx)
}

// goServe runs serve until the listener closes, turning a panic into a log
// line rather than a crash of the daemon.
func (s *Sandbox) goServe(server string, serve func() error) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer service.Recover(s.log, nil, "sandbox "+server)
		if err := serve(); err != nil && !s.closing.Load() && !errors.Is(err, net.ErrClosed) {
			s.log.Error("sandbox server stopped", "server", server, "err", err)
		}
	}()
}

// listenLoopback binds addr ("" = 127.0.0.1:0) and refuses anything but a
// loopback host: every account shares the published password Password.
func listenLoopback(ctx context.Context, server, addr string) (net.Listener, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("sandbox %s address %q: %w", server, addr, err)
	}
	if !config.IsLoopback(host) {
		return nil, fmt.Errorf("sandbox %s address %q is not on loopback; use 127.0.0.1:PORT (every sandbox account has the password %q)", server, addr, Password)
	}
	ln, err := new(net.ListenConfig).Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("sandbox %s listen: %w", server, err)
	}
	return ln, nil
}

// lastUIDValidityBase makes bases strictly increasing within the process, so
// that two sandboxes started in the same second still differ.
var lastUIDValidityBase atomic.Uint32

// nextUIDValidityBase returns the UIDVALIDITY base of a new run: now in
// seconds since the epoch, or one more than the previous base.
func nextUIDValidityBase(now time.Time) uint32 {
	for {
		prev := lastUIDValidityBase.Load()
		base := uint32(now.Unix())
		if base <= prev {
			base = prev + 1
		}
		if lastUIDValidityBase.CompareAndSwap(prev, base) {
			return base
		}
	}
}

// registry finds accounts by login (address or name) and by recipient
// address (address or alias), case-insensitively.
type registry struct {
	list    []*account
	byLogin map[string]*account
	byRcpt  map[string]*account
}

// newRegistry validates the accounts, reporting every problem at once.
func newRegistry(accounts []Account, uidBase uint32) (*registry, error) {
	r := &registry{byLogin: map[string]*account{}, byRcpt: map[string]*account{}}
	var errs []error
	add := func(m map[string]*account, key, what string, a *account) {
		k := strings.ToLower(key)
		if other, ok := m[k]; ok && other != a {
			errs = append(errs, fmt.Errorf("sandbox account %q: %s %q is already used by account %q", a.Name, what, key, other.Name))
			return
		}
		m[k] = a
	}
	for i, acc := range accounts {
		if acc.Name == "" {
			errs = append(errs, fmt.Errorf("sandbox account #%d (%s): empty name", i+1, acc.Address))
			continue
		}
		addrs := append([]string{acc.Address}, acc.Aliases...)
		bad := false
		for _, addr := range addrs {
			if p, err := mail.ParseAddress(addr); err != nil || p.Address != addr {
				errs = append(errs, fmt.Errorf("sandbox account %q: %q is not a bare email address", acc.Name, addr))
				bad = true
			}
		}
		if bad {
			continue
		}
		a := newAccount(acc, uidBase)
		r.list = append(r.list, a)
		add(r.byLogin, acc.Name, "name", a)
		add(r.byLogin, acc.Address, "address", a)
		for _, addr := range addrs {
			add(r.byRcpt, addr, "address", a)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return r, nil
}

// login returns the account whose address or name is username.
func (r *registry) login(username string) *account {
	return r.byLogin[strings.ToLower(username)]
}

// recipient returns the account an envelope recipient is delivered to, or nil
// if the address belongs to the outside world. Local parts are compared
// case-insensitively too, as most providers do.
func (r *registry) recipient(addr string) *account {
	return r.byRcpt[strings.ToLower(addr)]
}

// find accepts any of an account's names.
func (r *registry) find(key string) *account {
	if a := r.login(key); a != nil {
		return a
	}
	return r.recipient(key)
}

// names lists the account names for error messages.
func (r *registry) names() string {
	var names []string
	for _, a := range r.list {
		names = append(names, a.Name)
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// slogPrintf adapts the servers' Printf-style loggers to slog.
type slogPrintf struct{ log *slog.Logger }

// Printf logs a library message at warning level.
func (l slogPrintf) Printf(format string, v ...any) {
	l.log.Warn(strings.TrimSpace(fmt.Sprintf(format, v...)))
}

// Println logs a library message at warning level.
func (l slogPrintf) Println(v ...any) {
	l.log.Warn(strings.TrimSpace(fmt.Sprintln(v...)))
}
