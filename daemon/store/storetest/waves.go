package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/store/internal/raw"
)

// Sent is one message of a wave already sent, for SentWave.
type Sent struct {
	ContactID int64
	Email     string
	MessageID string
}

// SentWave records one run of wave that sent each of sent, through the
// steps a wave takes (start, plan, mark sending, record the outcome), and
// returns the run. The wave is left scheduled, as after a finished run.
func SentWave(tb testing.TB, s *store.Store, wave string, sent ...Sent) int {
	tb.Helper()
	ctx := context.Background()
	fail := func(step string, err error) {
		tb.Helper()
		tb.Fatalf("storetest: wave %s: %s: %v", wave, step, err)
	}
	run, err := s.StartRun(ctx, wave, time.Now())
	if err != nil {
		fail("start run", err)
	}
	rows := make([]store.PlannedRow, len(sent))
	for i, m := range sent {
		rows[i] = store.PlannedRow{ContactID: m.ContactID, Email: m.Email, State: store.DeliveryPending, MessageID: m.MessageID}
	}
	if err := s.AddPlanned(ctx, wave, run, rows); err != nil {
		fail("plan", err)
	}
	if err := s.MarkPlanned(ctx, wave, run); err != nil {
		fail("mark planned", err)
	}
	var cur store.DueCursor
	due, err := s.Due(ctx, wave, &cur, len(sent)+1)
	if err != nil || len(due) != len(sent) {
		fail("read due rows", fmt.Errorf("%d rows, want %d: %v", len(due), len(sent), err))
	}
	ids := make([]int64, len(due))
	outcomes := make([]store.DeliveryOutcome, len(due))
	for i, d := range due {
		ids[i] = d.ID
		outcomes[i] = store.DeliveryOutcome{ID: d.ID, State: store.DeliverySent}
	}
	if _, err := s.CommitDeliveries(ctx, nil, ids); err != nil {
		fail("mark sending", err)
	}
	if _, err := s.CommitDeliveries(ctx, outcomes, nil); err != nil {
		fail("record sent", err)
	}
	if _, err := s.FinishRunIfDone(ctx, wave, run, false); err != nil {
		fail("finish run", err)
	}
	return run
}

// ExpireLease makes the lease on wave expired, as a holder that died long
// ago leaves it.
func ExpireLease(tb testing.TB, s *store.Store, wave string) {
	tb.Helper()
	exec(tb, s, "expire lease of wave "+wave,
		`UPDATE waves SET lease_until = ? WHERE name = ?`, raw.Time(time.Unix(0, 0)), wave)
}

// FinishRuns closes every run of wave still open, as if each had
// finished now.
func FinishRuns(tb testing.TB, s *store.Store, wave string) {
	tb.Helper()
	exec(tb, s, "finish runs of wave "+wave,
		`UPDATE wave_runs SET finished_at = ? WHERE wave = ? AND finished_at IS NULL`, raw.Time(time.Now()), wave)
}

// Sending counts the outbox rows in state 'sending', of every wave, and
// those of them addressed to email (as written in the outbox). Unlike the
// other helpers it may run on any goroutine (a fake server's handler): it
// reports an error with tb.Errorf, and returns -1 counts then.
func Sending(tb testing.TB, s *store.Store, email string) (all, toEmail int) {
	err := raw.DB(s).QueryRow(`SELECT count(*), count(*) FILTER (WHERE email = ?) FROM deliveries WHERE state = 'sending'`, email).
		Scan(&all, &toEmail)
	if err != nil {
		tb.Errorf("storetest: count rows sending: %v", err)
		return -1, -1
	}
	return all, toEmail
}

// Delivery is one outbox row as a test inspects it.
type Delivery struct {
	ID        int64
	Run       int
	ContactID int64
	Email     string // as written in the outbox
	State     string // store.DeliveryPending, ...
	Reason    string
	Tries     int
	Uncertain bool
	MessageID string
}

// Deliveries returns every outbox row of wave, in id order.
func Deliveries(tb testing.TB, s *store.Store, wave string) []Delivery {
	tb.Helper()
	rows, err := raw.DB(s).Query(`SELECT id, run, contact_id, email, state, reason, tries, uncertain, message_id
		FROM deliveries WHERE wave = ? ORDER BY id`, wave)
	if err != nil {
		tb.Fatalf("storetest: deliveries of wave %s: %v", wave, err)
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var d Delivery
		if err := rows.Scan(&d.ID, &d.Run, &d.ContactID, &d.Email, &d.State, &d.Reason, &d.Tries, &d.Uncertain, &d.MessageID); err != nil {
			tb.Fatalf("storetest: deliveries of wave %s: %v", wave, err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		tb.Fatalf("storetest: deliveries of wave %s: %v", wave, err)
	}
	return out
}

// exec runs one statement of a helper that what names.
func exec(tb testing.TB, s *store.Store, what, query string, args ...any) {
	tb.Helper()
	if _, err := raw.DB(s).Exec(query, args...); err != nil {
		tb.Fatalf("storetest: %s: %v", what, err)
	}
}
