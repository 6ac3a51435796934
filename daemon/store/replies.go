package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// SentDelivery is a wave message as replies map back to it.
type SentDelivery struct {
	ID        int64
	Wave      string
	Run       int
	ContactID int64
	Email     string
	MessageID string
	SentAt    time.Time
}

// DeliveryByMessageIDs finds the wave message one of ids names (the
// In-Reply-To and References of a reply, or the Message-ID inside a
// bounce); nil when none does. deliveries_message_id serves it.
func (s *Store) DeliveryByMessageIDs(ctx context.Context, ids []string) (*SentDelivery, error) {
	return deliveryByMessageIDs(ctx, s.db, cleanIDs(ids))
}

// DeliveryByMessageIDs is Store.DeliveryByMessageIDs inside the batch.
func (t *InboxTx) DeliveryByMessageIDs(ids []string) (*SentDelivery, error) {
	clean := cleanIDs(ids)
	if d, known := t.pre.delivery(clean); known {
		return d, nil
	}
	return deliveryByMessageIDs(t.ctx, t.tx, clean)
}

// cleanIDs is ids without <> and blanks, as deliveries keep them.
func cleanIDs(ids []string) []string {
	var clean []string
	for _, id := range ids {
		if id = strings.Trim(strings.TrimSpace(id), "<>"); id != "" {
			clean = append(clean, id)
		}
	}
	return clean
}

// deliveryByMessageIDs looks up ids, cleaned (cleanIDs).
func deliveryByMessageIDs(ctx context.Context, db querier, clean []string) (*SentDelivery, error) {
	// The newest match of all chunks of ids wins.
	var found *SentDelivery
	err := inChunks(clean, func(chunk []any) (bool, error) {
		var d SentDelivery
		var sent sql.NullString
		err := db.QueryRowContext(ctx, `SELECT id, wave, run, contact_id, email, message_id, sent_at FROM deliveries
			WHERE message_id IN (`+placeholders(len(chunk))+`) AND state = 'sent' ORDER BY id DESC LIMIT 1`, chunk...).
			Scan(&d.ID, &d.Wave, &d.Run, &d.ContactID, &d.Email, &d.MessageID, &sent)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		if err == nil && (found == nil || d.ID > found.ID) {
			d.SentAt = parseTS(sent.String)
			found = &d
		}
		return false, err
	})
	return found, wrap(err, "look up wave messages by Message-ID")
}

// LastDeliveryTo finds the latest wave message sent to a contact by one
// of waves: the last-resort mapping of a reply by its sender's address.
func (t *InboxTx) LastDeliveryTo(contactID int64, waves []string) (*SentDelivery, error) {
	// The latest of all chunks' latest wins; sent_at sorts as text (tsLayout).
	var found *SentDelivery
	var latest string
	err := inChunks(waves, func(chunk []any) (bool, error) {
		var d SentDelivery
		var sent sql.NullString
		err := t.tx.QueryRowContext(t.ctx, `SELECT id, wave, run, contact_id, email, message_id, sent_at FROM deliveries
			WHERE contact_id = ? AND state = 'sent' AND wave IN (`+placeholders(len(chunk))+`) ORDER BY sent_at DESC LIMIT 1`,
			append([]any{contactID}, chunk...)...).
			Scan(&d.ID, &d.Wave, &d.Run, &d.ContactID, &d.Email, &d.MessageID, &sent)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		if err == nil && (found == nil || sent.String > latest) {
			d.SentAt, latest = parseTS(sent.String), sent.String
			found = &d
		}
		return false, err
	})
	return found, wrap(err, "look up the last wave message to contact %d", contactID)
}

// ContactByID reads one contact; nil if none.
func (s *Store) ContactByID(ctx context.Context, id int64) (*Contact, error) {
	return contactByID(ctx, s.db, id)
}

// ContactByAddress finds a contact by address inside the batch; nil if none.
func (t *InboxTx) ContactByAddress(addr string) (*Contact, error) {
	key, err := EmailKey(addr)
	if err != nil {
		return nil, nil
	}
	// The steps of one message look its sender up more than once (the
	// answer, the history): the id is kept for the transaction, in
	// which no step adds a contact or changes an address (0: none).
	id, known := t.contactIDs[key]
	if !known {
		err = t.tx.QueryRowContext(t.ctx, `SELECT id FROM contacts WHERE email_key = ?`, key).Scan(&id)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("look up contact %s: %w", addr, err)
		}
		if t.contactIDs == nil {
			t.contactIDs = map[string]int64{}
		}
		t.contactIDs[key] = id
	}
	if id == 0 {
		return nil, nil
	}
	return contactByID(t.ctx, t.tx, id)
}

// ContactByID is Store.ContactByID inside the batch.
func (t *InboxTx) ContactByID(id int64) (*Contact, error) { return contactByID(t.ctx, t.tx, id) }

func contactByID(ctx context.Context, db querier, id int64) (*Contact, error) {
	var c Contact
	var fields string
	err := db.QueryRowContext(ctx, `SELECT `+contactCols+` FROM contacts c WHERE c.id = ?`, id).Scan(waveContactDest(nil, &c, &fields)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read contact %d: %w", id, err)
	}
	return &c, wrap(decodeFields(&c, fields), "read contact %d: fields", id)
}

// SetRSVP records an answer: the latest wins on the contact, every answer
// stays in its history. changed is false when it repeats the current one.
func (t *InboxTx) SetRSVP(contactID int64, rsvp, actor, detail string) (changed bool, err error) {
	ctx, tx, now := t.ctx, t.tx, ts(t.now)
	err = func() error {
		var cur string
		if err := tx.QueryRowContext(ctx, `SELECT rsvp FROM contacts WHERE id = ?`, contactID).Scan(&cur); err != nil {
			return err
		}
		changed = cur != rsvp
		if changed {
			if _, err := tx.ExecContext(ctx, `UPDATE contacts SET rsvp = ?, rsvp_at = ?, updated_at = ? WHERE id = ?`, rsvp, now, now, contactID); err != nil {
				return err
			}
		}
		return addEvent(ctx, tx, contactID, 0, "rsvp", rsvp, actor, detail, now)
	}()
	return changed, wrap(err, "record rsvp %s of contact %d", rsvp, contactID)
}

// BounceOutcome says what a recorded bounce did to the contact.
type BounceOutcome struct {
	NowBounced bool // this bounce marked the contact bounced
	TempDays   int  // distinct days with a temporary failure, this one included
}

// RecordBounce logs a delivery failure against a contact (docs/BEHAVIOUR.md §6.4):
// a permanent failure marks the contact bounced at once; temporary ones
// do when they fall on 3 different days. Policy rejections (5.7.x, spam)
// are logged but never mark the contact.
func (t *InboxTx) RecordBounce(contactID int64, status, diagnostic, actor string, permanent, policy bool) (BounceOutcome, error) {
	var out BounceOutcome
	ctx, tx, now := t.ctx, t.tx, t.now
	kind := "bounce-temporary"
	switch {
	case policy:
		kind = "bounce-policy"
	case permanent:
		kind = "bounce"
	}
	err := func() error {
		if err := addEvent(ctx, tx, contactID, 0, kind, status, actor, diagnostic, ts(now)); err != nil {
			return err
		}
		mark := kind == "bounce"
		if kind == "bounce-temporary" {
			// The day is the first ten characters of the UTC timestamp.
			if err := tx.QueryRowContext(ctx, `SELECT count(DISTINCT substr(at, 1, 10)) FROM contact_events
				WHERE contact_id = ? AND kind = 'bounce-temporary'`, contactID).Scan(&out.TempDays); err != nil {
				return err
			}
			mark = out.TempDays >= 3
		}
		if !mark {
			return nil
		}
		res, err := tx.ExecContext(ctx, `UPDATE contacts SET bounced = 1, updated_at = ? WHERE id = ? AND bounced = 0`, ts(now), contactID)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		out.NowBounced = n == 1
		return nil
	}()
	return out, wrap(err, "record %s %s of contact %d", kind, status, contactID)
}

// AddReceived logs a reply, bounce or answer from a contact, for
// `contacts show`.
func (t *InboxTx) AddReceived(contactID int64, messageID, kind string) error {
	err := addEvent(t.ctx, t.tx, contactID, 0, "received", kind, "inbox", messageID, ts(t.now))
	return wrap(err, "record %s %s from contact %d", kind, messageID, contactID)
}

// Unsubscribe sets a contact unsubscribed on lists (nil: every list it is
// on), recording who and why per list; it returns the lists changed.
func (t *InboxTx) Unsubscribe(contactID int64, lists []string, actor, reason string) ([]string, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT l.id, l.name FROM list_members m JOIN lists l ON l.id = m.list_id
		WHERE m.contact_id = ? AND m.status = 'subscribed' ORDER BY l.name`, contactID)
	if err != nil {
		return nil, fmt.Errorf("unsubscribe contact %d: %w", contactID, err)
	}
	type member struct {
		id   int64
		name string
	}
	var on []member
	for rows.Next() {
		var m member
		if err := rows.Scan(&m.id, &m.name); err != nil {
			rows.Close()
			return nil, fmt.Errorf("unsubscribe contact %d: %w", contactID, err)
		}
		on = append(on, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("unsubscribe contact %d: %w", contactID, err)
	}
	var changed []string
	for _, m := range on {
		if lists != nil && !slices.Contains(lists, m.name) {
			continue
		}
		if _, err := t.tx.ExecContext(t.ctx, `UPDATE list_members SET status = 'unsubscribed' WHERE list_id = ? AND contact_id = ?`, m.id, contactID); err != nil {
			return nil, fmt.Errorf("unsubscribe contact %d from %s: %w", contactID, m.name, err)
		}
		if err := addEvent(t.ctx, t.tx, contactID, m.id, "unsubscribed", "unsubscribed", actor, reason, ts(t.now)); err != nil {
			return nil, fmt.Errorf("unsubscribe contact %d from %s: %w", contactID, m.name, err)
		}
		changed = append(changed, m.name)
	}
	return changed, nil
}

// AutoRepliedEver reports whether this account ever sent recipient an
// automatic message of kind (the unsubscribe confirmation goes once).
func (t *InboxTx) AutoRepliedEver(account, recipient, kind string) (bool, error) {
	var n int
	err := t.tx.QueryRowContext(t.ctx, `SELECT count(*) FROM auto_replies WHERE account = ? AND recipient = ? AND kind = ?`,
		account, RateKey(recipient), kind).Scan(&n)
	return n > 0, wrap(err, "look up %s of %s to %s", kind, account, recipient)
}

// querier is what read helpers need from *sql.DB or *sql.Tx.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// ContactMessage is one line of a contact's sent or received history.
type ContactMessage struct {
	Wave      string    `json:"wave,omitempty"`
	Run       int       `json:"run,omitempty"`
	MessageID string    `json:"message_id"`
	At        time.Time `json:"-"`
	Result    string    `json:"result,omitempty"`
	Kind      string    `json:"kind,omitempty"`
}

// ContactHistory lists the wave messages sent to a contact (any result
// but skipped) and the messages received from them, oldest first.
func (s *Store) ContactHistory(ctx context.Context, contactID int64) (sent, received []ContactMessage, err error) {
	rows, err := s.db.QueryContext(ctx, `SELECT wave, run, message_id, coalesce(sent_at, updated_at), state FROM deliveries
		WHERE contact_id = ? AND state != 'skipped' ORDER BY id`, contactID)
	if err != nil {
		return nil, nil, fmt.Errorf("read messages sent to contact %d: %w", contactID, err)
	}
	for rows.Next() {
		var m ContactMessage
		var at string
		if err := rows.Scan(&m.Wave, &m.Run, &m.MessageID, &at, &m.Result); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("read messages sent to contact %d: %w", contactID, err)
		}
		m.At = parseTS(at)
		sent = append(sent, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("read messages sent to contact %d: %w", contactID, err)
	}
	rows, err = s.db.QueryContext(ctx, `SELECT value, detail, at FROM contact_events WHERE contact_id = ? AND kind = 'received' ORDER BY id`, contactID)
	if err != nil {
		return nil, nil, fmt.Errorf("read messages received from contact %d: %w", contactID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var m ContactMessage
		var at string
		if err := rows.Scan(&m.Kind, &m.MessageID, &at); err != nil {
			return nil, nil, fmt.Errorf("read messages received from contact %d: %w", contactID, err)
		}
		m.At = parseTS(at)
		received = append(received, m)
	}
	return sent, received, wrap(rows.Err(), "read messages received from contact %d", contactID)
}
