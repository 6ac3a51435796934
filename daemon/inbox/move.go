package inbox

import (
	"context"
	"errors"
	"fmt"

	"github.com/emersion/go-imap/v2"
)

// actionGroup is the actions of one kind with the same argument, performed
// by one command.
type actionGroup struct {
	kind ActionKind
	arg  string
	ids  []int64
	uids imap.UIDSet
}

// groupActions groups acts by kind and argument, keeping the order in which
// each group first appears; a group holds at most maxActionGroup actions.
func groupActions(acts []Action) (flags, moves, unknown []*actionGroup) {
	index := map[[2]string]*actionGroup{}
	for _, a := range acts {
		key := [2]string{string(a.Kind), a.Arg}
		g := index[key]
		if g == nil || len(g.ids) >= maxActionGroup {
			g = &actionGroup{kind: a.Kind, arg: a.Arg}
			index[key] = g
			switch a.Kind {
			case ActionFlag:
				flags = append(flags, g)
			case ActionMove:
				moves = append(moves, g)
			default:
				unknown = append(unknown, g)
			}
		}
		g.ids = append(g.ids, a.ID)
		g.uids.AddNum(imap.UID(a.UID))
	}
	return flags, moves, unknown
}

// runActions performs the pending actions of this mailbox generation:
// flags first, so that a message carries its flags into the folder it is
// moved to, then moves, one command per destination.
func (s *session) runActions(ctx context.Context) error {
	acts, err := s.w.o.Handler.Pending(ctx, s.mb)
	if err != nil {
		return fmt.Errorf("handler: pending actions: %w", err)
	}
	if len(acts) == 0 {
		return nil
	}
	flags, moves, unknown := groupActions(acts)
	for _, g := range unknown {
		if err := s.done(ctx, g, fmt.Errorf("%w %q", errUnknownAction, g.kind)); err != nil {
			return err
		}
	}
	for _, g := range flags {
		if err := s.done(ctx, g, s.addFlag(ctx, g.uids, imap.Flag(g.arg))); err != nil {
			return err
		}
	}
	for _, g := range moves {
		err := s.ensureFolder(ctx, g.arg)
		if err == nil || isServerError(err) {
			// A failed CREATE is not final: some servers refuse to create
			// an existing folder without saying ALREADYEXISTS.
			if merr := s.move(ctx, g.uids, g.arg); merr == nil || err == nil {
				err = merr
			} else {
				err = fmt.Errorf("%w (after %v)", merr, err)
			}
		}
		if err := s.done(ctx, g, err); err != nil {
			return err
		}
	}
	return nil
}

// errUnknownAction is an Action whose Kind this package does not know.
var errUnknownAction = errors.New("unknown action kind")

// done tells the handler how g went. A server refusal (NO, BAD) or an
// unknown kind is kept for a later pass and the other actions go on; any
// other error means the connection is unusable and ends the session.
func (s *session) done(ctx context.Context, g *actionGroup, err error) error {
	if derr := s.w.o.Handler.Done(ctx, g.ids, err); derr != nil {
		return fmt.Errorf("handler: record %d actions done: %w", len(g.ids), derr)
	}
	if err == nil {
		s.log.Debug("actions done", "kind", g.kind, "arg", g.arg, "uids", g.uids.String())
		return nil
	}
	s.log.Warn("actions failed; retried on a later pass", "kind", g.kind, "arg", g.arg,
		"uids", g.uids.String(), "err", err)
	if isServerError(err) || errors.Is(err, errUnknownAction) {
		return nil
	}
	return err
}

// isServerError reports whether err is the server's tagged NO or BAD: the
// command failed but the connection is fine.
func isServerError(err error) bool {
	var e *imap.Error
	return errors.As(err, &e)
}

// addFlag adds flag to uids (UID STORE +FLAGS.SILENT, RFC 9051 §6.4.6).
// UIDs that no longer exist are silently skipped by the server.
func (s *session) addFlag(ctx context.Context, uids imap.UIDSet, flag imap.Flag) error {
	store := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{flag}}
	if err := do(ctx, s, s.c.Store(uids, store, nil).Close); err != nil {
		return fmt.Errorf("uid store %s +flags %s: %w", uids, flag, err)
	}
	return nil
}

// ensureFolder creates folder once per session; one that already exists
// is fine (RFC 5530 ALREADYEXISTS).
func (s *session) ensureFolder(ctx context.Context, folder string) error {
	if s.folders[folder] {
		return nil
	}
	err := do(ctx, s, s.c.Create(folder, nil).Wait)
	var e *imap.Error
	switch {
	case err == nil:
		s.log.Info("folder created", "folder", folder)
		// So that mail clients show it; not worth failing the move for.
		if err := do(ctx, s, s.c.Subscribe(folder).Wait); err != nil && !isServerError(err) {
			return fmt.Errorf("subscribe %q: %w", folder, err)
		}
	case errors.As(err, &e) && e.Code == imap.ResponseCodeAlreadyExists:
	default:
		return fmt.Errorf("create folder %q: %w", folder, err)
	}
	s.folders[folder] = true
	return nil
}

// canMove reports whether the server has MOVE (RFC 6851).
func (s *session) canMove() bool {
	// Client.Move decides on the same capability: with it, it never takes
	// its unsafe fallback.
	return s.has(imap.CapMove)
}

// move moves uids to dest, and never deletes a message it has not seen
// copied. With MOVE it is one UID MOVE. Without it, go-imap's Client.Move
// fallback sends COPY, STORE and EXPUNGE at once and so deletes the mail
// even when COPY fails; instead, each step here waits for the one before:
// UID COPY, then (UIDPLUS, RFC 4315) UID STORE +FLAGS.SILENT \Deleted and
// UID EXPUNGE of exactly the source UIDs the server reported in COPYUID.
// Without UIDPLUS the original is left in place: EXPUNGE alone would also
// remove whatever else the user flagged \Deleted. UIDs that no longer
// exist (moved before a crash) are no error.
func (s *session) move(ctx context.Context, uids imap.UIDSet, dest string) error {
	if s.canMove() {
		if _, err := wait(ctx, s, s.c.Move(uids, dest).Wait); err != nil {
			return fmt.Errorf("uid move %s to %q: %w", uids, dest, err)
		}
		return nil
	}
	data, err := wait(ctx, s, s.c.Copy(uids, dest).Wait)
	if err != nil {
		return fmt.Errorf("uid copy %s to %q: %w", uids, dest, err)
	}
	if !s.has(imap.CapUIDPlus) {
		s.w.copyOnlyOnce.Do(func() {
			s.log.Warn("server has neither MOVE nor UIDPLUS: moves leave the original in place")
		})
		return nil
	}
	// Only what COPYUID names was copied; a server omits it when none of
	// the UIDs exist any more. Never trust it beyond what was asked.
	var copied imap.UIDSet
	src, _ := data.SourceUIDs.Nums() // never dynamic: go-imap rejects that
	for _, u := range src {
		if uids.Contains(u) {
			copied.AddNum(u)
		}
	}
	if len(copied) == 0 {
		return nil
	}
	deleted := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}
	if err := do(ctx, s, s.c.Store(copied, deleted, nil).Close); err != nil {
		return fmt.Errorf("uid store %s +flags \\Deleted after copy to %q: %w", copied, dest, err)
	}
	if err := do(ctx, s, s.c.UIDExpunge(copied).Close); err != nil {
		return fmt.Errorf("uid expunge %s after copy to %q: %w", copied, dest, err)
	}
	return nil
}
