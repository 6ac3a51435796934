package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// TestInboxActionsWrittenAtCommit: the actions of an Inbox transaction are
// written together when its function returns, in the order they were
// added, over several INSERTs when there are many; a failing function
// writes none.
func TestInboxActionsWrittenAtCommit(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	n := 2*rowsPerInsert + 7
	err := s.Inbox(ctx, func(tx *InboxTx) error {
		for i := range n {
			id, err := tx.AddMessage(MessageRow{Account: "habitat", Direction: "in", Mailbox: "INBOX", UIDValidity: 9,
				UID: uint32(i + 1), MessageID: fmt.Sprintf("m%d@x", i), From: "a@x.org", Kind: "enquiry", Date: time.Now()})
			if err != nil {
				return err
			}
			kind, arg := "move", fmt.Sprintf("Triage/F%d", i%3)
			if i%2 == 0 {
				kind, arg = "flag", `\Flagged`
			}
			if err := tx.AddAction(Action{Account: "habitat", Mailbox: "INBOX", UIDValidity: 9, UID: uint32(i + 1),
				Kind: kind, Arg: arg, Message: id}); err != nil {
				return err
			}
		}
		return tx.SetMark("habitat", "INBOX", 9, uint32(n))
	})
	if err != nil {
		t.Fatalf("Inbox() = %v", err)
	}
	acts, err := s.PendingIMAP(ctx, "habitat", "INBOX", 9)
	if err != nil {
		t.Fatal(err)
	}
	if len(acts) != n {
		t.Fatalf("%d actions pending, want %d", len(acts), n)
	}
	for i, a := range acts {
		kind, arg := "move", fmt.Sprintf("Triage/F%d", i%3)
		if i%2 == 0 {
			kind, arg = "flag", `\Flagged`
		}
		if a.UID != uint32(i+1) || a.Kind != kind || a.Arg != arg || a.Message == 0 || (i > 0 && a.ID <= acts[i-1].ID) {
			t.Fatalf("action %d = %+v, want UID %d %s %s in order", i, a, i+1, kind, arg)
		}
	}

	boom := errors.New("boom")
	err = s.Inbox(ctx, func(tx *InboxTx) error {
		if err := tx.AddAction(Action{Account: "habitat", Mailbox: "INBOX", UIDValidity: 9, UID: 1, Kind: "move", Arg: "X", Message: acts[0].Message}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Inbox() = %v, want boom", err)
	}
	if again, _ := s.PendingIMAP(ctx, "habitat", "INBOX", 9); len(again) != n {
		t.Errorf("%d actions after a failed transaction, want %d", len(again), n)
	}
}

func TestRateKey(t *testing.T) {
	for in, want := range map[string]string{
		"Victim@Example.org":         "victim@example.org",
		"victim+7@example.org":       "victim@example.org",
		" VICTIM+a+b@Example.ORG ":   "victim@example.org",
		"+only@example.org":          "+only@example.org", // no local part left to keep
		"victim+@example.org":        "victim@example.org",
		"list-bounces+a=b@x.org":     "list-bounces@x.org",
		"no-at-sign":                 "no-at-sign",
		"first.last-tag@example.org": "first.last-tag@example.org",
	} {
		if got := RateKey(in); got != want {
			t.Errorf("RateKey(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestAutoReplyLimits: the per-address limits count subaddresses and case
// as one address; the per-account count sees this account's messages of
// the window alone.
func TestAutoReplyLimits(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	now := time.Date(2017, 10, 2, 9, 0, 0, 0, time.UTC)
	err := s.Inbox(ctx, func(tx *InboxTx) error {
		add := func(account, to, kind string, at time.Time) {
			if err := tx.AddAutoReply(account, to, kind, fmt.Sprintf("%d@un.org", at.UnixNano()), at); err != nil {
				t.Fatal(err)
			}
		}
		add("habitat", "victim@example.org", "ack", now.Add(-2*time.Hour)) // outside the window
		add("iom", "other@example.org", "ack", now.Add(-90*time.Minute))
		for i := range 5 {
			add("habitat", fmt.Sprintf("Victim+%d@Example.org", i), "ack", now.Add(time.Duration(i-30)*time.Minute))
		}
		add("iom", "someone@example.org", "ack", now.Add(-10*time.Minute))
		add("habitat", "mayor@city.example", "unsubscribed", now.Add(-5*time.Minute))

		since := now.Add(-time.Hour)
		if n, err := tx.AutoRepliesSince("VICTIM+99@example.org", since); err != nil || n != 5 {
			t.Errorf("AutoRepliesSince(victim+99) = %d, %v; want 5", n, err)
		}
		if n, err := tx.AccountAutoRepliesSince("habitat", since); err != nil || n != 6 {
			t.Errorf("AccountAutoRepliesSince(habitat) = %d, %v; want 6", n, err)
		}
		if n, err := tx.AccountAutoRepliesSince("iom", since); err != nil || n != 1 {
			t.Errorf("AccountAutoRepliesSince(iom) = %d, %v; want 1", n, err)
		}
		if acked, err := tx.AckedSince("habitat", "victim+x@EXAMPLE.org", since); err != nil || !acked {
			t.Errorf("AckedSince(victim+x) = %v, %v; want true", acked, err)
		}
		if ever, err := tx.AutoRepliedEver("habitat", "Mayor+list@city.example", "unsubscribed"); err != nil || !ever {
			t.Errorf("AutoRepliedEver(mayor+list) = %v, %v; want true", ever, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// BenchmarkInboxRecord is what the inbox writes for one new enquiry, in
// a batch of 10 per transaction as the watcher commits them: the
// duplicate and thread look-ups (prefetched for the batch, as the triage
// does), the message, its reference and enquiry, the acknowledgement's
// rate checks and log, its action, and the mark (per message):
//
//	go test ./daemon/store -run '^$' -bench InboxRecord -benchmem
func BenchmarkInboxRecord(b *testing.B) { b.Run(testEngine, benchmarkInboxRecord) }

func benchmarkInboxRecord(b *testing.B) {
	s := openTest(b)
	ctx := context.Background()
	const batch = 10
	uid := uint32(0)
	b.ReportAllocs()
	for b.Loop() {
		err := s.Inbox(ctx, func(tx *InboxTx) error {
			keys := make([]MessageKey, batch)
			for i := range keys {
				n := uid + uint32(i) + 1
				keys[i] = MessageKey{MessageID: fmt.Sprintf("m%d@city.example", n), Hash: "hash",
					From: fmt.Sprintf("sender.%d@city.example", n), Refs: []string{"parent@city.example"}}
			}
			if err := tx.Prefetch("habitat", keys); err != nil {
				return err
			}
			for range batch {
				uid++
				if err := recordEnquiry(tx, uid); err != nil {
					return err
				}
			}
			return tx.SetMark("habitat", "INBOX", 1, uid)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(max(uid, 1)), "ns/message")
}

// recordEnquiry is the inbox's writes for one new enquiry, uid.
func recordEnquiry(tx *InboxTx, uid uint32) error {
	from := fmt.Sprintf("sender.%d@city.example", uid)
	msgID := fmt.Sprintf("m%d@city.example", uid)
	if m, err := tx.SeenBefore("habitat", msgID, "hash"); err != nil || m != nil {
		return fmt.Errorf("SeenBefore = %v, %v", m, err)
	}
	if _, err := tx.EnquiryByMessageIDs("habitat", []string{"parent@city.example"}); err != nil {
		return err
	}
	now := time.Now()
	_, eid, err := tx.NewEnquiry("GCCM", Enquiry{Account: "habitat", Mailbox: "INBOX", From: from, Subject: "Visa", Category: "visa", ReceivedAt: now})
	if err != nil {
		return err
	}
	mid, err := tx.AddMessage(MessageRow{Account: "habitat", Direction: "in", Mailbox: "INBOX", UIDValidity: 1, UID: uid,
		MessageID: msgID, Hash: "hash", From: from, Subject: "Visa", Kind: "enquiry", EnquiryID: eid})
	if err != nil {
		return err
	}
	if _, err := tx.AutoRepliesSince(from, now.Add(-time.Hour)); err != nil {
		return err
	}
	if _, err := tx.AckedSince("habitat", from, now.Add(-24*time.Hour)); err != nil {
		return err
	}
	if err := tx.AddAutoReply("habitat", from, "ack", "ack-"+msgID, now); err != nil {
		return err
	}
	return tx.AddAction(Action{Account: "habitat", Mailbox: "INBOX", UIDValidity: 1, UID: uid, Kind: "ack", Arg: "{}", Message: mid})
}
