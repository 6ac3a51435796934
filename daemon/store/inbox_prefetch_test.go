package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// lookups is every answer Prefetch serves for keys, as text.
func lookups(tx *InboxTx, account string, keys []MessageKey) string {
	var b strings.Builder
	row := func(m *MessageRow) string {
		if m == nil {
			return "none"
		}
		return fmt.Sprintf("%d %q %d", m.ID, m.Folder, m.EnquiryID)
	}
	for _, k := range keys {
		m, err := tx.SeenBefore(account, k.MessageID, k.Hash)
		fmt.Fprintf(&b, "%s: seen %s %v;", k.MessageID+k.Hash, row(m), err)
		var err1 error
		for _, a := range append([]string{k.From}, k.Contacts...) {
			c, err := tx.ContactByAddress(a)
			if c != nil {
				fmt.Fprintf(&b, " contact %d %s", c.ID, c.Email)
			}
			err1 = errors.Join(err1, err)
		}
		e, err2 := tx.EnquiryByMessageIDs(account, k.Refs)
		if e != nil {
			fmt.Fprintf(&b, " enquiry %s", e.Ref)
		}
		ours, err3 := tx.SentByUs(account, k.Refs)
		d, err4 := tx.DeliveryByMessageIDs(k.Refs)
		if d != nil {
			fmt.Fprintf(&b, " delivery %d %s %s", d.ID, d.MessageID, d.SentAt.Format(time.RFC3339))
		}
		fmt.Fprintf(&b, " ours %v; %v\n", ours, errors.Join(err1, err2, err3, err4))
	}
	return b.String()
}

// fromDatabase is lookups answered by the database alone.
func fromDatabase(tx *InboxTx, account string, keys []MessageKey) string {
	pre, ids := tx.pre, tx.contactIDs
	tx.pre, tx.contactIDs = nil, nil
	defer func() { tx.pre, tx.contactIDs = pre, ids }()
	return lookups(tx, account, keys)
}

// sameAsDatabase fails the test when what was prefetched answers
// otherwise than the database would.
func sameAsDatabase(t *testing.T, tx *InboxTx, step string, keys []MessageKey) {
	t.Helper()
	for _, account := range []string{"habitat", "iom"} {
		if got, want := lookups(tx, account, keys), fromDatabase(tx, account, keys); got != want {
			t.Errorf("%s, account %s: prefetched answers\n%s\nthe database's\n%s", step, account, got, want)
		}
	}
}

// prefetchFixture is a store holding wave messages 1 to 3 (1 and 2 sent),
// their contacts, and messages of habitat: an enquiry's first@x, our
// acknowledgement of it, two copies of copy@x, and a message without
// Message-ID.
func prefetchFixture(t *testing.T) *Store {
	s := plannedOutbox(t, 3)
	ctx := context.Background()
	if _, err := s.db.Exec(`UPDATE deliveries SET state = 'sent', sent_at = ? WHERE id IN (1, 2)`, ts(time.Now())); err != nil {
		t.Fatal(err)
	}
	err := s.Inbox(ctx, func(tx *InboxTx) error {
		_, eid, err := tx.NewEnquiry("GCCM", Enquiry{Account: "habitat", Mailbox: "INBOX", From: "a@x.org", ReceivedAt: time.Now()})
		if err != nil {
			return err
		}
		for i, m := range []MessageRow{
			{Direction: "in", MessageID: "first@x", Folder: "Triage/Visa", EnquiryID: eid},
			{Direction: "out", MessageID: "ack@un.org", EnquiryID: eid},
			{Direction: "in", MessageID: "copy@x", Folder: "A"},
			{Direction: "in", MessageID: "copy@x", Folder: "B"},
			{Direction: "in", Hash: "h-old", Folder: "Triage/Bounces"},
		} {
			m.Account, m.Mailbox, m.UIDValidity, m.UID, m.Kind = "habitat", "INBOX", 1, uint32(i+1), "enquiry"
			if _, err := tx.AddMessage(m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestPrefetchAnswersAsTheDatabase: after Prefetch the look-ups answer
// what the database would, also once the batch records messages: a
// second copy of a message of the same batch is its duplicate, a reply
// to it joins its enquiry, and a message whose Try failed is forgotten.
func TestPrefetchAnswersAsTheDatabase(t *testing.T) {
	s := prefetchFixture(t)
	mayor := "Mayor.000001@City.example"
	keys := []MessageKey{
		{MessageID: "first@x", From: mayor, Contacts: []string{"mayor.000002@city.example", "gone@else.example"}},
		{MessageID: "copy@x", From: "stranger@else.example", Refs: []string{"first@x", "<00000000000000000000000001@un.org>"}},
		{MessageID: "new@x", From: mayor, Refs: []string{"ack@un.org", "00000000000000000000000002@un.org", "00000000000000000000000003@un.org"}},
		{Hash: "h-old", From: "not an address"},
		{Hash: "h-new"},
		{MessageID: "new@x", From: mayor},
		{Hash: "h-new"},
		{MessageID: "reply@x", Refs: []string{"new@x"}},
		{MessageID: "rolled@x", Refs: []string{"rolled@x"}},
		{Hash: "h-rolled"},
	}
	boom := errors.New("boom")
	err := s.Inbox(context.Background(), func(tx *InboxTx) error {
		if err := tx.Prefetch("habitat", keys); err != nil {
			return err
		}
		sameAsDatabase(t, tx, "after Prefetch", keys)
		for _, k := range keys {
			_, seen := tx.pre.seen("habitat", k.MessageID, k.Hash)
			_, thread := tx.pre.facts("habitat", k.Refs)
			_, delivery := tx.pre.delivery(cleanIDs(k.Refs))
			contact := true
			for _, a := range append([]string{k.From}, k.Contacts...) {
				if key, err := EmailKey(a); err == nil {
					_, known := tx.contactIDs[key]
					contact = contact && known
				}
			}
			if !seen || !thread || !delivery || !contact {
				t.Errorf("%+v: prefetched %v %v %v %v; want every look-up answered without a query", k, seen, thread, delivery, contact)
			}
		}
		for i, k := range keys {
			failed, err := tx.Try(func() error {
				first, err := tx.SeenBefore("habitat", k.MessageID, k.Hash)
				if err != nil || first != nil {
					return err
				}
				m := MessageRow{Account: "habitat", Direction: "in", Mailbox: "INBOX", UIDValidity: 2, UID: uint32(i + 1),
					MessageID: k.MessageID, Hash: k.Hash, Folder: "F" + k.MessageID, Kind: "enquiry"}
				if _, m.EnquiryID, err = tx.NewEnquiry("GCCM", Enquiry{Account: "habitat", Mailbox: "INBOX", ReceivedAt: time.Now()}); err != nil {
					return err
				}
				if _, err := tx.AddMessage(m); err != nil {
					return err
				}
				if strings.Contains(k.MessageID+k.Hash, "rolled") {
					return boom
				}
				return nil
			})
			if err != nil {
				return err
			}
			if want := strings.Contains(k.MessageID+k.Hash, "rolled"); (failed != nil) != want {
				t.Errorf("key %d: Try() = %v", i, failed)
			}
			sameAsDatabase(t, tx, fmt.Sprintf("after key %d (%s)", i, k.MessageID+k.Hash), keys)
		}
		for _, c := range []struct {
			id, hash string
			want     bool
		}{{"new@x", "", true}, {"", "h-new", true}, {"rolled@x", "", false}, {"", "h-rolled", false}} {
			if m, err := tx.SeenBefore("habitat", c.id, c.hash); err != nil || (m != nil) != c.want {
				t.Errorf("SeenBefore(%q, %q) = %+v, %v; want seen %v", c.id, c.hash, m, err, c.want)
			}
		}
		e, err := tx.EnquiryByMessageIDs("habitat", []string{"new@x"})
		if err != nil || e == nil || e.Ref != "GCCM-0002" {
			t.Errorf("EnquiryByMessageIDs(new@x) = %+v, %v; want new@x's GCCM-0002, made in this batch", e, err)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Inbox() = %v", err)
	}
}

// TestPrefetchRetriedTransaction: a transaction PostgreSQL fails with a
// serialization failure runs again without what its first run
// prefetched or recorded.
func TestPrefetchRetriedTransaction(t *testing.T) {
	postgresOnly(t)
	s := openTest(t)
	keys := []MessageKey{{MessageID: "once@x"}}
	runs := 0
	err := s.Inbox(context.Background(), func(tx *InboxTx) error {
		runs++
		if tx.pre != nil || tx.contactIDs != nil {
			t.Errorf("run %d begins with a cache", runs)
		}
		if err := tx.Prefetch("habitat", keys); err != nil {
			return err
		}
		first, err := tx.SeenBefore("habitat", "once@x", "")
		if err != nil || first != nil {
			t.Errorf("run %d: SeenBefore(once@x) = %+v, %v; want none", runs, first, err)
		}
		if _, err := tx.AddMessage(MessageRow{Account: "habitat", Direction: "in", Mailbox: "INBOX", UIDValidity: 1, UID: 1,
			MessageID: "once@x", Kind: "enquiry"}); err != nil {
			return err
		}
		if runs == 1 {
			return &pgconn.PgError{Code: "40001", Message: "could not serialize access (test)"}
		}
		return nil
	})
	if err != nil || runs != 2 {
		t.Fatalf("Inbox() = %v after %d runs, want success on the second", err, runs)
	}
}

// TestNewEnquiryReferences: NewEnquiry hands out NextRef's references,
// on one counter with it, wider than four digits past 9999, and stores
// the enquiry as AddEnquiry does.
func TestNewEnquiryReferences(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	received := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	var refs []string
	err := s.Inbox(ctx, func(tx *InboxTx) error {
		refs = refs[:0]
		add := func(suppressed string) error {
			ref, id, err := tx.NewEnquiry("GCCM", Enquiry{Ref: "ignored", Account: "habitat", Mailbox: "INBOX", From: "a@x.org",
				FromName: "A", Subject: "Visa", Category: "visa", Language: "fr", ReceivedAt: received, AckSuppressed: suppressed})
			if err == nil && id == 0 {
				err = fmt.Errorf("enquiry %s without id", ref)
			}
			refs = append(refs, ref)
			return err
		}
		if err := errors.Join(add(""), add("rule: acknowledge false")); err != nil {
			return err
		}
		ref, err := tx.NextRef("GCCM")
		refs = append(refs, ref)
		if err != nil {
			return err
		}
		if _, err := tx.tx.ExecContext(tx.ctx, `UPDATE counters SET value = 9999 WHERE name = 'ref:GCCM'`); err != nil {
			return err
		}
		return errors.Join(add(""), add(""))
	})
	if err != nil {
		t.Fatalf("Inbox() = %v", err)
	}
	if got := strings.Join(refs, " "); got != "GCCM-0001 GCCM-0002 GCCM-0003 GCCM-10000 GCCM-10001" {
		t.Errorf("references = %s", got)
	}
	e, err := s.EnquiryByRef(ctx, "GCCM-0002")
	if err != nil || e == nil {
		t.Fatalf("EnquiryByRef(GCCM-0002) = %v, %v", e, err)
	}
	got := fmt.Sprintf("%s %s %s %s %s %s %s %s %s %v", e.Account, e.Mailbox, e.From, e.FromName, e.Subject, e.Category,
		e.Language, e.Status, e.AckSuppressed, e.ReceivedAt.Equal(received))
	if want := "habitat INBOX a@x.org A Visa visa fr open rule: acknowledge false true"; got != want {
		t.Errorf("GCCM-0002 = %s, want %s", got, want)
	}
	if e, _ := s.EnquiryByRef(ctx, "GCCM-0001"); e == nil || e.AckSuppressed != "" {
		t.Errorf("GCCM-0001 = %+v, want one with no suppression", e)
	}
}

// TestPrefetchLeavesOddKeys: a key PostgreSQL cannot take as text
// (invalid UTF-8, NUL) does not fail the batch's Prefetch: it is left to
// its message's own look-up, and the other keys are prefetched.
func TestPrefetchLeavesOddKeys(t *testing.T) {
	s := openTest(t)
	keys := []MessageKey{
		{MessageID: "bad\xff@x", From: "bad\xff@x.org", Refs: []string{"nul\x00@x"}},
		{MessageID: "good@x", From: "good@x.org", Refs: []string{"parent@x"}},
	}
	err := s.Inbox(context.Background(), func(tx *InboxTx) error {
		if err := tx.Prefetch("habitat", keys); err != nil {
			return err
		}
		if _, known := tx.pre.seen("habitat", "bad\xff@x", ""); known {
			t.Error("an invalid Message-ID was prefetched")
		}
		if _, known := tx.pre.facts("habitat", keys[0].Refs); known {
			t.Error("a Message-ID with NUL was prefetched")
		}
		_, seen := tx.pre.seen("habitat", "good@x", "")
		_, thread := tx.pre.facts("habitat", keys[1].Refs)
		if !seen || !thread {
			t.Errorf("good@x prefetched: seen %v, thread %v; want both", seen, thread)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Inbox() = %v", err)
	}
}
