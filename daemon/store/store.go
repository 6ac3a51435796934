// Package store is herald's database, SQLite by default or PostgreSQL:
// opening it safely, migrating its schema, and the queries each part of
// the daemon needs. The queries are written once, in SQLite's dialect;
// postgres.go runs them on PostgreSQL, and dialect.go holds the few
// fragments that differ.
//
// The CLI and the daemon open the same file at the same time. That is safe
// because the database runs in WAL mode (readers never block the writer),
// every connection waits up to busy_timeout for the write lock, and every
// transaction takes the write lock when it begins (_txlock=immediate), so a
// read-then-write transaction never fails half-way with "database is locked".
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/herald-mail/herald/daemon/store/internal/raw"
	"github.com/mattn/go-sqlite3"
)

// Store is an open herald database.
type Store struct {
	db   *sql.DB
	path string
	// wmu serialises this process's writes on SQLite, which allows one
	// writer at a time anyway; queueing here instead of in SQLite's busy
	// handler (which sleeps in steps of milliseconds) keeps concurrent
	// senders and watchers from wasting those sleeps. Other processes
	// (the CLI) still meet busy_timeout. PostgreSQL's writes run side by
	// side, each on a connection of the pool (tx).
	wmu sync.Mutex
	// w is the connection every write of this process goes through,
	// under wmu: the pages a write changes stay in its cache from one
	// write to the next, and driverTx needs a connection of its own.
	// SQLite only: on PostgreSQL a server restart or a failover breaks
	// connections, and the pool replaces a broken one where a connection
	// kept for good would fail every later write.
	w *sql.Conn
	// pg is true for a PostgreSQL database (see postgres.go).
	pg bool
	// node, when set (SetNode), is the node whose claims CommitDeliveries
	// marks 'sending' (claims.go).
	node string
	// retries counts the PostgreSQL transactions run again (retry.go).
	retries atomic.Int64
}

// Open opens (creating it with mode 0600 if needed) the database at path and
// brings its schema up to date. A postgres:// URL opens that PostgreSQL
// database instead (IsPostgres).
func Open(ctx context.Context, path string) (*Store, error) {
	if IsPostgres(path) {
		return openPostgres(ctx, path)
	}
	if err := createPrivate(path); err != nil {
		return nil, err // names the file
	}
	q := url.Values{}
	q.Set("_txlock", "immediate")
	q.Set("_journal_mode", "WAL")
	q.Set("_busy_timeout", "5000")
	q.Set("_foreign_keys", "on")
	q.Set("_synchronous", "NORMAL") // WAL + NORMAL is durable across application crashes
	// Each connection keeps its prepared statements (go-sqlite3 would
	// otherwise compile every statement on every call): the inbox and the
	// outbox run the same few statements per message, and preparing one
	// costs more than running it.
	q.Set("_stmt_cache_size", "128")
	db, err := sql.Open("sqlite3", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	s := &Store{db: db, path: path}
	if s.w, err = db.Conn(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	return s, nil
}

// createPrivate makes sure the file exists with mode 0600 before SQLite
// opens it, so contact data is never world-readable even for an instant.
// The -wal and -shm files inherit the main file's permissions in SQLite.
// An existing file that others may read (a copy, a restore, a umask of
// 022 in an older herald) is made private again, with a warning.
func createPrivate(path string) error {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("create database folder %s: %w", dir, err)
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("create database %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("create database %s: %w", path, err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		makePrivate(p)
	}
	return nil
}

// makePrivate takes group and other permissions off p, if it exists.
// Failing to (a file owned by another user) is a warning, not a reason to
// refuse to start.
func makePrivate(p string) {
	fi, err := os.Stat(p)
	if err != nil || fi.Mode().Perm()&0o077 == 0 {
		return
	}
	log := slog.Default().With("component", "store", "file", p, "mode", fmt.Sprintf("%#o", fi.Mode().Perm()))
	if err := os.Chmod(p, fi.Mode().Perm()&0o700); err != nil {
		log.Warn("database file is readable by other users and could not be made private; chmod 600 it", "err", err)
		return
	}
	log.Warn("database file was readable by other users; made it private (mode 0600)")
}

// exec runs one write statement outside a transaction. On PostgreSQL it
// runs at READ COMMITTED, which suits the single-statement upserts and
// conditional updates of hot rows (counters, leases): a statement that
// meets a row another transaction changed waits for it and re-reads it,
// where a SERIALIZABLE transaction would fail and retry. Under a lease
// (WithLease) the statement runs in a transaction checking the lease
// first (tx), as every other write of the leased work does.
func (s *Store) exec(ctx context.Context, query string, args ...any) (res sql.Result, err error) {
	if _, fenced := ctx.Value(leaseKey{}).(leaseFence); fenced {
		err = s.tx(ctx, func(tx *sql.Tx) error {
			res, err = tx.ExecContext(ctx, query, args...)
			return err
		})
		return res, err
	}
	if s.pg {
		// One statement is its own transaction: re-running it after a
		// deadlock is safe.
		err = s.retry(ctx, func() error {
			res, err = s.db.ExecContext(ctx, query, args...)
			return err
		})
		return res, err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.w.ExecContext(ctx, query, args...)
}

// Close closes the database.
func (s *Store) Close() error {
	if s.w == nil {
		return s.db.Close()
	}
	return errors.Join(s.w.Close(), s.db.Close())
}

// Path is the database file, or the PostgreSQL URL (with its password:
// see Redact).
func (s *Store) Path() string { return s.path }

// Postgres reports whether the database is PostgreSQL rather than SQLite.
func (s *Store) Postgres() bool { return s.pg }

// The handle goes to storetest only, through an internal package (see
// package raw): the tables stay the store's own.
func init() {
	raw.DB = func(s any) *sql.DB { return s.(*Store).db }
	raw.Time = ts
	raw.FailTrigger = func(s any, name, table, event, cond, message string) error {
		return addFailTrigger(s.(*Store), name, table, event, cond, message)
	}
}

// driverTx runs f in one IMMEDIATE transaction on the writer connection,
// straight through the driver, committed when f returns nil: for the
// one write per wave message. database/sql would start a goroutine for
// every transaction (to watch its context) and this process's busiest
// writer pays for no such hand-off. f must run its statements with a
// context that is never cancelled (context.Background): go-sqlite3 runs
// a statement whose context can be cancelled on a goroutine of its own.
func (s *Store) driverTx(f func(c *sqlite3.SQLiteConn) error) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.w.Raw(func(dc any) error {
		c, ok := dc.(*sqlite3.SQLiteConn)
		if !ok {
			return fmt.Errorf("store: unexpected driver connection %T", dc)
		}
		bg := context.Background()
		if _, err := c.ExecContext(bg, "BEGIN IMMEDIATE", nil); err != nil {
			return fmt.Errorf("begin transaction: %w", err)
		}
		err := f(c)
		if err == nil {
			if _, err = c.ExecContext(bg, "COMMIT", nil); err == nil {
				return nil
			}
			err = fmt.Errorf("commit: %w", err)
		}
		if !c.AutoCommit() { // still open: a failed statement or COMMIT may end it
			if _, rerr := c.ExecContext(bg, "ROLLBACK", nil); rerr != nil {
				err = errors.Join(err, fmt.Errorf("roll back: %w", rerr))
			}
		}
		return err
	})
}

// tx runs f in one transaction, committed when f returns nil.
//
// On SQLite, transactions begin IMMEDIATE (see the package doc): one
// writer at a time, so keep f short. On PostgreSQL they are SERIALIZABLE
// and run side by side, across processes and nodes; one the server
// cannot fit into a serial order fails (SQLSTATE 40001, or 40P01 for a
// deadlock) and tx runs it again, from the start (retry.go). So f may run
// more than once: it must set, not accumulate, what it hands back to its
// caller, and do nothing outside the transaction.
//
// ctx can stop the transaction from starting and f's statements, not the
// transaction itself: database/sql discards the connection of a
// transaction whose context ends (go-sqlite3 cannot reset a session), and
// on SQLite this one is the writer every later write of the process needs.
func (s *Store) tx(ctx context.Context, f func(*sql.Tx) error) error {
	return s.txWith(ctx, nil, f)
}

// txWith is tx with options for PostgreSQL's BEGIN (nil: SERIALIZABLE,
// retried); SQLite ignores them.
func (s *Store) txWith(ctx context.Context, opts *sql.TxOptions, f func(*sql.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err // the caller's own
	}
	if !s.pg {
		s.wmu.Lock()
		defer s.wmu.Unlock()
		return s.txOnce(ctx, s.w, nil, f)
	}
	return s.retry(ctx, func() error {
		c, err := s.db.Conn(ctx)
		if err != nil {
			return fmt.Errorf("begin transaction: %w", err)
		}
		defer c.Close()
		return s.txOnce(ctx, c, opts, f)
	})
}

// txOnce is one try of tx on the connection w.
func (s *Store) txOnce(ctx context.Context, w *sql.Conn, opts *sql.TxOptions, f func(*sql.Tx) error) error {
	tx, err := w.BeginTx(context.WithoutCancel(ctx), opts)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	if err := checkFence(ctx, tx); err != nil {
		return errors.Join(err, wrap(tx.Rollback(), "roll back"))
	}
	if err := f(tx); err != nil {
		return errors.Join(err, wrap(tx.Rollback(), "roll back"))
	}
	return wrap(tx.Commit(), "commit")
}

// wrap says what the store was doing when err happened, to what
// ("mark delivery 42 sending: database is locked"); nil stays nil. The
// cause stays matchable with errors.Is and errors.As.
func wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}
