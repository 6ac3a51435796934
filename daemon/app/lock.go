package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/herald-mail/herald/daemon/service"
	"github.com/herald-mail/herald/daemon/store"
)

// LockedError is lockDatabase's error when another daemon holds the
// database.
type LockedError struct {
	PID      int // the holder's, 0 when unknown
	Database string
}

func (e *LockedError) Error() string {
	who := "another herald"
	if e.PID > 0 {
		who = fmt.Sprintf("another herald (pid %d)", e.PID)
	}
	return fmt.Sprintf("%s is running on %s; stop it first (the other commands work while it runs)", who, e.Database)
}

// dbLock is the exclusive lock one `herald run` holds on its database for
// its whole life: a second daemon on the same database would bind nothing
// useful and, on its way out, clear the first one's runtime facts (the
// sandbox addresses `sandbox inject` and `waves test` read).
type dbLock struct {
	f  *os.File
	pg *store.DaemonLock // PostgreSQL's (lockPostgres)
}

// lockPostgres is lockDatabase for a PostgreSQL database: an advisory
// lock held by a connection of the daemon's (store.HoldDaemonLock):
// shared by nodes, exclusive for a daemon with the sandbox on.
func lockPostgres(ctx context.Context, st *store.Store, shared bool) (*dbLock, error) {
	l, err := st.HoldDaemonLock(ctx, shared)
	if err != nil {
		return nil, err // names the database, redacted
	}
	return &dbLock{pg: l}, nil
}

// lockPath is the lock file of a database: beside it, so that two configs
// naming the same file through different relative paths still meet.
func lockPath(database string) string { return database + ".lock" }

// lockDatabase takes the daemon's lock on database before anything else
// touches it: flock(2), released by the kernel however the process ends,
// so a crash never leaves a stale lock. The file keeps the holder's pid for
// the message the next one prints; it is never removed (removing it would
// let a third process lock a new file while the second still waits on the
// old one).
func lockDatabase(database string) (*dbLock, error) {
	path := lockPath(database)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create database folder %s: %w", filepath.Dir(path), err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock database: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder := readPID(f)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &LockedError{PID: holder, Database: database}
		}
		return nil, fmt.Errorf("lock database %s: %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &dbLock{f: f}, nil
}

func readPID(f *os.File) int {
	b := make([]byte, 32)
	n, _ := f.ReadAt(b, 0)
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b[:n])))
	return pid
}

// release unlocks; closing the file is enough for flock.
func (l *dbLock) release() {
	if l != nil && l.f != nil {
		l.f.Close()
	}
	if l != nil && l.pg != nil {
		l.pg.Release()
	}
}

// LockSQLite takes the daemon's lock on a SQLite database for a command
// that must run with no daemon on it (migrate-store): while it holds the
// lock, `herald run` refuses to start, and it is refused while one runs.
func LockSQLite(database string) (release func(), err error) {
	l, err := lockDatabase(database)
	if err != nil {
		return nil, err
	}
	return l.release, nil
}

// lockCheckEvery is how often a daemon on PostgreSQL makes sure it still
// holds its lock (watchLock): as often as leases are renewed.
const lockCheckEvery = leaseRenew

// watchLock makes sure, every lockCheckEvery until ctx ends, that the
// daemon still holds its PostgreSQL lock, whose session dies unnoticed
// with its connection (a server restart, a cut network), and takes it
// again when it was lost. When another daemon took it meanwhile (a
// sandbox, which runs alone), running on would put the two side by side:
// lost receives the error, and the daemon stops (serve). A lock that
// cannot be checked (the server is unreachable) is checked again next
// time; the daemon's writes fail meanwhile, and its leases lapse.
func (d *Daemon) watchLock(ctx context.Context, lost chan<- error) {
	log := d.log.With("component", "app")
	t := time.NewTicker(lockCheckEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		cctx, cancel := context.WithTimeout(ctx, lockCheckEvery)
		retaken, err := d.lock.pg.Check(cctx)
		cancel()
		switch {
		case ctx.Err() != nil:
			return
		case errors.Is(err, store.ErrDaemonRunning):
			log.Error("the database lock was lost and another herald holds it now; stopping", "err", err)
			d.health.Set(lockHealth, err)
			lost <- err
			return
		case err != nil:
			log.Warn("cannot check the database lock; checking again shortly", "err", err)
			d.health.Set(lockHealth, err)
		case retaken:
			log.Warn("the database lock was lost (its connection ended) and is taken again")
			d.health.Set(lockHealth, nil)
		default:
			d.health.Set(lockHealth, nil)
		}
	}
}

// lockHealth names the database lock in /healthz.
const lockHealth = "database lock"

// startWatchLock runs watchLock until close stops it.
func (d *Daemon) startWatchLock(ctx context.Context) {
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	d.lockLost = make(chan error, 1)
	go func() {
		defer close(done)
		defer service.Recover(d.log, d.metrics, "database lock")
		d.watchLock(wctx, d.lockLost)
	}()
	d.stopWatch = func() {
		cancel()
		<-done
	}
}
