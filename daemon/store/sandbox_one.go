package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// CapturedByID is one captured message with its raw bytes, nil when
// there is none with that id (the dashboard's page of one message).
func (s *Store) CapturedByID(ctx context.Context, id int64) (*CapturedMessage, error) {
	var m CapturedMessage
	var to, at string
	err := s.db.QueryRowContext(ctx, `SELECT id, mail_from, rcpt_to, subject, message_id, received_at, raw
		FROM sandbox_outbox WHERE id = ?`, id).Scan(&m.ID, &m.From, &to, &m.Subject, &m.MessageID, &at, &m.Raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read captured message %d: %w", id, err)
	}
	if err := json.Unmarshal([]byte(to), &m.To); err != nil {
		return nil, fmt.Errorf("captured message %d: recipients: %w", id, err)
	}
	if m.ReceivedAt, err = time.Parse(time.RFC3339Nano, at); err != nil {
		return nil, fmt.Errorf("captured message %d: time: %w", id, err)
	}
	return &m, nil
}
