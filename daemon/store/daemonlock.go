package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"
)

// pgDaemonLock is the key of the session-level advisory lock a daemon
// holds on a PostgreSQL database for its whole life (HoldDaemonLock);
// "herald1" in ASCII.
const pgDaemonLock = 0x68657261_6c6431

// ErrDaemonRunning is HoldDaemonLock's error while another daemon holds
// the database in a way that excludes this one.
var ErrDaemonRunning = errors.New("another herald is running on this database")

// DaemonLock is a daemon's lock on a PostgreSQL database (HoldDaemonLock).
type DaemonLock struct {
	s      *Store
	shared bool
	mu     sync.Mutex
	c      *sql.Conn // nil once lost and not yet taken again
}

// HoldDaemonLock holds the daemon's lock on a PostgreSQL database, as the
// .lock file beside a SQLite file does, for as long as a connection of
// its own lives; Release closes it, and a crashed daemon's connection
// ends and frees it. Nodes (docs/BEHAVIOUR.md §13) hold it shared, their
// work split by leases (TakeLease); a daemon with the sandbox on holds it
// exclusive, alone on its database, and keeps the nodes out as they keep
// it out.
func (s *Store) HoldDaemonLock(ctx context.Context, shared bool) (*DaemonLock, error) {
	if !s.pg {
		return nil, errors.New("store: HoldDaemonLock is for PostgreSQL; SQLite uses the .lock file")
	}
	l := &DaemonLock{s: s, shared: shared}
	c, err := l.take(ctx)
	if err != nil {
		return nil, err
	}
	l.c = c
	return l, nil
}

// take takes the lock on a connection of its own.
func (l *DaemonLock) take(ctx context.Context) (*sql.Conn, error) {
	name := Redact(l.s.path)
	c, err := l.s.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("lock database %s: %w", name, err)
	}
	lock := `SELECT pg_try_advisory_lock(?)`
	if l.shared {
		lock = `SELECT pg_try_advisory_lock_shared(?)`
	}
	var ok bool
	if err := c.QueryRowContext(ctx, lock, int64(pgDaemonLock)).Scan(&ok); err != nil {
		drop(c)
		return nil, fmt.Errorf("lock database %s: %w", name, err)
	}
	if ok {
		return c, nil
	}
	drop(c)
	if l.shared {
		return nil, fmt.Errorf("%w (%s) with its sandbox on, which runs alone on its database: stop it first",
			ErrDaemonRunning, name)
	}
	return nil, fmt.Errorf("%w (%s); a herald with the sandbox on runs alone on its database: stop the others, or give the sandbox a database of its own",
		ErrDaemonRunning, name)
}

// drop closes c for good. Closing a connection taken with Conn returns
// it to the pool, where the session (and its lock) would live on: Raw
// marks it bad instead, so database/sql really closes it.
func drop(c *sql.Conn) {
	_ = c.Raw(func(any) error { return driver.ErrBadConn })
	c.Close()
}

// Check makes sure the lock is still held: the session holding it ends
// when its connection does (the server restarted, the network was cut,
// an administrator ended it), and the lock with it, unnoticed. A lost
// lock is taken again at once, and Check reports that it was (retaken);
// it fails when it cannot be, with ErrDaemonRunning when another daemon
// took it meanwhile.
func (l *DaemonLock) Check(ctx context.Context) (retaken bool, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.c != nil {
		if l.c.PingContext(ctx) == nil {
			return false, nil
		}
		drop(l.c)
		l.c = nil
	}
	c, err := l.take(ctx)
	if err != nil {
		return false, err
	}
	l.c = c
	return true, nil
}

// Release gives the lock up.
func (l *DaemonLock) Release() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.c == nil {
		return
	}
	// Unlock first, so that the lock is free when Release returns (the
	// server ends a closed session's locks only later); then drop the
	// connection all the same.
	unlock := `SELECT pg_advisory_unlock(?)`
	if l.shared {
		unlock = `SELECT pg_advisory_unlock_shared(?)`
	}
	_, _ = l.c.ExecContext(context.Background(), unlock, int64(pgDaemonLock))
	drop(l.c)
	l.c = nil
}
