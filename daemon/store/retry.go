package store

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// PostgreSQL runs herald's write transactions SERIALIZABLE, side by side
// (tx): the nodes, the CLI and the dashboard write at once instead of one
// at a time. The server guarantees that what commits is as if the
// transactions had run one after another, and it keeps that promise by
// failing a transaction that would break it: SQLSTATE 40001
// (serialization_failure), or 40P01 (deadlock_detected) when two wait on
// each other's rows. Such a transaction changed nothing, and the manual's
// remedy is to run it again from the start (PostgreSQL manual §13.4,
// "Serialization Failure Handling"), which retry does a bounded number of
// times with growing, jittered pauses, so that two transactions that
// collided do not collide again in step.
const (
	retryTries = 12
	retryFirst = time.Millisecond
	retryMax   = 200 * time.Millisecond
)

// retry runs op until it succeeds, fails with an error another try
// cannot mend, runs out of tries (under a second of pauses in all) or ctx
// ends; it returns op's last error.
func (s *Store) retry(ctx context.Context, op func() error) error {
	pause := retryFirst
	for try := 1; ; try++ {
		err := op()
		if err == nil || try == retryTries || !retryable(err) {
			return err
		}
		s.retries.Add(1)
		t := time.NewTimer(pause/2 + rand.N(pause/2+1))
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		pause = min(2*pause, retryMax)
	}
}

// retryable reports a transaction PostgreSQL rolled back so that it can
// be run again: a serialization failure or a deadlock.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}
