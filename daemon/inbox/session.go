package inbox

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/herald-mail/herald/daemon/mailconn"
)

// logoutTimeout bounds the LOGOUT that ends a session.
const logoutTimeout = 5 * time.Second

// session is one IMAP connection with the watched mailbox selected.
type session struct {
	w   *Watcher
	log *slog.Logger
	c   *imapclient.Client
	mb  Mailbox
	// changes is signalled by the reader goroutine on unilateral data that
	// may mean new mail.
	changes chan struct{}
	// folders are the move destinations known to exist in this session.
	folders map[string]bool
	// selected is when the mailbox was last selected.
	selected time.Time
}

// runSession connects, catches up and waits for changes until an error or
// ctx ends it.
func (w *Watcher) runSession(ctx context.Context) error {
	s := &session{w: w, log: w.log, changes: make(chan struct{}, 1), folders: map[string]bool{}}
	if err := s.connect(ctx); err != nil {
		return err
	}
	defer s.close()
	w.bo.Connected(time.Now())
	for first := true; ; first = false {
		// Anything signalled so far is covered by the sync below.
		drain(s.changes)
		drain(w.kick)
		if err := s.sync(ctx); err != nil {
			return err
		}
		if first {
			w.setHealth(nil)
			s.log.Info("watching")
		}
		if err := s.waitForChanges(ctx); err != nil {
			return err
		}
	}
}

// connect dials, logs in, learns the capabilities and selects the mailbox.
func (s *session) connect(ctx context.Context) error {
	o := &s.w.o
	dctx, cancel := context.WithTimeout(ctx, o.CommandTimeout)
	defer cancel()
	c, err := mailconn.DialIMAP(dctx, o.Account.IMAP, &imapclient.Options{
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{Mailbox: s.onMailbox},
	})
	if err != nil {
		return err
	}
	s.c = c
	// Capabilities change after login (RFC 9051 §6.2.3): ask again, so
	// that c.Caps() never has to wait for them later.
	if _, err := wait(ctx, s, c.Capability().Wait); err != nil {
		s.c.Close()
		return fmt.Errorf("capability: %w", err)
	}
	if err := s.selectMailbox(ctx); err != nil {
		s.c.Close()
		return err
	}
	return nil
}

// selectMailbox (re)selects the watched mailbox and notes its generation.
// A changed UIDVALIDITY (RFC 9051 §2.3.1.1) is a new generation: the next
// sync asks the handler for its mark, 0, and rescans it all.
func (s *session) selectMailbox(ctx context.Context) error {
	o := &s.w.o
	sel, err := wait(ctx, s, s.c.Select(o.Mailbox, nil).Wait)
	if err != nil {
		return fmt.Errorf("select %q: %w", o.Mailbox, err)
	}
	s.selected = time.Now()
	if sel.UIDValidity == s.mb.UIDValidity {
		return nil
	}
	if s.mb.UIDValidity != 0 {
		s.log.Warn("UIDVALIDITY changed: rescanning the mailbox", "new_uidvalidity", sel.UIDValidity)
	}
	s.mb = Mailbox{Account: o.Account.Name, Name: o.Mailbox, UIDValidity: sel.UIDValidity}
	s.log = s.w.log.With("uidvalidity", sel.UIDValidity)
	return nil
}

// reselectIfDue selects the mailbox again once per IdleRestart. Servers
// normally say BYE when the selected mailbox is deleted, but Dovecot 2.3
// misses a delete and re-create that follow each other closely and keeps
// serving the old generation (even to STATUS) until SELECT.
// It reports whether it selected: the EXISTS of SELECT is no signal, so a
// sync must follow.
func (s *session) reselectIfDue(ctx context.Context) (bool, error) {
	if time.Since(s.selected) < s.w.o.IdleRestart {
		return false, nil
	}
	return true, s.selectMailbox(ctx)
}

// onMailbox runs on go-imap's reader goroutine: it must not block.
// RFC 9051 §7.4.1: EXISTS is the only sign of new mail, and several
// arrivals may be announced by one EXISTS, so each one means "sync by UID".
func (s *session) onMailbox(d *imapclient.UnilateralDataMailbox) {
	if d.NumMessages != nil {
		signal(s.changes)
	}
}

// close logs out politely if the connection still works, and closes it.
func (s *session) close() {
	select {
	case <-s.c.Closed():
	default:
		ctx, cancel := context.WithTimeout(context.Background(), logoutTimeout)
		defer cancel()
		_ = mailconn.Do(ctx, s.c, s.c.Logout().Wait)
	}
	s.c.Close()
}

// has reports whether the server has capability c (known since connect).
func (s *session) has(c imap.Cap) bool {
	return !s.w.ignoreCaps[c] && s.c.Caps().Has(c)
}

// wait runs f, a command of s.c, bounded by CommandTimeout; on timeout the
// connection is closed and the session must end.
func wait[T any](ctx context.Context, s *session, f func() (T, error)) (T, error) {
	ctx, cancel := context.WithTimeout(ctx, s.w.o.CommandTimeout)
	defer cancel()
	return mailconn.Wait(ctx, s.c, f)
}

// do is wait for commands that return only an error.
func do(ctx context.Context, s *session, f func() error) error {
	ctx, cancel := context.WithTimeout(ctx, s.w.o.CommandTimeout)
	defer cancel()
	return mailconn.Do(ctx, s.c, f)
}
