package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
)

// plannedOutbox opens a store holding run 1 of wave "bench" planned for
// n contacts, ids 1..n, all pending.
func plannedOutbox(tb testing.TB, n int) *Store {
	tb.Helper()
	ctx := context.Background()
	s, err := Open(ctx, testDatabase(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	if _, err := s.StartRun(ctx, "bench", time.Now()); err != nil {
		tb.Fatal(err)
	}
	now := ts(time.Now())
	rows := make([]PlannedRow, 0, 1000)
	for first := 1; first <= n; first += 1000 {
		err := s.tx(ctx, func(tx *sql.Tx) error {
			rows = rows[:0] // tx may run f again
			for id := first; id < first+1000 && id <= n; id++ {
				email := fmt.Sprintf("mayor.%06d@city.example", id)
				if _, err := tx.Exec(`INSERT INTO contacts (id, email, email_key, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
					id, email, email, "Mayor", now, now); err != nil {
					return err
				}
				rows = append(rows, PlannedRow{ContactID: int64(id), Email: email, State: DeliveryPending,
					MessageID: fmt.Sprintf("%026d@un.org", id)})
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
		if err := s.AddPlanned(ctx, "bench", 1, rows); err != nil {
			tb.Fatal(err)
		}
	}
	return s
}

// deliveryState is the state of outbox row id.
func deliveryState(t *testing.T, s *Store, id int64) string {
	t.Helper()
	var state string
	if err := s.db.QueryRow(`SELECT state FROM deliveries WHERE id = ?`, id).Scan(&state); err != nil {
		t.Fatal(err)
	}
	return state
}

func TestCommitDeliveriesIsAtomic(t *testing.T) {
	ctx := context.Background()
	s := plannedOutbox(t, 3)
	if marked, err := s.CommitDeliveries(ctx, nil, []int64{1, 2}); err != nil || !marked[0] || !marked[1] {
		t.Fatalf("marking 1 and 2: %v, %v", marked, err)
	}
	// A refused statement (an outcome the schema does not allow) undoes
	// the whole commit: row 1's outcome and row 3's mark with it.
	_, err := s.CommitDeliveries(ctx, []DeliveryOutcome{{ID: 1, State: DeliverySent}, {ID: 2, State: "lost"}}, []int64{3})
	if err == nil {
		t.Fatal("an outcome of state 'lost' was recorded")
	}
	for id, want := range map[int64]string{1: DeliverySending, 2: DeliverySending, 3: DeliveryPending} {
		if got := deliveryState(t, s, id); got != want {
			t.Errorf("after the refused commit, row %d is %s, want %s", id, got, want)
		}
	}
	// The writer is usable again: no transaction was left open.
	marked, err := s.CommitDeliveries(ctx, []DeliveryOutcome{{ID: 1, State: DeliverySent}, {ID: 2, State: DeliveryRetry, Next: time.Now().Add(time.Minute)}}, []int64{3, 1})
	if err != nil || !marked[0] || marked[1] {
		t.Fatalf("commit after the refused one: marked %v, %v; want [true false]", marked, err)
	}
	for id, want := range map[int64]string{1: DeliverySent, 2: DeliveryRetry, 3: DeliverySending} {
		if got := deliveryState(t, s, id); got != want {
			t.Errorf("row %d is %s, want %s", id, got, want)
		}
	}
	if _, err := s.RetryFailed(ctx, "bench"); err != nil {
		t.Fatalf("another write after them: %v", err)
	}
}

// BenchmarkCommitDeliveries is the commit a wave's session makes per
// message: the last row's outcome and the next row's mark 'sending', in
// one transaction, on an outbox of b.N+1 planned rows:
//
//	go test ./daemon/store -run '^$' -bench CommitDeliveries -benchmem
func BenchmarkCommitDeliveries(b *testing.B) { b.Run(testEngine, benchmarkCommitDeliveries) }

func benchmarkCommitDeliveries(b *testing.B) {
	ctx := context.Background()
	s := plannedOutbox(b, b.N+1)
	if _, err := s.CommitDeliveries(ctx, nil, []int64{1}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 1; i <= b.N; i++ {
		marked, err := s.CommitDeliveries(ctx, []DeliveryOutcome{{ID: int64(i), State: DeliverySent}}, []int64{int64(i + 1)})
		if err != nil || !marked[0] {
			b.Fatalf("commit %d: marked %v, %v", i, marked, err)
		}
	}
}

// BenchmarkDue reads a wave's due rows with their contacts, 64 a call,
// as a wave's sender reads ahead of its sessions (per row).
func BenchmarkDue(b *testing.B) { b.Run(testEngine, benchmarkDue) }

func benchmarkDue(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background()) // as the sender's
	defer cancel()
	const n = 10000
	s := plannedOutbox(b, n)
	if _, err := s.db.Exec(`UPDATE contacts SET language = 'en', organisation = 'City of Kampala', title = 'Mayor', city = 'Kampala', country = 'BE', fields = '{"delegation":"D-00001"}'`); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var cur DueCursor
	read := 0
	for b.Loop() {
		ds, err := s.Due(ctx, "bench", &cur, 64)
		if err != nil {
			b.Fatal(err)
		}
		if len(ds) == 0 {
			cur = DueCursor{}
		}
		read += len(ds)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(max(read, 1)), "ns/row")
}

// TestErrorsNameTheOperation: a failing statement's error says what the
// store was doing and to which row, and still unwraps to the driver's
// error, so IsStoreFailure and errors.As keep working.
func TestErrorsNameTheOperation(t *testing.T) {
	s := plannedOutbox(t, 3)
	if err := addFailTrigger(s, "fail_full", "deliveries", "UPDATE OF state", "NEW.state = 'sending'", "'disk full'"); err != nil {
		t.Fatal(err)
	}
	_, err := s.CommitDeliveries(context.Background(), nil, []int64{2})
	if err == nil || !strings.Contains(err.Error(), "mark delivery 2 sending: ") || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("CommitDeliveries() = %v; want it to name the delivery and the operation", err)
	}
	var se sqlite3.Error
	var pe *pgconn.PgError
	if !(errors.As(err, &se) && se.Code == sqlite3.ErrConstraint) && !(errors.As(err, &pe) && pe.Code == "P0001") {
		t.Errorf("CommitDeliveries() = %#v; want it to unwrap to the driver's constraint error", err)
	}
	if got := deliveryState(t, s, 2); got != DeliveryPending {
		t.Errorf("delivery 2 is %s after the failed commit, want pending", got)
	}
}

// TestNextDueEmpty: a wave with nothing due has no next time, on both
// engines (PostgreSQL 15 refused the query's unnamed subquery).
func TestNextDueEmpty(t *testing.T) {
	s := openTest(t)
	at, ok, err := s.NextDue(context.Background(), "invitation")
	if err != nil || ok || !at.IsZero() {
		t.Errorf("NextDue = %v, %v, %v; want nothing due", at, ok, err)
	}
}
