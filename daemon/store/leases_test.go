package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestLeaseTakeRenewExpire: one holder at a time; the holder renews; an
// expired lease goes to the next taker, and lease_log keeps one row per
// holding, none overlapping.
func TestLeaseTakeRenewExpire(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	const name = "inbox habitat/INBOX"
	l, ok, err := s.TakeLease(ctx, name, "1@a", 200*time.Millisecond)
	if err != nil || !ok || l.Owner != "1@a" {
		t.Fatalf("first take = %+v, %v, %v; want taken by 1@a", l, ok, err)
	}
	l, ok, err = s.TakeLease(ctx, name, "2@b", time.Minute)
	if err != nil || ok || l.Owner != "1@a" {
		t.Fatalf("take while held = %+v, %v, %v; want refused, held by 1@a", l, ok, err)
	}
	r, ok, err := s.TakeLease(ctx, name, "1@a", 200*time.Millisecond)
	if err != nil || !ok || !r.Since.Equal(l.Since) {
		t.Fatalf("renewal = %+v, %v, %v; want the same holding (since %v)", r, ok, err, l.Since)
	}
	time.Sleep(250 * time.Millisecond)
	l, ok, err = s.TakeLease(ctx, name, "2@b", time.Minute)
	if err != nil || !ok || l.Owner != "2@b" {
		t.Fatalf("take after expiry = %+v, %v, %v; want taken by 2@b", l, ok, err)
	}
	if err := s.DropLease(ctx, name, "1@a"); err != nil {
		t.Fatal(err)
	}
	if ls, err := s.Leases(ctx); err != nil || len(ls) != 1 || ls[0].Owner != "2@b" {
		t.Fatalf("leases after a stale drop = %+v, %v; want 2@b's still", ls, err)
	}
	if err := s.DropLease(ctx, name, "2@b"); err != nil {
		t.Fatal(err)
	}
	if ls, err := s.Leases(ctx); err != nil || len(ls) != 0 {
		t.Fatalf("leases after the drop = %+v, %v; want none", ls, err)
	}
	log, err := s.LeaseLog(ctx)
	if err != nil || len(log) != 2 || log[0].Owner != "1@a" || log[1].Owner != "2@b" {
		t.Fatalf("lease_log = %+v, %v; want 1@a's holding then 2@b's", log, err)
	}
	if !log[0].Until.Before(log[1].Since) {
		t.Errorf("holdings overlap: %+v", log)
	}
	if !log[1].Until.Before(time.Now()) {
		t.Errorf("the dropped holding does not end at the drop: %+v", log[1])
	}
}

// TestLeaseFence: a transaction run under a lease its node no longer
// holds records nothing.
func TestLeaseFence(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	const name = "inbox habitat/INBOX"
	if _, ok, err := s.TakeLease(ctx, name, "1@a", 150*time.Millisecond); err != nil || !ok {
		t.Fatalf("take = %v, %v", ok, err)
	}
	fenced := WithLease(ctx, name, "1@a")
	mark := func(uid uint32) error {
		return s.Inbox(fenced, func(tx *InboxTx) error { return tx.SetMark("habitat", "INBOX", 7, uid) })
	}
	if err := mark(5); err != nil {
		t.Fatalf("recording under a held lease: %v", err)
	}
	time.Sleep(200 * time.Millisecond)
	if _, ok, err := s.TakeLease(ctx, name, "2@b", time.Minute); err != nil || !ok {
		t.Fatalf("take over = %v, %v", ok, err)
	}
	if err := mark(9); !errors.Is(err, ErrLeaseLost) {
		t.Fatalf("recording under a lost lease = %v; want ErrLeaseLost", err)
	}
	if last, err := s.LastUID(ctx, "habitat", "INBOX", 7); err != nil || last != 5 {
		t.Errorf("mark = %d, %v; want 5, the fenced write rolled back", last, err)
	}
	if err := s.Inbox(WithLease(ctx, name, "2@b"), func(tx *InboxTx) error { return tx.SetMark("habitat", "INBOX", 7, 9) }); err != nil {
		t.Errorf("recording by the new holder: %v", err)
	}
}

// TestLeaseFenceSingleStatement: a one-statement write (exec: a runtime
// fact, a send counted against the daily cap) from a node whose lease
// another node took over is refused and changes nothing, as a
// transaction's is; the new holder's goes through.
func TestLeaseFenceSingleStatement(t *testing.T) {
	a := openTest(t)
	ctx := context.Background()
	b, err := Open(ctx, a.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	const name = "acks habitat"
	if _, ok, err := a.TakeLease(ctx, name, "1@a", 150*time.Millisecond); err != nil || !ok {
		t.Fatalf("take = %v, %v", ok, err)
	}
	old := WithLease(ctx, name, "1@a")
	if err := a.SetRuntime(old, "fact", "by 1@a"); err != nil {
		t.Fatalf("write under a held lease: %v", err)
	}
	time.Sleep(200 * time.Millisecond)
	if _, ok, err := b.TakeLease(ctx, name, "2@b", time.Minute); err != nil || !ok {
		t.Fatalf("take over = %v, %v", ok, err)
	}
	if err := a.SetRuntime(old, "fact", "by 1@a, late"); !errors.Is(err, ErrLeaseLost) {
		t.Errorf("write under a lost lease = %v; want ErrLeaseLost", err)
	}
	if ok, err := a.ReserveSend(old, "habitat", "2025-05-01", 0); ok || !errors.Is(err, ErrLeaseLost) {
		t.Errorf("send counted under a lost lease = %v, %v; want ErrLeaseLost", ok, err)
	}
	if v, _, err := a.Runtime(ctx, "fact"); err != nil || v != "by 1@a" {
		t.Errorf("fact = %q, %v; want the write made while the lease was held", v, err)
	}
	if n, err := a.SendCount(ctx, "habitat", "2025-05-01"); err != nil || n != 0 {
		t.Errorf("sends counted = %d, %v; want 0", n, err)
	}
	if err := b.SetRuntime(WithLease(ctx, name, "2@b"), "fact", "by 2@b"); err != nil {
		t.Errorf("write by the new holder: %v", err)
	}
}
