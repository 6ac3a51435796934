package store

import (
	"errors"
	"fmt"

	"github.com/mattn/go-sqlite3"
)

// Try runs f, the recording of one message, inside a savepoint of the
// batch's transaction. When f fails or panics, everything it wrote and the
// actions it queued are undone, and its error is returned as failed: the
// batch goes on, and the caller records the message another way (issue
// 11: one message that cannot be recorded must not stop the inbox). err
// is the savepoint's own failure, after which the transaction is unusable.
func (t *InboxTx) Try(f func() error) (failed, err error) {
	if _, err := t.tx.ExecContext(t.ctx, `SAVEPOINT message`); err != nil {
		return nil, fmt.Errorf("savepoint: %w", err)
	}
	queued := len(t.actions)
	failed = func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("panic: %v", p)
			}
		}()
		return f()
	}()
	if failed != nil {
		t.actions = t.actions[:queued]
		if _, err := t.tx.ExecContext(t.ctx, `ROLLBACK TO message`); err != nil {
			return failed, fmt.Errorf("rollback to savepoint: %w", err)
		}
	}
	// RELEASE after ROLLBACK TO ends the savepoint, which stays open otherwise.
	if _, err := t.tx.ExecContext(t.ctx, `RELEASE message`); err != nil {
		return failed, fmt.Errorf("release savepoint: %w", err)
	}
	return failed, nil
}

// IsStoreFailure reports an error of the database itself (disk full, I/O
// error, corruption, out of memory, read-only, locked) rather than of what
// was asked of it: retrying later may succeed, and blaming the message
// being recorded would be wrong.
func IsStoreFailure(err error) bool {
	var se sqlite3.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code {
	case sqlite3.ErrFull, sqlite3.ErrIoErr, sqlite3.ErrCorrupt, sqlite3.ErrNotADB, sqlite3.ErrNomem,
		sqlite3.ErrReadonly, sqlite3.ErrBusy, sqlite3.ErrLocked, sqlite3.ErrCantOpen, sqlite3.ErrProtocol:
		return true
	}
	return false
}
