package store

import (
	"context"
	"slices"
	"testing"
	"time"
)

// postgresOnly skips a test of the nodes' claims in the SQLite pass.
func postgresOnly(tb testing.TB) {
	tb.Helper()
	if testEngine != "postgres" {
		tb.Skip("PostgreSQL only: nodes share a PostgreSQL database")
	}
}

func claimIDs(t *testing.T, s *Store, owner string, n int) []int64 {
	t.Helper()
	ds, err := s.ClaimDue(context.Background(), "bench", owner, n)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, d := range ds {
		if d.Contact.Email == "" {
			t.Fatalf("claimed row %d without its contact", d.ID)
		}
		ids = append(ids, d.ID)
	}
	return ids
}

func TestClaimsShareAWave(t *testing.T) {
	postgresOnly(t)
	ctx := context.Background()
	s := plannedOutbox(t, 10)
	if _, ok, err := s.TakeLease(ctx, NodeLease("1@a"), "1@a", time.Minute); err != nil || !ok {
		t.Fatal(ok, err)
	}
	if _, ok, err := s.TakeLease(ctx, NodeLease("2@b"), "2@b", time.Minute); err != nil || !ok {
		t.Fatal(ok, err)
	}
	a, b := claimIDs(t, s, "1@a", 4), claimIDs(t, s, "2@b", 4)
	if len(a) != 4 || len(b) != 4 {
		t.Fatalf("claims of 4: %v and %v", a, b)
	}
	seen := map[int64]bool{}
	for _, id := range append(append([]int64{}, a...), b...) {
		if seen[id] {
			t.Fatalf("row %d claimed twice: %v, %v", id, a, b)
		}
		seen[id] = true
	}
	// Node 1 marks its rows; node 2 cannot mark node 1's.
	s.SetNode("2@b")
	if marked, err := s.CommitDeliveries(ctx, nil, []int64{a[0], b[0]}); err != nil || marked[0] || !marked[1] {
		t.Fatalf("node 2 marking %d (node 1's) and %d (its own): %v, %v", a[0], b[0], marked, err)
	}
	s.SetNode("1@a")
	if marked, err := s.CommitDeliveries(ctx, nil, []int64{a[0], a[1]}); err != nil || !marked[0] || !marked[1] {
		t.Fatalf("node 1 marking its rows: %v, %v", marked, err)
	}
	if _, err := s.CommitDeliveries(ctx, []DeliveryOutcome{{ID: a[1], State: DeliverySent}}, nil); err != nil {
		t.Fatal(err)
	}
	// Node 2 gives back what it did not send; 2 rows were never claimed.
	if err := s.ReleaseClaims(ctx, "bench", "2@b"); err != nil {
		t.Fatal(err)
	}
	if rest := claimIDs(t, s, "2@b", 10); len(rest) != 5 {
		t.Fatalf("after node 2's release, %d rows to claim (%v), want its 3 and the 2 unclaimed", len(rest), rest)
	}
	// Node 1 dies: while its lease lives nothing is recovered; then its
	// 'sending' row is queued again, uncertain, and its unsent claims freed.
	if n, err := s.RecoverClaims(ctx, "bench", "2@b"); err != nil || n != 0 {
		t.Fatalf("recovery while node 1 lives: %d, %v", n, err)
	}
	if _, err := s.exec(ctx, `UPDATE leases SET until = ? WHERE name = ?`, ts(time.Now().Add(-time.Second)), NodeLease("1@a")); err != nil {
		t.Fatal(err)
	}
	if n, err := s.RecoverClaims(ctx, "bench", "2@b"); err != nil || n != 1 {
		t.Fatalf("recovery of dead node 1: %d 'sending' rows, %v; want 1", n, err)
	}
	again := claimIDs(t, s, "2@b", 10)
	if len(again) != 3 {
		t.Fatalf("node 1's rows to claim again: %v, want its 'sending' one and 2 unsent", again)
	}
	c, err := s.Counts(ctx, "bench", 0)
	if err != nil || c.Uncertain != 1 || c.Sent != 1 {
		t.Fatalf("counts %+v, %v: want 1 sent, 1 uncertain", c, err)
	}
	by, err := s.SentBy(ctx, "bench")
	if err != nil || by["1@a"] != 1 || len(by) != 1 {
		t.Fatalf("sent by %v, %v", by, err)
	}
}

func TestRateTokensPerSlot(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	for _, c := range []struct {
		n      int
		per    time.Duration
		slot   time.Duration
		tokens int
	}{{20, time.Second, time.Second, 20}, {100, time.Minute, 1200 * time.Millisecond, 2}, {30, time.Minute, 2 * time.Second, 1}, {1, time.Hour, time.Hour, 1}} {
		if slot, tokens := RateSlot(c.n, c.per); slot != c.slot || tokens != c.tokens {
			t.Errorf("RateSlot(%d, %s) = %s, %d; want %s, %d", c.n, c.per, slot, tokens, c.slot, c.tokens)
		}
	}
	// 3 an hour: one slot of 20 minutes holds 1 token; the next waits.
	if _, ok, err := s.TakeRateToken(ctx, "habitat", 3, time.Hour); err != nil || !ok {
		t.Fatalf("first token: %v, %v", ok, err)
	}
	wait, ok, err := s.TakeRateToken(ctx, "habitat", 3, time.Hour)
	if err != nil || ok || wait <= 0 || wait > 20*time.Minute {
		t.Fatalf("second token in a full slot: ok %v, wait %s, %v", ok, wait, err)
	}
	// Another account has its own slots.
	if _, ok, err := s.TakeRateToken(ctx, "climate", 3, time.Hour); err != nil || !ok {
		t.Fatalf("other account's token: %v, %v", ok, err)
	}
}

// TestTakeRateTokensAtOnce: a pool takes several shared tokens in one
// statement; when fewer are left it gets one, then none, and never more
// than the slot holds in all.
func TestTakeRateTokensAtOnce(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	// 10 a second: slots of one second, 10 tokens each. A slot can end
	// between two takes on a slow machine: then the sequence is run again
	// in a fresh one.
	for attempt := 1; ; attempt++ {
		slotLen, tokens := RateSlot(10, time.Second)
		time.Sleep(time.Duration(int64(slotLen) - time.Now().UnixNano()%int64(slotLen))) // the start of a slot
		var got []int
		var slots []int64
		for range 6 {
			n, slot, wait, err := s.TakeRateTokens(ctx, "habitat", 10, time.Second, 4)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 && (wait <= 0 || wait > slotLen) {
				t.Fatalf("none left: wait %s, want up to %s", wait, slotLen)
			}
			got, slots = append(got, n), append(slots, slot)
		}
		if slots[0] != slots[len(slots)-1] {
			if attempt == 5 {
				t.Fatalf("no slot lasted six takes: %v", slots)
			}
			continue
		}
		if want := []int{4, 4, 1, 1, 0, 0}; !slices.Equal(got, want) || tokens != 10 {
			t.Errorf("takes of 4 from a slot of %d: %v, want %v", tokens, got, want)
		}
		return
	}
}

// TakeRateToken takes one shared rate token, as a pool taking them one
// at a time would (the tests' shorthand for TakeRateTokens(…, 1)).
func (s *Store) TakeRateToken(ctx context.Context, account string, n int, per time.Duration) (time.Duration, bool, error) {
	got, _, wait, err := s.TakeRateTokens(ctx, account, n, per, 1)
	return wait, got > 0, err
}
