package store

import (
	"context"
	"testing"
)

func TestReserveSendHoldsTheCap(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	reserve := func(account, day string, limit int) bool {
		t.Helper()
		ok, err := s.ReserveSend(ctx, account, day, limit)
		if err != nil {
			t.Fatalf("ReserveSend(%s, %s, %d) = %v", account, day, limit, err)
		}
		return ok
	}
	for i := range 3 {
		if !reserve("a", "2026-03-01", 3) {
			t.Fatalf("reservation %d refused under the cap", i+1)
		}
	}
	if reserve("a", "2026-03-01", 3) {
		t.Error("fourth reservation accepted with cap 3")
	}
	if !reserve("b", "2026-03-01", 3) || !reserve("a", "2026-03-02", 3) {
		t.Error("another account or day shares the count")
	}
	if err := s.ReleaseSend(ctx, "a", "2026-03-01"); err != nil {
		t.Fatalf("ReleaseSend = %v", err)
	}
	if !reserve("a", "2026-03-01", 3) {
		t.Error("reservation refused after a release")
	}
	if !reserve("a", "2026-03-01", 0) {
		t.Error("limit 0 should mean no limit")
	}
	s.Close()

	s2, err := Open(ctx, s.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if n, err := s2.SendCount(ctx, "a", "2026-03-01"); err != nil || n != 4 {
		t.Errorf("SendCount after reopen = %d, %v; want 4", n, err)
	}
	if n, err := s2.SendCount(ctx, "c", "2026-03-01"); err != nil || n != 0 {
		t.Errorf("SendCount of an unknown account = %d, %v; want 0", n, err)
	}
	// Releasing more than was reserved never goes below zero.
	for range 2 {
		if err := s2.ReleaseSend(ctx, "b", "2026-03-01"); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := s2.SendCount(ctx, "b", "2026-03-01"); n != 0 {
		t.Errorf("count after over-release = %d, want 0", n)
	}
}
