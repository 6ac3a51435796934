// Package storetest sets up and inspects a herald database for the tests
// of other packages, so that they never write SQL against the store's
// tables. Every helper fails the test on an error: a fixture cannot turn
// silently into a no-op when the schema changes. Where the store has a
// public method for a step, the helper goes through it, so fixtures are
// made the way the daemon makes them.
package storetest

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/herald-mail/herald/daemon/store"
	"github.com/herald-mail/herald/daemon/store/internal/raw"
)

// Contact is one contact to import with AddContacts. Empty columns are
// left as stored, as an import file's empty cells are.
type Contact struct {
	Email    string
	Name     string
	Language string
	Country  string
	Fields   map[string]string // the file's other columns
}

// AddContacts imports cs into list (created when missing) in one import,
// as `lists import` does, and returns their contact ids in order. A
// contact already stored keeps its other columns and gains cs's fields.
func AddContacts(tb testing.TB, s *store.Store, list string, cs ...Contact) []int64 {
	tb.Helper()
	ctx := context.Background()
	err := s.ImportList(ctx, list, false, func(li *store.ListImport) error {
		for i, c := range cs {
			r, err := contactRow(c)
			if err != nil {
				return err
			}
			if _, _, err := li.Upsert(&r, i+2); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("storetest: import into %s: %v", list, err)
	}
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = ContactByEmail(tb, s, c.Email).ID
	}
	return ids
}

// contactRow is c as an import file's row gives it.
func contactRow(c Contact) (store.ContactRow, error) {
	key, err := store.EmailKey(c.Email)
	if err != nil {
		return store.ContactRow{}, err
	}
	r := store.ContactRow{Email: c.Email, Key: key}
	for col, v := range map[string]string{"name": c.Name, "language": c.Language, "country": c.Country} {
		for i, k := range store.KnownColumns {
			if k == col && v != "" {
				r.Known[i], r.Has[i] = v, true
			}
		}
	}
	for name, v := range c.Fields {
		r.Fields = append(r.Fields, store.Field{Name: name, Value: v})
	}
	slices.SortFunc(r.Fields, func(a, b store.Field) int { return strings.Compare(a.Name, b.Name) })
	return r, nil
}

// ContactByEmail returns the contact of email, failing the test when
// there is none.
func ContactByEmail(tb testing.TB, s *store.Store, email string) *store.Contact {
	tb.Helper()
	c, err := s.ContactByEmail(context.Background(), email)
	if err != nil || c == nil {
		tb.Fatalf("storetest: contact %s: %v, %v", email, c, err)
	}
	return c
}

// ContactDetail returns the contact of email with its lists and history.
func ContactDetail(tb testing.TB, s *store.Store, email string) *store.ContactDetail {
	tb.Helper()
	d, err := s.Contact(context.Background(), email)
	if err != nil {
		tb.Fatalf("storetest: %v", err)
	}
	return d
}

// MarkBounced marks the contact of email bounced the way a permanent
// failure does (a "bounce" event with status 5.1.1).
func MarkBounced(tb testing.TB, s *store.Store, email string) {
	tb.Helper()
	id := ContactByEmail(tb, s, email).ID
	err := s.Inbox(context.Background(), func(t *store.InboxTx) error {
		_, err := t.RecordBounce(id, "5.1.1", "storetest", "test", true, false)
		return err
	})
	if err != nil {
		tb.Fatalf("storetest: mark %s bounced: %v", email, err)
	}
}

// SetRSVP records rsvp (accepted, declined, maybe) as the answer of the
// contact of email.
func SetRSVP(tb testing.TB, s *store.Store, email, rsvp string) {
	tb.Helper()
	id := ContactByEmail(tb, s, email).ID
	err := s.Inbox(context.Background(), func(t *store.InboxTx) error {
		_, err := t.SetRSVP(id, rsvp, "test", "storetest")
		return err
	})
	if err != nil {
		tb.Fatalf("storetest: set rsvp of %s to %s: %v", email, rsvp, err)
	}
}

// AddEvent writes e into the history of the contact of email as it is,
// at e.At (a time in the past, which no store method writes); e.List,
// when set, names a list the contact is on.
func AddEvent(tb testing.TB, s *store.Store, email string, e store.ContactEvent) {
	tb.Helper()
	id := ContactByEmail(tb, s, email).ID
	_, err := raw.DB(s).Exec(`INSERT INTO contact_events (contact_id, list_id, kind, value, actor, detail, at)
		VALUES (?, (SELECT id FROM lists WHERE name = ?), ?, ?, ?, ?, ?)`,
		id, e.List, e.Kind, e.Value, e.Actor, e.Detail, raw.Time(e.At))
	if err != nil {
		tb.Fatalf("storetest: add %s event to %s: %v", e.Kind, email, err)
	}
}

// MemberStatus is the stored subscription (subscribed or unsubscribed)
// of the contact of email on list, whatever its bounce mark, which
// store.Contact's effective status would put first.
func MemberStatus(tb testing.TB, s *store.Store, email, list string) string {
	tb.Helper()
	key, err := store.EmailKey(email)
	if err != nil {
		tb.Fatalf("storetest: %v", err)
	}
	var status string
	err = raw.DB(s).QueryRow(`SELECT m.status FROM list_members m JOIN lists l ON l.id = m.list_id
		JOIN contacts c ON c.id = m.contact_id WHERE c.email_key = ? AND l.name = ?`, key, list).Scan(&status)
	if err != nil {
		tb.Fatalf("storetest: status of %s on %s: %v", email, list, err)
	}
	return status
}

// IncomingMessage returns the row of the incoming message at uid.
func IncomingMessage(tb testing.TB, s *store.Store, uid uint32) *store.MessageRow {
	tb.Helper()
	var id int64
	err := raw.DB(s).QueryRow(`SELECT id FROM messages WHERE direction = 'in' AND uid = ?`, uid).Scan(&id)
	if err == nil {
		var m *store.MessageRow
		if m, err = s.Message(context.Background(), id); err == nil {
			return m
		}
	}
	tb.Fatalf("storetest: incoming message UID %d: %v", uid, err)
	return nil
}

// IncomingKinds returns the kind herald recorded for every incoming
// message, by UID.
func IncomingKinds(tb testing.TB, s *store.Store) map[uint32]string {
	tb.Helper()
	rows, err := raw.DB(s).Query(`SELECT uid, kind FROM messages WHERE direction = 'in'`)
	if err != nil {
		tb.Fatalf("storetest: incoming kinds: %v", err)
	}
	defer rows.Close()
	kinds := map[uint32]string{}
	for rows.Next() {
		var uid uint32
		var kind string
		if err := rows.Scan(&uid, &kind); err != nil {
			tb.Fatalf("storetest: incoming kinds: %v", err)
		}
		kinds[uid] = kind
	}
	if err := rows.Err(); err != nil {
		tb.Fatalf("storetest: incoming kinds: %v", err)
	}
	return kinds
}

// FailEnquiries makes recording an enquiry with this subject fail with
// reason, the way a full disk or a broken database would.
func FailEnquiries(tb testing.TB, s *store.Store, subject, reason string) {
	tb.Helper()
	// A trigger's body cannot take parameters: quote them as literals.
	err := raw.FailTrigger(s, "storetest_fail_enquiry", "enquiries", "INSERT", "NEW.subject = "+quote(subject), quote(reason))
	if err != nil {
		tb.Fatalf("storetest: fail enquiries %q: %v", subject, err)
	}
}

// quote is s as an SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
