package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Keys of the runtime table.
const (
	RuntimeSandboxIMAP = "sandbox.imap" // host:port of the running sandbox IMAP server
	RuntimeSandboxSMTP = "sandbox.smtp" // host:port of the running sandbox SMTP server
	RuntimePID         = "daemon.pid"   // pid of the running daemon
)

// SetRuntime publishes a fact about the running daemon.
func (s *Store) SetRuntime(ctx context.Context, key, value string) error {
	_, err := s.exec(ctx, `
		INSERT INTO runtime (key, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		key, value, time.Now().UTC().Format(time.RFC3339))
	return wrap(err, "set runtime %s", key)
}

// Runtime reads a fact published by the daemon; ok is false when absent.
func (s *Store) Runtime(ctx context.Context, key string) (value string, ok bool, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT value FROM runtime WHERE key = ?`, key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return value, err == nil, wrap(err, "read runtime %s", key)
}

// ClearRuntime removes facts when the daemon stops.
func (s *Store) ClearRuntime(ctx context.Context, keys ...string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, `DELETE FROM runtime WHERE key = ?`, k); err != nil {
				return fmt.Errorf("key %s: %w", k, err)
			}
		}
		return nil
	})
	return wrap(err, "clear runtime")
}

// SetRuntimeOnce stores a fact unless it is already set (first writer wins).
func (s *Store) SetRuntimeOnce(ctx context.Context, key, value string) error {
	_, err := s.exec(ctx, `INSERT INTO runtime (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING`,
		key, value, time.Now().UTC().Format(time.RFC3339))
	return wrap(err, "set runtime %s", key)
}
