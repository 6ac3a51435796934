package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// manyIDs is n message ids that match nothing, as a hostile References has.
func manyIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("ref-%d@thread.example", i)
	}
	return ids
}

// TestLookupsByManyIDs: 40,000 ids, more than SQLite's 32,766 variables,
// are looked up in chunks, and the newest match of any chunk wins.
func TestLookupsByManyIDs(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	ids := manyIDs(40000)
	err := s.Inbox(ctx, func(tx *InboxTx) error {
		for i, ref := range []string{"GCCM-0001", "GCCM-0002"} {
			e, err := tx.AddEnquiry(Enquiry{Ref: ref, Account: "habitat", Mailbox: "INBOX", From: "a@x.org", ReceivedAt: time.Now()})
			if err != nil {
				return err
			}
			// The older enquiry's message is named late in ids, the newer one's early.
			mid := ids[[]int{39990, 10}[i]]
			if _, err := tx.AddMessage(MessageRow{Account: "habitat", Direction: "in", Mailbox: "INBOX", UIDValidity: 1, UID: uint32(i + 1),
				MessageID: mid, From: "a@x.org", Kind: "enquiry", EnquiryID: e}); err != nil {
				return err
			}
		}
		_, err := tx.AddMessage(MessageRow{Account: "habitat", Direction: "out", MessageID: ids[35000], Kind: "ack"})
		return err
	})
	if err != nil {
		t.Fatalf("Inbox() = %v", err)
	}
	err = s.Inbox(ctx, func(tx *InboxTx) error {
		e, err := tx.EnquiryByMessageIDs("habitat", ids)
		if err != nil || e == nil || e.Ref != "GCCM-0002" {
			t.Errorf("EnquiryByMessageIDs(40,000 ids) = %+v, %v; want the newer GCCM-0002", e, err)
		}
		if none, err := tx.EnquiryByMessageIDs("habitat", ids[20000:30000]); none != nil || err != nil {
			t.Errorf("EnquiryByMessageIDs(no match) = %+v, %v", none, err)
		}
		if ours, err := tx.SentByUs("habitat", ids); !ours || err != nil {
			t.Errorf("SentByUs(40,000 ids) = %v, %v; want true", ours, err)
		}
		if d, err := tx.DeliveryByMessageIDs(ids); d != nil || err != nil {
			t.Errorf("DeliveryByMessageIDs(40,000 ids) = %+v, %v; want none", d, err)
		}
		if d, err := tx.LastDeliveryTo(1, ids); d != nil || err != nil {
			t.Errorf("LastDeliveryTo(40,000 waves) = %+v, %v; want none", d, err)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Inbox() = %v", err)
	}
}

// TestTryUndoesOneMessage: a failing Try undoes its writes and actions,
// and the rest of the transaction commits.
func TestTryUndoesOneMessage(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	add := func(tx *InboxTx, uid uint32) error {
		id, err := tx.AddMessage(MessageRow{Account: "habitat", Direction: "in", Mailbox: "INBOX", UIDValidity: 1, UID: uid,
			MessageID: fmt.Sprintf("m%d@x", uid), Kind: "enquiry"})
		if err != nil {
			return err
		}
		return tx.AddAction(Action{Account: "habitat", Mailbox: "INBOX", UIDValidity: 1, UID: uid, Kind: "move", Arg: "F", Message: id})
	}
	boom := errors.New("boom")
	err := s.Inbox(ctx, func(tx *InboxTx) error {
		for uid := uint32(1); uid <= 3; uid++ {
			failed, err := tx.Try(func() error {
				if err := add(tx, uid); err != nil {
					return err
				}
				switch uid {
				case 2:
					return boom
				case 3:
					panic("bug")
				}
				return nil
			})
			if err != nil {
				return err
			}
			if want := uid != 1; (failed != nil) != want {
				t.Errorf("UID %d: Try() failed = %v, want failure %v", uid, failed, want)
			}
		}
		return tx.SetMark("habitat", "INBOX", 1, 3)
	})
	if err != nil {
		t.Fatalf("Inbox() = %v", err)
	}
	acts, err := s.PendingIMAP(ctx, "habitat", "INBOX", 1)
	if err != nil || len(acts) != 1 || acts[0].UID != 1 {
		t.Errorf("PendingIMAP() = %+v, %v; want UID 1's move alone", acts, err)
	}
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM messages`).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d messages recorded (%v), want 1", n, err)
	}
	if last, _ := s.LastUID(ctx, "habitat", "INBOX", 1); last != 3 {
		t.Errorf("LastUID() = %d, want 3", last)
	}
}
