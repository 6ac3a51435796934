package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ReserveSend counts one more message for account on day (YYYY-MM-DD)
// unless limit messages are counted already, and reports whether it did.
// limit 0 means no limit. One statement, so two daemons sharing the file
// cannot both take the last place.
func (s *Store) ReserveSend(ctx context.Context, account, day string, limit int) (bool, error) {
	// The primary key (account, day) serves the conflict check.
	res, err := s.exec(ctx, `
		INSERT INTO send_counts (account, day, n) VALUES (?, ?, 1)
		ON CONFLICT (account, day) DO UPDATE SET n = send_counts.n + 1 WHERE ? = 0 OR send_counts.n < ?`,
		account, day, limit, limit)
	if err != nil {
		return false, fmt.Errorf("count send for %s on %s: %w", account, day, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("count send for %s on %s: %w", account, day, err)
	}
	return n == 1, nil
}

// ReleaseSend takes back a ReserveSend whose message was not sent.
func (s *Store) ReleaseSend(ctx context.Context, account, day string) error {
	_, err := s.exec(ctx,
		`UPDATE send_counts SET n = n - 1 WHERE account = ? AND day = ? AND n > 0`, account, day)
	if err != nil {
		return fmt.Errorf("uncount send for %s on %s: %w", account, day, err)
	}
	return nil
}

// SendCount returns the messages counted for account on day.
func (s *Store) SendCount(ctx context.Context, account, day string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx,
		`SELECT n FROM send_counts WHERE account = ? AND day = ?`, account, day).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read send count for %s on %s: %w", account, day, err)
	}
	return n, nil
}
