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
	s := openTemp(t)
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
