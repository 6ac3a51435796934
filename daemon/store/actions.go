package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// actionRetry is the delay before a failed action is tried again: doubling
// from 30 s, capped at 1 h, so a missing folder or a down SMTP server is
// retried without hammering.
func actionRetry(tries int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < tries && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// MaxActionTries is when a failing action stops being retried and stays
// listed as failed.
const MaxActionTries = 10

const actionSelect = `SELECT id, account, mailbox, uidvalidity, uid, kind, arg, message, tries, last_error FROM actions`

// PendingIMAP lists the due flag and move actions of one mailbox
// generation, oldest first (actions_pending serves it).
func (s *Store) PendingIMAP(ctx context.Context, account, mailbox string, uidvalidity uint32) ([]Action, error) {
	out, err := s.actions(ctx, actionSelect+` WHERE state = 'pending' AND account = ? AND mailbox = ? AND uidvalidity = ?
		AND kind IN ('flag', 'move') AND next_at <= ? ORDER BY id`, account, mailbox, uidvalidity, ts(time.Now()))
	if err != nil {
		return nil, fmt.Errorf("read pending actions of %s/%s: %w", account, mailbox, err)
	}
	return out, nil
}

// PendingSends lists the due ack and forward actions of an account.
func (s *Store) PendingSends(ctx context.Context, account string, limit int) ([]Action, error) {
	out, err := s.actions(ctx, actionSelect+` WHERE state = 'pending' AND account = ? AND kind IN ('ack', 'forward')
		AND next_at <= ? ORDER BY id LIMIT ?`, account, ts(time.Now()), limit)
	if err != nil {
		return nil, fmt.Errorf("read pending sends of %s: %w", account, err)
	}
	return out, nil
}

// NextSendDue is when the earliest pending send of an account is due
// (zero when there is none), so the sender can sleep until then.
func (s *Store) NextSendDue(ctx context.Context, account string) (time.Time, error) {
	var at sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT min(next_at) FROM actions WHERE state = 'pending' AND account = ? AND kind IN ('ack', 'forward', 'append')`, account).Scan(&at)
	if err != nil {
		return time.Time{}, fmt.Errorf("read next send of %s: %w", account, err)
	}
	return parseTS(at.String), nil
}

func (s *Store) actions(ctx context.Context, q string, args ...any) ([]Action, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Action
	for rows.Next() {
		var a Action
		if err := rows.Scan(&a.ID, &a.Account, &a.Mailbox, &a.UIDValidity, &a.UID, &a.Kind, &a.Arg, &a.Message, &a.Tries, &a.LastError); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// ActionsDone marks actions performed, or, with err, failed this time: they
// are retried later with backoff until MaxActionTries.
func (s *Store) ActionsDone(ctx context.Context, ids []int64, failure error) error {
	if len(ids) == 0 {
		return nil
	}
	now := time.Now()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if failure == nil {
			// One statement per chunk, not per action: on PostgreSQL each
			// statement is a round trip, and a batch's moves end together.
			return inChunks(ids, func(chunk []any) (bool, error) {
				_, err := tx.ExecContext(ctx, `UPDATE actions SET state = 'done', done_at = ?, last_error = '' WHERE id IN (`+
					placeholders(len(chunk))+`)`, append([]any{ts(now)}, chunk...)...)
				return false, err
			})
		}
		for _, id := range ids {
			var tries int
			err := tx.QueryRowContext(ctx, `UPDATE actions SET tries = tries + 1 WHERE id = ? RETURNING tries`, id).Scan(&tries)
			if err != nil {
				return fmt.Errorf("action %d: %w", id, err)
			}
			state := "pending"
			if tries >= MaxActionTries {
				state = "failed"
			}
			_, err = tx.ExecContext(ctx, `UPDATE actions SET state = ?, next_at = ?, last_error = ? WHERE id = ?`,
				state, ts(now.Add(actionRetry(tries))), truncate(failure.Error(), 500), id)
			if err != nil {
				return fmt.Errorf("action %d: %w", id, err)
			}
		}
		return nil
	})
	if err != nil && failure == nil {
		return fmt.Errorf("mark %d actions done: %w", len(ids), err)
	}
	if err != nil {
		return fmt.Errorf("record failure of %d actions: %w", len(ids), err)
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

// Message reads one messages row.
func (s *Store) Message(ctx context.Context, id int64) (*MessageRow, error) {
	var m MessageRow
	var mailbox sql.NullString
	var uidv, uid, enq sql.NullInt64
	var date string
	err := s.db.QueryRowContext(ctx, `SELECT id, account, direction, mailbox, uidvalidity, uid, message_id, hash, from_addr,
		subject, kind, detail, folder, enquiry_id, date FROM messages WHERE id = ?`, id).Scan(
		&m.ID, &m.Account, &m.Direction, &mailbox, &uidv, &uid, &m.MessageID, &m.Hash, &m.From,
		&m.Subject, &m.Kind, &m.Detail, &m.Folder, &enq, &date)
	if err != nil {
		return nil, fmt.Errorf("read message %d: %w", id, err)
	}
	m.Mailbox, m.UIDValidity, m.UID, m.EnquiryID, m.Date = mailbox.String, uint32(uidv.Int64), uint32(uid.Int64), enq.Int64, parseTS(date)
	return &m, nil
}

// PendingAppends lists the due sent-folder copies of an account.
func (s *Store) PendingAppends(ctx context.Context, account string, limit int) ([]Action, error) {
	return s.actions(ctx, actionSelect+` WHERE state = 'pending' AND account = ? AND kind = 'append'
		AND next_at <= ? ORDER BY id LIMIT ?`, account, ts(time.Now()), limit)
}

// AckSent records an acknowledgement the SMTP server accepted: the action
// is done, the outgoing message joins the thread, the enquiry becomes
// acknowledged, and, when copy is not empty (a JSON job), its sent-folder
// copy is queued — all at once, so a crash loses no copy.
func (s *Store) AckSent(ctx context.Context, actionID int64, out MessageRow, copy string) error {
	now := time.Now()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE actions SET state = 'done', done_at = ?, last_error = '' WHERE id = ?`, ts(now), actionID); err != nil {
			return fmt.Errorf("mark action done: %w", err)
		}
		it := &InboxTx{tx: tx, ctx: ctx, now: now}
		out.Direction = "out"
		id, err := it.AddMessage(out)
		if err != nil {
			return err // AddMessage names the message
		}
		if copy != "" {
			if err := it.AddAction(Action{Account: out.Account, Kind: "append", Arg: copy, Message: id}); err != nil {
				return err // insertActions names it
			}
		}
		if out.EnquiryID == 0 {
			return nil
		}
		if _, err = tx.ExecContext(ctx, `UPDATE enquiries SET status = 'acknowledged', acknowledged_at = ?
			WHERE id = ? AND status = 'open'`, ts(now), out.EnquiryID); err != nil {
			return fmt.Errorf("mark enquiry %d acknowledged: %w", out.EnquiryID, err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record acknowledgement %s sent (action %d): %w", out.MessageID, actionID, err)
	}
	return nil
}
