package store

import (
	"database/sql"
	"strings"
	"unicode/utf8"
)

// MessageKey is what the inbox looks up for one message of a batch
// (Prefetch): the strings exactly as the triage passes them to
// SeenBefore, ContactByAddress, EnquiryByMessageIDs, SentByUs and
// DeliveryByMessageIDs.
type MessageKey struct {
	MessageID string // without <>; "" when the message has none
	Hash      string // the content hash, looked up when MessageID is ""
	From      string // the sender's address
	// Contacts are other addresses looked up as contacts: a bounce's
	// failed recipients.
	Contacts []string
	// Refs are the Message-IDs the message names: In-Reply-To,
	// References, a bounce's returned Message-ID.
	Refs []string
}

// prefetched is what Prefetch read for one InboxTx, kept up to date with
// what the transaction records. Each map holds a key only when its
// answer is known: a look-up with a key missing asks the database.
type prefetched struct {
	account string
	// ids: a Message-ID of this account → the facts of its rows.
	ids map[string]*idFacts
	// hashes: a content hash → its first incoming row (nil: none).
	hashes map[string]*MessageRow
	// deliveries: a Message-ID, without <> → the newest wave message
	// sent with it (nil: none).
	deliveries map[string]*SentDelivery
	// undo is what AddMessage changed since the current Try began, for
	// Try to put back when the message is rolled back.
	undo []undoFact
}

// idFacts is what the look-ups by Message-ID need of one Message-ID's
// rows in messages.
type idFacts struct {
	firstIn  *MessageRow // lowest id, direction 'in' (SeenBefore)
	sentByUs bool        // a row of direction 'out' (SentByUs)
	// thread and enquiry are the highest id with an enquiry and that
	// enquiry (EnquiryByMessageIDs); 0 when none.
	thread, enquiry int64
}

// undoFact is one entry of prefetched as it was before AddMessage
// changed it: the facts of Message-ID id, or, when byHash, no first row
// with hash.
type undoFact struct {
	id     string
	was    idFacts
	byHash bool
	hash   string
}

// Prefetch reads, in one query per kind (per maxInParams keys), what the
// per-message look-ups of a batch would ask one by one: each a round trip
// on PostgreSQL, where the inbox paid about 5.7 a message
// (docs/BENCHMARKS.md, "Inbox look-ups per batch"). The look-ups then
// answer from what was read, kept up to date as the transaction records
// messages, and ask the database for anything Prefetch did not cover. It
// belongs to the transaction: a retried one (retry.go) is a new InboxTx
// and starts without it.
func (t *InboxTx) Prefetch(account string, keys []MessageKey) error {
	p := &prefetched{account: account, ids: map[string]*idFacts{}, hashes: map[string]*MessageRow{},
		deliveries: map[string]*SentDelivery{}}
	var ids, hashes, clean, senders []string
	for _, k := range keys {
		switch {
		case k.MessageID == "":
			hashes = append(hashes, k.Hash)
		case queryable(k.MessageID):
			ids = append(ids, k.MessageID)
		}
		senders = append(append(senders, k.From), k.Contacts...)
		for _, r := range k.Refs {
			if r != "" && queryable(r) {
				ids = append(ids, r)
			}
		}
		for _, c := range cleanIDs(k.Refs) {
			if queryable(c) {
				clean = append(clean, c)
			}
		}
	}
	if err := t.prefetchIDs(p, distinct(ids)); err != nil {
		return wrap(err, "look up the batch's messages of %s", account)
	}
	if err := t.prefetchHashes(p, distinct(hashes)); err != nil {
		return wrap(err, "look up the batch's content hashes of %s", account)
	}
	if err := t.prefetchDeliveries(p, distinct(clean)); err != nil {
		return wrap(err, "look up the wave messages the batch answers")
	}
	if err := t.prefetchContacts(senders); err != nil {
		return wrap(err, "look up the batch's senders and bounced recipients")
	}
	t.pre = p
	return nil
}

// queryable reports a value PostgreSQL takes as text: valid UTF-8
// without NUL. Any other fails the statement, and with it the whole
// batch's look-up: such a key is left to its message's own look-up, in
// the message's savepoint (Try), where it fails that message alone.
func queryable(v string) bool {
	return utf8.ValidString(v) && strings.IndexByte(v, 0) < 0
}

// distinct is vals without repeats, in their first order.
func distinct(vals []string) []string {
	seen := make(map[string]bool, len(vals))
	out := vals[:0:0]
	for _, v := range vals {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// prefetchIDs reads every row of p.account with one of ids as its
// Message-ID: the answers of SeenBefore, SentByUs and
// EnquiryByMessageIDs for them. messages_message_id serves it.
func (t *InboxTx) prefetchIDs(p *prefetched, ids []string) error {
	for _, id := range ids {
		p.ids[id] = &idFacts{}
	}
	return inChunks(ids, func(chunk []any) (bool, error) {
		rows, err := t.tx.QueryContext(t.ctx, `SELECT id, direction, folder, enquiry_id, message_id FROM messages
			WHERE account = ? AND message_id IN (`+placeholders(len(chunk))+`)`, t.planned(append([]any{p.account}, chunk...)...)...)
		if err != nil {
			return false, err
		}
		defer rows.Close()
		for rows.Next() {
			var m MessageRow
			var enq sql.NullInt64
			if err := rows.Scan(&m.ID, &m.Direction, &m.Folder, &enq, &m.MessageID); err != nil {
				return false, err
			}
			f := p.ids[m.MessageID]
			if f == nil {
				continue // not one asked for
			}
			if m.Direction == "in" && (f.firstIn == nil || m.ID < f.firstIn.ID) {
				f.firstIn = &MessageRow{ID: m.ID, Folder: m.Folder, EnquiryID: enq.Int64}
			}
			f.sentByUs = f.sentByUs || m.Direction == "out"
			if enq.Valid && m.ID > f.thread {
				f.thread, f.enquiry = m.ID, enq.Int64
			}
		}
		return false, rows.Err()
	})
}

// prefetchHashes reads the first incoming row of p.account with each of
// hashes (SeenBefore of a message without Message-ID).
func (t *InboxTx) prefetchHashes(p *prefetched, hashes []string) error {
	for _, h := range hashes {
		p.hashes[h] = nil
	}
	return inChunks(hashes, func(chunk []any) (bool, error) {
		rows, err := t.tx.QueryContext(t.ctx, `SELECT id, folder, enquiry_id, hash FROM messages
			WHERE account = ? AND direction = 'in' AND hash IN (`+placeholders(len(chunk))+`)`, t.planned(append([]any{p.account}, chunk...)...)...)
		if err != nil {
			return false, err
		}
		defer rows.Close()
		for rows.Next() {
			var m MessageRow
			var enq sql.NullInt64
			if err := rows.Scan(&m.ID, &m.Folder, &enq, &m.Hash); err != nil {
				return false, err
			}
			first, asked := p.hashes[m.Hash]
			if asked && (first == nil || m.ID < first.ID) {
				p.hashes[m.Hash] = &MessageRow{ID: m.ID, Folder: m.Folder, EnquiryID: enq.Int64}
			}
		}
		return false, rows.Err()
	})
}

// prefetchDeliveries reads the newest sent wave message of each of ids
// (DeliveryByMessageIDs). An inbox transaction changes no delivery, so
// what is read stays true until it ends. deliveries_message_id serves it.
func (t *InboxTx) prefetchDeliveries(p *prefetched, ids []string) error {
	for _, id := range ids {
		p.deliveries[id] = nil
	}
	return inChunks(ids, func(chunk []any) (bool, error) {
		rows, err := t.tx.QueryContext(t.ctx, `SELECT id, wave, run, contact_id, email, message_id, sent_at FROM deliveries
			WHERE message_id IN (`+placeholders(len(chunk))+`) AND state = 'sent'`, t.planned(chunk...)...)
		if err != nil {
			return false, err
		}
		defer rows.Close()
		for rows.Next() {
			var d SentDelivery
			var sent sql.NullString
			if err := rows.Scan(&d.ID, &d.Wave, &d.Run, &d.ContactID, &d.Email, &d.MessageID, &sent); err != nil {
				return false, err
			}
			d.SentAt = parseTS(sent.String)
			newest, asked := p.deliveries[d.MessageID]
			if asked && (newest == nil || d.ID > newest.ID) {
				p.deliveries[d.MessageID] = &d
			}
		}
		return false, rows.Err()
	})
}

// prefetchContacts fills ContactByAddress's cache of contact ids for the
// senders' addresses (0: not a contact). Like that cache, it holds for
// the transaction: no step of the inbox adds a contact or changes an
// address.
func (t *InboxTx) prefetchContacts(addrs []string) error {
	var keys []string
	for _, a := range addrs {
		if key, err := EmailKey(a); err == nil && queryable(key) {
			keys = append(keys, key)
		}
	}
	keys = distinct(keys)
	found := make(map[string]int64, len(keys))
	err := inChunks(keys, func(chunk []any) (bool, error) {
		rows, err := t.tx.QueryContext(t.ctx, `SELECT id, email_key FROM contacts WHERE email_key IN (`+placeholders(len(chunk))+`)`, chunk...)
		if err != nil {
			return false, err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var key string
			if err := rows.Scan(&id, &key); err != nil {
				return false, err
			}
			found[key] = id
		}
		return false, rows.Err()
	})
	if err != nil {
		return err
	}
	if t.contactIDs == nil {
		t.contactIDs = make(map[string]int64, len(keys))
	}
	for _, k := range keys {
		t.contactIDs[k] = found[k]
	}
	return nil
}

// seen answers SeenBefore from what was prefetched; known is false when
// it was not.
func (p *prefetched) seen(account, messageID, hash string) (first *MessageRow, known bool) {
	if p == nil || account != p.account {
		return nil, false
	}
	if messageID != "" {
		f, ok := p.ids[messageID]
		if !ok {
			return nil, false
		}
		first = f.firstIn
	} else if first, known = p.hashes[hash]; !known {
		return nil, false
	}
	if first == nil {
		return nil, true
	}
	c := *first // the caller's to change
	return &c, true
}

// facts are the facts of each of ids; known is false unless every one
// was prefetched.
func (p *prefetched) facts(account string, ids []string) (out []*idFacts, known bool) {
	if p == nil || account != p.account {
		return nil, false
	}
	for _, id := range ids {
		f, ok := p.ids[id]
		if !ok {
			return nil, false
		}
		out = append(out, f)
	}
	return out, true
}

// delivery answers DeliveryByMessageIDs for the cleaned ids from what
// was prefetched; known is false unless every one was.
func (p *prefetched) delivery(clean []string) (newest *SentDelivery, known bool) {
	if p == nil {
		return nil, false
	}
	for _, id := range clean {
		d, ok := p.deliveries[id]
		if !ok {
			return nil, false
		}
		if d != nil && (newest == nil || d.ID > newest.ID) {
			newest = d
		}
	}
	if newest == nil {
		return nil, true
	}
	c := *newest
	return &c, true
}

// recorded brings what was prefetched up to date with message m, just
// recorded as row id: a second copy of a message later in the same batch
// is then a duplicate of this one, and a reply to it joins its thread,
// as the database would answer.
func (p *prefetched) recorded(m *MessageRow, id int64) {
	if p == nil || m.Account != p.account {
		return
	}
	if f, ok := p.ids[m.MessageID]; ok {
		p.undo = append(p.undo, undoFact{id: m.MessageID, was: *f})
		if m.Direction == "in" && f.firstIn == nil {
			f.firstIn = &MessageRow{ID: id, Folder: m.Folder, EnquiryID: m.EnquiryID}
		}
		f.sentByUs = f.sentByUs || m.Direction == "out"
		if m.EnquiryID != 0 && id > f.thread {
			f.thread, f.enquiry = id, m.EnquiryID
		}
	}
	if first, ok := p.hashes[m.Hash]; ok && first == nil && m.Direction == "in" {
		p.undo = append(p.undo, undoFact{byHash: true, hash: m.Hash})
		p.hashes[m.Hash] = &MessageRow{ID: id, Folder: m.Folder, EnquiryID: m.EnquiryID}
	}
}

// begin starts the undo log of a Try: what was recorded before it is in
// the transaction for good.
func (p *prefetched) begin() {
	if p != nil {
		p.undo = p.undo[:0]
	}
}

// rollback puts back what the messages recorded since begin changed,
// when Try rolls them back.
func (p *prefetched) rollback() {
	if p == nil {
		return
	}
	for i := len(p.undo) - 1; i >= 0; i-- {
		u := p.undo[i]
		if u.byHash {
			p.hashes[u.hash] = nil
		} else {
			*p.ids[u.id] = u.was
		}
	}
	p.undo = p.undo[:0]
}
