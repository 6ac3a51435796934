package inbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/emersion/go-imap/v2"
)

// errServerClosed is a connection the server closed while we waited.
var errServerClosed = errors.New("connection closed by the server")

// waitForChanges returns when the mailbox should be synced again: new mail was
// announced, Kick was called, or IDLE was restarted. It returns an error
// when the connection failed or ctx ended.
func (s *session) waitForChanges(ctx context.Context) error {
	if s.has(imap.CapIdle) {
		return s.idle(ctx)
	}
	return s.poll(ctx)
}

// idle waits in IDLE (RFC 2177). Every end of IDLE leads to a sync, the
// restart included: a server that misses mail arriving just as IDLE
// begins (go-imap's own server does; herald's sandbox works around it)
// is caught up at the next restart.
func (s *session) idle(ctx context.Context) error {
	cmd, err := wait(ctx, s, s.c.Idle)
	if err != nil {
		return fmt.Errorf("idle: %w", err)
	}
	restart := time.NewTimer(s.w.o.IdleRestart)
	defer restart.Stop()
	why := ""
	select {
	case <-ctx.Done():
		why = "stop"
	case <-s.changes:
		why = "exists"
	case <-s.w.kick:
		why = "kick"
	case <-restart.C:
		why = "restart"
	case <-s.c.Closed():
		return errServerClosed
	}
	// RFC 2177 §3: DONE ends IDLE. It is needed even to stop, since no
	// other command (LOGOUT) may be sent while IDLE runs.
	dctx, bound := context.WithoutCancel(ctx), s.w.o.CommandTimeout
	if ctx.Err() != nil {
		bound = logoutTimeout
	}
	dctx, cancel := context.WithTimeout(dctx, bound)
	defer cancel()
	err = do(dctx, s, func() error {
		if err := cmd.Close(); err != nil {
			return err
		}
		return cmd.Wait()
	})
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		return fmt.Errorf("end idle: %w", err)
	}
	s.log.Debug("idle ended", "why", why)
	_, err = s.reselectIfDue(ctx)
	return err
}

// poll sends NOOP every Poll interval (RFC 9051 §6.1.2: it lets the server
// report new mail) until an EXISTS or a Kick calls for a sync.
func (s *session) poll(ctx context.Context) error {
	t := time.NewTimer(s.w.o.Account.IMAP.Poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.changes:
			return nil
		case <-s.w.kick:
			return nil
		case <-s.c.Closed():
			return errServerClosed
		case <-t.C:
		}
		if err := do(ctx, s, s.c.Noop().Wait); err != nil {
			return fmt.Errorf("noop: %w", err)
		}
		if reselected, err := s.reselectIfDue(ctx); err != nil || reselected {
			return err
		}
		t.Reset(s.w.o.Account.IMAP.Poll)
	}
}
