package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Enquiry is one row of the enquiry queue (docs/BEHAVIOUR.md §2 `enquiries --json`).
type Enquiry struct {
	ID             int64
	Ref            string
	Account        string
	Mailbox        string
	From           string
	FromName       string
	Subject        string
	Category       string
	Language       string
	Status         string
	ReceivedAt     time.Time
	AcknowledgedAt time.Time // zero if none
	AnsweredAt     time.Time
	ClosedAt       time.Time
	AckSuppressed  string // "" if an acknowledgement was sent or is due
	ThreadSize     int
}

const enquirySelect = `SELECT id, ref, account, mailbox, from_addr, from_name, subject, category, language, status,
	received_at, coalesce(acknowledged_at, ''), coalesce(answered_at, ''), coalesce(closed_at, ''), coalesce(ack_suppressed, ''),
	(SELECT count(*) FROM messages WHERE enquiry_id = enquiries.id) FROM enquiries`

type scanner interface{ Scan(...any) error }

// scanEnquiry reads one enquiry; (nil, nil) when there is no row.
func scanEnquiry(r scanner) (*Enquiry, error) {
	var e Enquiry
	var rec, ack, ans, closed string
	err := r.Scan(&e.ID, &e.Ref, &e.Account, &e.Mailbox, &e.From, &e.FromName, &e.Subject, &e.Category, &e.Language,
		&e.Status, &rec, &ack, &ans, &closed, &e.AckSuppressed, &e.ThreadSize)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err // the caller names the enquiry
	}
	e.ReceivedAt, e.AcknowledgedAt, e.AnsweredAt, e.ClosedAt = parseTS(rec), parseTS(ack), parseTS(ans), parseTS(closed)
	return &e, nil
}

// EnquiryFilter selects enquiries; empty fields match everything.
type EnquiryFilter struct {
	Status, Category, Account string
	// OlderThan keeps enquiries received before this time (the digest).
	OlderThan time.Time
}

// Enquiries streams the queue, oldest first.
func (s *Store) Enquiries(ctx context.Context, f EnquiryFilter, each func(*Enquiry) error) error {
	var where []string
	var args []any
	for col, v := range map[string]string{"status": f.Status, "category": f.Category, "account": f.Account} {
		if v != "" {
			where = append(where, col+" = ?")
			args = append(args, v)
		}
	}
	if !f.OlderThan.IsZero() {
		where = append(where, "received_at < ?")
		args = append(args, ts(f.OlderThan))
	}
	q := enquirySelect
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := s.db.QueryContext(ctx, q+" ORDER BY received_at, id", args...)
	if err != nil {
		return fmt.Errorf("read enquiries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEnquiry(rows)
		if err != nil {
			return fmt.Errorf("read enquiries: %w", err)
		}
		if err := each(e); err != nil {
			return err // the caller's own
		}
	}
	return wrap(rows.Err(), "read enquiries")
}

// EnquiryByRef finds an enquiry by reference (any account); nil if none.
func (s *Store) EnquiryByRef(ctx context.Context, ref string) (*Enquiry, error) {
	e, err := scanEnquiry(s.db.QueryRowContext(ctx, enquirySelect+` WHERE ref = ?`, strings.ToUpper(ref)))
	return e, wrap(err, "read enquiry %s", ref)
}

// Thread lists an enquiry's messages in the order herald saw them (sent
// them, for its own): a Date header is whatever the sender's clock said.
func (s *Store) Thread(ctx context.Context, enquiryID int64) ([]MessageRow, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, message_id, from_addr, date, direction, folder, kind, subject
		FROM messages WHERE enquiry_id = ? ORDER BY seen_at, id`, enquiryID)
	if err != nil {
		return nil, fmt.Errorf("read thread of enquiry %d: %w", enquiryID, err)
	}
	defer rows.Close()
	var out []MessageRow
	for rows.Next() {
		var m MessageRow
		var date string
		if err := rows.Scan(&m.ID, &m.MessageID, &m.From, &date, &m.Direction, &m.Folder, &m.Kind, &m.Subject); err != nil {
			return nil, fmt.Errorf("read thread of enquiry %d: %w", enquiryID, err)
		}
		m.Date = parseTS(date)
		out = append(out, m)
	}
	return out, wrap(rows.Err(), "read thread of enquiry %d", enquiryID)
}

// CloseEnquiry marks an enquiry closed; it says so when there is none.
func (s *Store) CloseEnquiry(ctx context.Context, ref string) error {
	res, err := s.exec(ctx, `UPDATE enquiries SET status = 'closed', closed_at = ? WHERE ref = ?`,
		ts(time.Now()), strings.ToUpper(ref))
	if err != nil {
		return fmt.Errorf("close enquiry %s: %w", ref, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("no enquiry %s", ref)
	}
	return nil
}

// MarkAnswered records a human answer seen for the enquiry whose thread
// holds one of the message ids (the `\Answered` flag or our reply in the
// sent folder); closed enquiries stay closed.
func (s *Store) MarkAnswered(ctx context.Context, account string, messageIDs []string) (bool, error) {
	var found bool
	err := s.tx(ctx, func(tx *sql.Tx) error {
		found = false // tx may run f again
		it := &InboxTx{tx: tx, ctx: ctx, now: time.Now()}
		e, err := it.EnquiryByMessageIDs(account, messageIDs)
		if err != nil || e == nil {
			return err // EnquiryByMessageIDs names its step
		}
		found = true
		_, err = tx.ExecContext(ctx, `UPDATE enquiries SET status = 'answered', answered_at = ? WHERE id = ? AND status IN ('open', 'acknowledged')`,
			ts(it.now), e.ID)
		return wrap(err, "mark enquiry %s answered", e.Ref)
	})
	return found, wrap(err, "record an answer seen in %s", account)
}
