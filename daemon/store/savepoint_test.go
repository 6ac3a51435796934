package store

import (
	"context"
	"fmt"
	"testing"
)

// TestTryAfterFailedStatement: a message whose statement the database
// refuses (on PostgreSQL that aborts the transaction until ROLLBACK TO)
// is undone alone; the messages before and after it, each in a savepoint
// the next Try releases on PostgreSQL, are committed.
func TestTryAfterFailedStatement(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	err := s.Inbox(ctx, func(tx *InboxTx) error {
		for uid := uint32(1); uid <= 4; uid++ {
			failed, err := tx.Try(func() error {
				if _, err := tx.AddMessage(MessageRow{Account: "habitat", Direction: "in", Mailbox: "INBOX", UIDValidity: 1, UID: uid,
					MessageID: fmt.Sprintf("m%d@x", uid), Kind: "enquiry"}); err != nil {
					return err
				}
				if uid == 2 {
					_, err := tx.tx.ExecContext(tx.ctx, `INSERT INTO no_such_table VALUES (1)`)
					return err
				}
				return nil
			})
			if err != nil {
				return err
			}
			if (failed != nil) != (uid == 2) {
				t.Errorf("UID %d: Try() failed = %v", uid, failed)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Inbox() = %v", err)
	}
	var uids []uint32
	rows, err := s.db.Query(`SELECT uid FROM messages ORDER BY uid`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var u uint32
		rows.Scan(&u)
		uids = append(uids, u)
	}
	if fmt.Sprint(uids) != "[1 3 4]" {
		t.Errorf("messages recorded: UIDs %v, want [1 3 4]", uids)
	}
}
