package store

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// addEnquiries makes n enquiries, one a minute apart, alternating two
// accounts; the third has a distinctive subject.
func addEnquiries(t *testing.T, s *Store, n int) {
	t.Helper()
	base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	err := s.Inbox(context.Background(), func(tx *InboxTx) error {
		for i := range n {
			acct := []string{"habitat", "unep"}[i%2]
			subject := fmt.Sprintf("question %d", i)
			if i == 2 {
				subject = "Visa letter 50% urgent"
			}
			if _, err := tx.AddEnquiry(Enquiry{Ref: fmt.Sprintf("T-%04d", i+1), Account: acct, Mailbox: "INBOX",
				From: fmt.Sprintf("p%d@x.org", i), Subject: subject, Category: "general", ReceivedAt: base.Add(time.Duration(i) * time.Minute)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestEnquiryActionsRecorded: each change is recorded with its actor; a
// change to the state already held records nothing; reopening returns
// to open.
func TestEnquiryActionsRecorded(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	addEnquiries(t, s, 1)
	steps := []struct {
		kind, actor string
		changed     bool
		status      string
	}{
		{EnquiryClose, "web:alice", true, "closed"},
		{EnquiryClose, "web:alice", false, "closed"},
		{EnquiryReopen, "cli:root", true, "open"},
		{EnquiryAnswered, "api:token", true, "answered"},
	}
	for _, st := range steps {
		ok, err := s.SetEnquiryStatus(ctx, "t-0001", st.kind, st.actor)
		if err != nil || ok != st.changed {
			t.Fatalf("%s = %v, %v; want changed %v", st.kind, ok, err, st.changed)
		}
		e, _ := s.EnquiryByRef(ctx, "T-0001")
		if e.Status != st.status {
			t.Errorf("after %s: status %s, want %s", st.kind, e.Status, st.status)
		}
	}
	if ok, err := s.SetEnquiryCategory(ctx, "T-0001", "visa", "web:bob"); !ok || err != nil {
		t.Fatalf("category: %v %v", ok, err)
	}
	e, _ := s.EnquiryByRef(ctx, "T-0001")
	ev, err := s.EnquiryEvents(ctx, e.ID)
	if err != nil || len(ev) != 4 || e.Category != "visa" {
		t.Fatalf("events %v, %v; category %s", ev, err, e.Category)
	}
	if ev[0].Actor != "web:alice" || ev[1].Kind != EnquiryReopen || ev[3].Value != "visa" || ev[3].Actor != "web:bob" {
		t.Errorf("events %+v", ev)
	}
	if _, err := s.SetEnquiryStatus(ctx, "T-9999", EnquiryClose, "x"); err == nil {
		t.Error("unknown enquiry: no error")
	}
}

// TestEnquiryPage: filters, search (with LIKE's wildcards taken
// literally), account limits, paging and the total.
func TestEnquiryPage(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	addEnquiries(t, s, 25)
	page, total, err := s.EnquiryPage(ctx, EnquiryQuery{Limit: 10, Offset: 20})
	if err != nil || total != 25 || len(page) != 5 || page[0].Ref != "T-0021" {
		t.Fatalf("page 3: %d rows, total %d, %v", len(page), total, err)
	}
	page, total, _ = s.EnquiryPage(ctx, EnquiryQuery{Accounts: []string{"unep"}, Limit: 100})
	if total != 12 || page[0].Account != "unep" {
		t.Errorf("unep: total %d", total)
	}
	if _, total, _ = s.EnquiryPage(ctx, EnquiryQuery{Accounts: []string{}}); total != 0 {
		t.Errorf("no accounts: total %d", total)
	}
	page, total, _ = s.EnquiryPage(ctx, EnquiryQuery{Search: "50%"})
	if total != 1 || page[0].Ref != "T-0003" {
		t.Errorf("search 50%%: total %d", total)
	}
	if _, total, _ = s.EnquiryPage(ctx, EnquiryQuery{Search: "t-0007"}); total != 1 {
		t.Errorf("search by ref: total %d", total)
	}
	s.SetEnquiryStatus(ctx, "T-0001", EnquiryClose, "x")
	counts, err := s.QueueCounts(ctx, nil)
	if err != nil || len(counts) != 2 || counts[0].Account != "unep" || counts[0].Open != 12 || counts[1].Open != 12 {
		t.Errorf("queue counts %+v, %v", counts, err)
	}
}
