package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// EnquiryEvent is one action a person took on an enquiry.
type EnquiryEvent struct {
	Kind  string    `json:"kind"`
	Value string    `json:"value,omitempty"`
	Actor string    `json:"actor"`
	At    time.Time `json:"at"`
}

// Enquiry actions a person takes (SetEnquiryStatus kinds).
const (
	EnquiryClose    = "closed"
	EnquiryReopen   = "reopened"
	EnquiryAnswered = "answered"
)

// SetEnquiryStatus closes, reopens or marks answered the enquiry ref and
// records who did it. It reports false when the enquiry was already so
// (nothing written); (false, nil) with no row is for the caller to have
// checked. Reopening goes back to "acknowledged" when an acknowledgement
// went out, else "open".
func (s *Store) SetEnquiryStatus(ctx context.Context, ref, kind, actor string) (bool, error) {
	now := ts(time.Now())
	var q string
	var args []any
	switch kind {
	case EnquiryClose:
		q, args = `UPDATE enquiries SET status = 'closed', closed_at = ? WHERE id = ? AND status != 'closed'`, []any{now}
	case EnquiryAnswered:
		q, args = `UPDATE enquiries SET status = 'answered', answered_at = ? WHERE id = ? AND status IN ('open', 'acknowledged')`, []any{now}
	case EnquiryReopen:
		q = `UPDATE enquiries SET status = CASE WHEN acknowledged_at IS NULL THEN 'open' ELSE 'acknowledged' END,
			closed_at = NULL, answered_at = NULL WHERE id = ? AND status IN ('closed', 'answered')`
	default:
		return false, fmt.Errorf("enquiry action %q: want %s, %s or %s", kind, EnquiryClose, EnquiryReopen, EnquiryAnswered)
	}
	return s.enquiryChange(ctx, ref, kind, "", actor, q, args)
}

// SetEnquiryCategory recategorises the enquiry ref and records who did it.
func (s *Store) SetEnquiryCategory(ctx context.Context, ref, category, actor string) (bool, error) {
	return s.enquiryChange(ctx, ref, "category", category, actor,
		`UPDATE enquiries SET category = ? WHERE id = ? AND category != ?1`, []any{category})
}

// enquiryChange runs update with args then the enquiry's id and, when it
// changed the row, records the event in the same transaction.
func (s *Store) enquiryChange(ctx context.Context, ref, kind, value, actor, update string, args []any) (bool, error) {
	var changed bool
	err := s.tx(ctx, func(tx *sql.Tx) error {
		changed = false // tx may run f again
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM enquiries WHERE ref = ?`, strings.ToUpper(ref)).Scan(&id)
		if err != nil {
			return fmt.Errorf("enquiry %s: %w", ref, err)
		}
		res, err := tx.ExecContext(ctx, update, append(args, id)...)
		if err != nil {
			return fmt.Errorf("enquiry %s %s: %w", ref, kind, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		changed = true
		_, err = tx.ExecContext(ctx, `INSERT INTO enquiry_events (enquiry_id, kind, value, actor, at) VALUES (?, ?, ?, ?, ?)`,
			id, kind, value, actor, ts(time.Now()))
		return err
	})
	return changed, err
}

// EnquiryEvents lists what people did to an enquiry, oldest first.
func (s *Store) EnquiryEvents(ctx context.Context, enquiryID int64) ([]EnquiryEvent, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT kind, value, actor, at FROM enquiry_events WHERE enquiry_id = ? ORDER BY at, id`, enquiryID)
	if err != nil {
		return nil, fmt.Errorf("enquiry events: %w", err)
	}
	defer rows.Close()
	out := []EnquiryEvent{}
	for rows.Next() {
		var e EnquiryEvent
		var at string
		if err := rows.Scan(&e.Kind, &e.Value, &e.Actor, &at); err != nil {
			return nil, err
		}
		e.At = parseTS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
