package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// CapturedMessage is a message the sandbox SMTP server kept instead of
// delivering (docs/BEHAVIOUR.md §12 "sandbox outbox").
type CapturedMessage struct {
	ID         int64     `json:"-"`
	From       string    `json:"from"`
	To         []string  `json:"to"`
	Subject    string    `json:"subject"`
	MessageID  string    `json:"message_id"`
	ReceivedAt time.Time `json:"received_at"`
	Raw        []byte    `json:"-"`
}

// AddCaptured records one captured message.
func (s *Store) AddCaptured(ctx context.Context, m CapturedMessage) error {
	to, err := json.Marshal(m.To)
	if err != nil {
		return fmt.Errorf("record captured message: recipients: %w", err)
	}
	_, err = s.exec(ctx, `
		INSERT INTO sandbox_outbox (mail_from, rcpt_to, subject, message_id, received_at, raw)
		VALUES (?, ?, ?, ?, ?, ?)`,
		m.From, string(to), m.Subject, m.MessageID, ts(m.ReceivedAt), m.Raw)
	if err != nil {
		return fmt.Errorf("record captured message: %w", err)
	}
	return nil
}

// Captured lists captured messages oldest first, without their raw bodies
// unless withRaw is set. It streams rows into f, so the outbox can be large.
func (s *Store) Captured(ctx context.Context, withRaw bool, f func(CapturedMessage) error) error {
	// The index on received_at serves the ORDER BY; id breaks ties in
	// arrival order.
	q := `SELECT id, mail_from, rcpt_to, subject, message_id, received_at, NULL FROM sandbox_outbox ORDER BY received_at, id`
	if withRaw {
		q = `SELECT id, mail_from, rcpt_to, subject, message_id, received_at, raw FROM sandbox_outbox ORDER BY received_at, id`
	}
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("read captured messages: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m CapturedMessage
		var to, at string
		if err := rows.Scan(&m.ID, &m.From, &to, &m.Subject, &m.MessageID, &at, &m.Raw); err != nil {
			return fmt.Errorf("read captured messages: %w", err)
		}
		if err := json.Unmarshal([]byte(to), &m.To); err != nil {
			return fmt.Errorf("captured message %d: recipients: %w", m.ID, err)
		}
		if m.ReceivedAt, err = time.Parse(time.RFC3339Nano, at); err != nil {
			return fmt.Errorf("captured message %d: time: %w", m.ID, err)
		}
		if err := f(m); err != nil {
			return err // the caller's own
		}
	}
	return wrap(rows.Err(), "read captured messages")
}
