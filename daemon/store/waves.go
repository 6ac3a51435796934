package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Wave states (docs/BEHAVIOUR.md §2 `waves --json`).
const (
	WaveScheduled = "scheduled"
	WaveRunning   = "running"
	WavePaused    = "paused"
	WaveDone      = "done"
	WaveCancelled = "cancelled"
)

// Delivery states of the outbox: pending → sending → sent | retry | failed;
// skipped rows record who the audience left out and why.
const (
	DeliveryPending = "pending"
	DeliverySending = "sending"
	DeliverySent    = "sent"
	DeliveryRetry   = "retry"
	DeliveryFailed  = "failed"
	DeliverySkipped = "skipped"
)

// WaveRow is a wave's stored state.
type WaveRow struct {
	Name        string
	State       string
	StateReason string
	Runs        int
	LeaseOwner  string
	LeaseUntil  time.Time
}

// EnsureWave creates the state row of a configured wave.
func (s *Store) EnsureWave(ctx context.Context, name string) error {
	_, err := s.exec(ctx, `INSERT INTO waves (name, updated_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, name, ts(time.Now()))
	return wrap(err, "create wave %s", name)
}

// Wave reads a wave's state; nil when it never ran nor was ensured.
func (s *Store) Wave(ctx context.Context, name string) (*WaveRow, error) {
	var w WaveRow
	var until string
	err := s.db.QueryRowContext(ctx, `SELECT name, state, state_reason, runs, lease_owner, lease_until FROM waves WHERE name = ?`, name).
		Scan(&w.Name, &w.State, &w.StateReason, &w.Runs, &w.LeaseOwner, &until)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	w.LeaseUntil = parseTS(until)
	return &w, wrap(err, "read wave %s", name)
}

// SetWaveState changes a wave's state when the change is allowed from its
// current one (from lists the states it may leave; empty = any), and
// reports whether it changed.
func (s *Store) SetWaveState(ctx context.Context, name, state, reason string, from ...string) (bool, error) {
	if err := s.EnsureWave(ctx, name); err != nil {
		return false, err // names the wave
	}
	now := ts(time.Now())
	q := `UPDATE waves SET state = ?, state_reason = ?, updated_at = ? WHERE name = ?`
	args := []any{state, reason, now, name}
	if len(from) > 0 {
		q += ` AND state IN (?` + repeat(",?", len(from)-1) + `)`
		for _, f := range from {
			args = append(args, f)
		}
	}
	var changed bool
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		changed = n == 1
		if !changed || state != WaveCancelled {
			return nil
		}
		// A cancelled wave never sends again: its unsent rows are skipped
		// with the reason, in the same transaction (a row already marked
		// 'sending' gets its verdict; a sender can no longer mark these).
		_, err = tx.ExecContext(ctx, `UPDATE deliveries SET state = 'skipped', reason = ?, updated_at = ?
			WHERE wave = ? AND state IN ('pending', 'retry')`, reason, now, name)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("set wave %s %s: %w", name, state, err)
	}
	return changed, nil
}

// AcquireLease takes or renews the right to run a wave for ttl. It fails
// (ok false, with the holder) while another owner's lease is unexpired.
func (s *Store) AcquireLease(ctx context.Context, name, owner string, ttl time.Duration) (ok bool, holder string, err error) {
	if err := s.EnsureWave(ctx, name); err != nil {
		return false, "", err // names the wave
	}
	now := time.Now()
	res, err := s.exec(ctx, `UPDATE waves SET lease_owner = ?, lease_until = ?
		WHERE name = ? AND (lease_owner = '' OR lease_owner = ? OR lease_until < ?)`,
		owner, ts(now.Add(ttl)), name, owner, ts(now))
	if err != nil {
		return false, "", fmt.Errorf("take lease of wave %s for %s: %w", name, owner, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return true, owner, nil
	}
	err = s.db.QueryRowContext(ctx, `SELECT lease_owner FROM waves WHERE name = ?`, name).Scan(&holder)
	return false, holder, wrap(err, "read lease holder of wave %s", name)
}

// TakeOverLease moves a lease from a holder known to be gone to owner,
// only if that holder still has it.
func (s *Store) TakeOverLease(ctx context.Context, name, gone, owner string, ttl time.Duration) (ok bool, holder string, err error) {
	res, err := s.exec(ctx, `UPDATE waves SET lease_owner = ?, lease_until = ? WHERE name = ? AND lease_owner = ?`,
		owner, ts(time.Now().Add(ttl)), name, gone)
	if err != nil {
		return false, "", fmt.Errorf("take over lease of wave %s from %s: %w", name, gone, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return true, owner, nil
	}
	return s.AcquireLease(ctx, name, owner, ttl)
}

// ReleaseLease gives the lease up if owner holds it.
func (s *Store) ReleaseLease(ctx context.Context, name, owner string) error {
	_, err := s.exec(ctx, `UPDATE waves SET lease_owner = '', lease_until = '' WHERE name = ? AND lease_owner = ?`, name, owner)
	return wrap(err, "release lease of wave %s", name)
}

// RunRow is one run of a wave.
type RunRow struct {
	Wave         string
	Run          int
	ScheduledFor time.Time
	StartedAt    time.Time
	Planned      bool
	Finished     bool
}

// StartRun records a new run of a wave due at scheduledFor.
func (s *Store) StartRun(ctx context.Context, wave string, scheduledFor time.Time) (int, error) {
	if err := s.EnsureWave(ctx, wave); err != nil {
		return 0, err // names the wave
	}
	var run int
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `UPDATE waves SET runs = runs + 1, state = 'running', state_reason = '', updated_at = ?
			WHERE name = ? RETURNING runs`, ts(time.Now()), wave).Scan(&run); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO wave_runs (wave, run, scheduled_for, started_at) VALUES (?, ?, ?, ?)`,
			wave, run, ts(scheduledFor), ts(time.Now()))
		return err
	})
	return run, wrap(err, "start run of %s", wave)
}

// LastRun returns a wave's latest run, nil if it never ran.
func (s *Store) LastRun(ctx context.Context, wave string) (*RunRow, error) {
	var r RunRow
	var sched, started string
	var planned, finished sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT wave, run, scheduled_for, started_at, planned_at, finished_at FROM wave_runs
		WHERE wave = ? ORDER BY run DESC LIMIT 1`, wave).Scan(&r.Wave, &r.Run, &sched, &started, &planned, &finished)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read last run of %s: %w", wave, err)
	}
	r.ScheduledFor, r.StartedAt, r.Planned, r.Finished = parseTS(sched), parseTS(started), planned.Valid, finished.Valid
	return &r, nil
}

// MarkPlanned records that every row of a run's audience is written.
func (s *Store) MarkPlanned(ctx context.Context, wave string, run int) error {
	_, err := s.exec(ctx, `UPDATE wave_runs SET planned_at = ? WHERE wave = ? AND run = ?`, ts(time.Now()), wave, run)
	return wrap(err, "mark %s run %d planned", wave, run)
}

// FinishRunIfDone closes a planned run with nothing left to send and, for
// a wave with no further runs due, marks it done; it reports whether the
// run finished.
func (s *Store) FinishRunIfDone(ctx context.Context, wave string, run int, waveDone bool) (bool, error) {
	var finished bool
	err := s.tx(ctx, func(tx *sql.Tx) error {
		finished = false // tx may run f again
		var left int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM deliveries WHERE wave = ? AND run = ? AND state IN ('pending', 'sending', 'retry')`,
			wave, run).Scan(&left); err != nil {
			return fmt.Errorf("count deliveries left: %w", err)
		}
		if left > 0 {
			return nil
		}
		res, err := tx.ExecContext(ctx, `UPDATE wave_runs SET finished_at = ? WHERE wave = ? AND run = ? AND planned_at IS NOT NULL AND finished_at IS NULL`,
			ts(time.Now()), wave, run)
		if err != nil {
			return fmt.Errorf("close the run: %w", err)
		}
		n, _ := res.RowsAffected()
		finished = n == 1
		next := WaveScheduled
		if waveDone {
			next = WaveDone
		}
		// 'scheduled' too: a run reopened by `waves retry` or continued
		// after `waves resume` is sent without passing through 'running'.
		_, err = tx.ExecContext(ctx, `UPDATE waves SET state = ?, updated_at = ? WHERE name = ? AND state IN ('running', 'scheduled')`, next, ts(time.Now()), wave)
		return wrap(err, "set the wave %s", next)
	})
	return finished, wrap(err, "finish %s run %d", wave, run)
}

func repeat(s string, n int) string {
	out := ""
	for i := 0; i < n; i++ {
		out += s
	}
	return out
}
