package store

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/mattn/go-sqlite3"
)

// Try runs f, the recording of one message, inside a savepoint of the
// batch's transaction. When f fails or panics, everything it wrote and the
// actions it queued are undone, and its error is returned as failed: the
// batch goes on, and the caller records the message another way (issue
// 11: one message that cannot be recorded must not stop the inbox). err
// is the savepoint's own failure, after which the transaction is unusable.
//
// On PostgreSQL, where each statement is a round trip, the savepoint is
// not released when f is done but by the next Try, in the query that
// opens the next one (two statements, one simple-protocol query), or by
// the commit: one round trip per message instead of two. What runs
// between two Trys is then inside the released savepoint, which nothing
// rolls back to.
func (t *InboxTx) Try(f func() error) (failed, err error) {
	open := `SAVEPOINT message`
	if t.pg && t.open {
		open = `RELEASE message; SAVEPOINT message`
	}
	if _, err := t.tx.ExecContext(t.ctx, open); err != nil {
		return nil, fmt.Errorf("savepoint: %w", err)
	}
	t.open = t.pg
	queued := len(t.actions)
	t.pre.begin()
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
		t.pre.rollback()
		if _, err := t.tx.ExecContext(t.ctx, `ROLLBACK TO message`); err != nil {
			return failed, fmt.Errorf("rollback to savepoint: %w", err)
		}
	}
	if t.pg {
		return failed, nil // released by the next Try or the commit
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
	if isPostgresFailure(err) {
		return true
	}
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

// isPostgresFailure is IsStoreFailure for PostgreSQL: a lost or refused
// connection, and the SQLSTATE classes of the server's own trouble
// (Appendix A of the PostgreSQL manual): 08 connection exception, 53
// insufficient resources, 57 operator intervention (shutdown), 58 system
// error, XX internal error, 40 transaction rollback (deadlock,
// serialization), 55P03 lock not available, 25006 read-only transaction
// (a standby).
func isPostgresFailure(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code[:min(2, len(pe.Code))] {
		case "08", "53", "57", "58", "XX", "40":
			return true
		}
		return pe.Code == "55P03" || pe.Code == "25006"
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.ErrUnexpectedEOF) || pgconn.Timeout(err)
}
