package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Lease is one piece of work a node holds (table leases): "inbox
// habitat/INBOX", "acks habitat". Several herald nodes on one PostgreSQL
// database share the work through them; the holder renews its lease, and
// another node takes it once it expired (its holder died or lost the
// database).
type Lease struct {
	Name  string
	Owner string // "pid@host"
	Since time.Time
	Until time.Time
}

// ErrLeaseLost is the error of a transaction run under WithLease whose
// lease this node no longer holds: another node may be doing the work, so
// nothing of it may be recorded here.
var ErrLeaseLost = errors.New("this node no longer holds the lease")

type leaseKey struct{}

type leaseFence struct{ name, owner string }

// WithLease marks ctx as work done under the lease name held by owner:
// every transaction the store runs with it (or a context derived from
// it) first checks, inside the transaction, that owner still holds the
// unexpired lease, and fails with ErrLeaseLost otherwise; so does a
// single statement (exec), run in such a transaction. The transactions
// are serialisable (SQLite's one writer, PostgreSQL's SERIALIZABLE), and
// so is every change of a lease: a node that lost its lease can record
// nothing after another took it.
func WithLease(ctx context.Context, name, owner string) context.Context {
	return context.WithValue(ctx, leaseKey{}, leaseFence{name, owner})
}

// checkFence is tx's check of ctx's lease, if it has one.
func checkFence(ctx context.Context, tx *sql.Tx) error {
	f, ok := ctx.Value(leaseKey{}).(leaseFence)
	if !ok {
		return nil
	}
	var until string
	err := tx.QueryRowContext(ctx, `SELECT until FROM leases WHERE name = ? AND owner = ?`, f.name, f.owner).Scan(&until)
	if errors.Is(err, sql.ErrNoRows) || err == nil && until <= ts(time.Now()) {
		return fmt.Errorf("%s: %w", f.name, ErrLeaseLost)
	}
	return wrap(err, "check the lease of %s", f.name)
}

// TakeLease takes the lease name for owner until now+ttl, or renews it
// when owner holds it. While another owner's lease is unexpired it takes
// nothing and returns that lease with ok false. A lease taken anew (not
// renewed) starts a row of lease_log, which every renewal extends.
func (s *Store) TakeLease(ctx context.Context, name, owner string, ttl time.Duration) (l Lease, ok bool, err error) {
	now := time.Now()
	err = s.tx(ctx, func(tx *sql.Tx) error {
		l, ok = Lease{}, false // tx may run f again
		var since, until string
		err := tx.QueryRowContext(ctx, `SELECT owner, since, until FROM leases WHERE name = ?`, name).Scan(&l.Owner, &since, &until)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		held := err == nil && until > ts(now)
		l.Name, l.Since, l.Until = name, parseTS(since), parseTS(until)
		if held && l.Owner != owner {
			return nil // another node's
		}
		ok, l.Owner, l.Until = true, owner, now.Add(ttl)
		if held {
			if _, err := tx.ExecContext(ctx, `UPDATE leases SET until = ? WHERE name = ?`, ts(l.Until), name); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `UPDATE lease_log SET until = ? WHERE id = (SELECT max(id) FROM lease_log WHERE name = ? AND owner = ?)`,
				ts(l.Until), name, owner)
			return err
		}
		l.Since = now
		if _, err := tx.ExecContext(ctx, `INSERT INTO leases (name, owner, since, until) VALUES (?, ?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, since = excluded.since, until = excluded.until`,
			name, owner, ts(now), ts(l.Until)); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO lease_log (name, owner, since, until) VALUES (?, ?, ?, ?)`, name, owner, ts(now), ts(l.Until))
		return err
	})
	if err != nil {
		return Lease{}, false, fmt.Errorf("take lease %s for %s: %w", name, owner, err)
	}
	return l, ok, nil
}

// DropLease gives the lease name up if owner holds it, and ends its
// lease_log row now.
func (s *Store) DropLease(ctx context.Context, name, owner string) error {
	now := ts(time.Now())
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM leases WHERE name = ? AND owner = ? AND until > ?`, name, owner, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // expired, or another's: its log row stands as it is
		}
		_, err = tx.ExecContext(ctx, `UPDATE lease_log SET until = ? WHERE id = (SELECT max(id) FROM lease_log WHERE name = ? AND owner = ?)`,
			now, name, owner)
		return err
	})
	return wrap(err, "drop lease %s of %s", name, owner)
}

// Leases lists the leases, held or expired, by name.
func (s *Store) Leases(ctx context.Context) ([]Lease, error) {
	return s.leases(ctx, `SELECT name, owner, since, until FROM leases ORDER BY name`)
}

// LeaseLog lists every holding of every lease, by name then time.
func (s *Store) LeaseLog(ctx context.Context) ([]Lease, error) {
	return s.leases(ctx, `SELECT name, owner, since, until FROM lease_log ORDER BY name, since, id`)
}

func (s *Store) leases(ctx context.Context, q string) ([]Lease, error) {
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("read leases: %w", err)
	}
	defer rows.Close()
	var out []Lease
	for rows.Next() {
		var l Lease
		var since, until string
		if err := rows.Scan(&l.Name, &l.Owner, &since, &until); err != nil {
			return nil, fmt.Errorf("read leases: %w", err)
		}
		l.Since, l.Until = parseTS(since), parseTS(until)
		out = append(out, l)
	}
	return out, wrap(rows.Err(), "read leases")
}
