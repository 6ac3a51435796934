package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// tsLayout is RFC 3339 in UTC with fixed-width nanoseconds: unlike
// time.RFC3339Nano, which drops trailing zeros, it sorts as text in time
// order, which every ORDER BY on a time column relies on.
const tsLayout = "2006-01-02T15:04:05.000000000Z07:00"

// ts formats a time the way every table stores it.
func ts(t time.Time) string { return t.UTC().Format(tsLayout) }

// parseTS reads a stored time; "" gives the zero time.
func parseTS(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// LastUID returns the high-water mark of a mailbox for this UIDVALIDITY,
// or 0 when the mailbox is new or its UIDVALIDITY changed (rescan).
func (s *Store) LastUID(ctx context.Context, account, mailbox string, uidvalidity uint32) (uint32, error) {
	var v, last int64
	err := s.db.QueryRowContext(ctx, `SELECT uidvalidity, last_uid FROM mailbox_state WHERE account = ? AND mailbox = ?`,
		account, mailbox).Scan(&v, &last)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && uint32(v) != uidvalidity) {
		return 0, nil
	}
	return uint32(last), wrap(err, "read last UID of %s/%s", account, mailbox)
}

// InboxTx is one write transaction of the inbox side: everything a batch
// of messages decides commits together with the high-water mark.
type InboxTx struct {
	tx  *sql.Tx
	ctx context.Context
	now time.Time
	// batch collects AddAction's rows until the end of the transaction
	// (Inbox sets it): one INSERT of many rows costs far less than many.
	batch   bool
	actions []Action
	// pg is the engine; open, on PostgreSQL, that Try left its savepoint
	// for the next Try (or the commit) to release.
	pg, open bool
	// contactIDs is ContactByAddress's look-ups: email key → contact id.
	contactIDs map[string]int64
	// pre is what Prefetch read for the batch; nil without it.
	pre *prefetched
}

// Inbox runs f in one transaction. The actions f adds are inserted, in
// order, when it returns. ctx can stop the transaction from starting,
// not its statements: with a context that can be cancelled, the driver
// runs each statement on a goroutine of its own to watch it, and a
// batch's transaction is short.
func (s *Store) Inbox(ctx context.Context, f func(*InboxTx) error) error {
	if err := ctx.Err(); err != nil {
		return err // the caller's own: nothing of the store's to add
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		t := &InboxTx{tx: tx, ctx: context.WithoutCancel(ctx), now: time.Now(), batch: true, pg: s.pg}
		if err := f(t); err != nil {
			return err // f's own, from InboxTx methods that name their step
		}
		return t.insertActions()
	})
}

// SetMark advances the high-water mark of a mailbox.
func (t *InboxTx) SetMark(account, mailbox string, uidvalidity, lastUID uint32) error {
	_, err := t.tx.ExecContext(t.ctx, `
		INSERT INTO mailbox_state (account, mailbox, uidvalidity, last_uid, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (account, mailbox) DO UPDATE SET uidvalidity = excluded.uidvalidity,
			last_uid = excluded.last_uid, updated_at = excluded.updated_at`,
		account, mailbox, uidvalidity, lastUID, ts(t.now))
	return wrap(err, "set last UID of %s/%s to %d", account, mailbox, lastUID)
}

// SeenBefore finds an incoming message this account already recorded with
// this Message-ID, or, lacking one, with this content hash: how a rescan
// after a UIDVALIDITY change, or a second copy of one message (sent to an
// address and its alias), is filed like the first and acknowledged never.
func (t *InboxTx) SeenBefore(account, messageID, hash string) (*MessageRow, error) {
	if first, known := t.pre.seen(account, messageID, hash); known {
		return first, nil
	}
	q, arg := `SELECT id, folder, enquiry_id FROM messages WHERE account = ? AND direction = 'in' AND message_id = ?`, messageID
	if messageID == "" {
		q, arg = `SELECT id, folder, enquiry_id FROM messages WHERE account = ? AND direction = 'in' AND hash = ?`, hash
	}
	first, err := t.firstMessage(q, t.planned(account, arg)...)
	return first, wrap(err, "look up message %q (hash %s) of %s", messageID, hash, account)
}

// firstMessage is the row of lowest id among those q selects (id,
// folder, enquiry_id), or nil. Not ORDER BY id LIMIT 1, which lets
// PostgreSQL walk the primary key in id order and filter every row:
// copies of one message are few.
func (t *InboxTx) firstMessage(q string, args ...any) (*MessageRow, error) {
	rows, err := t.tx.QueryContext(t.ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var first *MessageRow
	for rows.Next() {
		var m MessageRow
		var enq sql.NullInt64
		if err := rows.Scan(&m.ID, &m.Folder, &enq); err != nil {
			return nil, err
		}
		m.EnquiryID = enq.Int64
		if first == nil || m.ID < first.ID {
			first = &m
		}
	}
	return first, rows.Err()
}

// SentByUs reports whether one of ids is a message this account sent
// (an acknowledgement, later a wave message).
func (t *InboxTx) SentByUs(account string, ids []string) (bool, error) {
	if facts, known := t.pre.facts(account, ids); known {
		for _, f := range facts {
			if f.sentByUs {
				return true, nil
			}
		}
		return false, nil
	}
	var found bool
	err := inChunks(ids, func(chunk []any) (bool, error) {
		var n int
		err := t.tx.QueryRowContext(t.ctx, `SELECT count(*) FROM messages WHERE account = ? AND direction = 'out'
			AND message_id IN (`+placeholders(len(chunk))+`)`, t.planned(append([]any{account}, chunk...)...)...).Scan(&n)
		found = n > 0
		return found, err
	})
	return found, wrap(err, "look up messages sent by %s", account)
}

// MessageRow is one row of the messages table.
type MessageRow struct {
	ID          int64
	Account     string
	Direction   string // in | out
	Mailbox     string
	UIDValidity uint32
	UID         uint32
	MessageID   string
	Hash        string
	From        string
	Recipients  []string // To and Cc of an incoming message
	Subject     string
	Kind        string
	Detail      string
	Folder      string
	EnquiryID   int64 // 0 = none
	Date        time.Time
	// Text is the readable text and Attachments the attachment names
	// (kept by AddMessage, read by ThreadText; see message_text.go).
	Text        string
	Attachments []AttachmentInfo
}

// AddMessage records a message and returns its row id.
func (t *InboxTx) AddMessage(m MessageRow) (int64, error) {
	var mailbox, uidv, uid, enq any
	if m.Direction == "in" {
		mailbox, uidv, uid = m.Mailbox, m.UIDValidity, m.UID
	}
	if m.EnquiryID != 0 {
		enq = m.EnquiryID
	}
	if m.Date.IsZero() {
		m.Date = t.now
	}
	text, atts := messageText(m)
	// RETURNING rather than LastInsertId, which PostgreSQL lacks.
	var id int64
	err := t.tx.QueryRowContext(t.ctx, `
		INSERT INTO messages (account, direction, mailbox, uidvalidity, uid, message_id, hash, from_addr,
			recipients, subject, kind, detail, folder, enquiry_id, date, seen_at, body_text, attachments)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		m.Account, m.Direction, mailbox, uidv, uid, m.MessageID, m.Hash, m.From, strings.Join(m.Recipients, ","),
		m.Subject, m.Kind, m.Detail, m.Folder, enq, ts(m.Date), ts(t.now), text, atts).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("record message uid %d: %w", m.UID, err)
	}
	t.pre.recorded(&m, id)
	return id, nil
}

// NextRef hands out the next enquiry reference for prefix: GCCM-0001, …
func (t *InboxTx) NextRef(prefix string) (string, error) {
	var n int64
	err := t.tx.QueryRowContext(t.ctx, `
		INSERT INTO counters (name, value) VALUES (?, 1)
		ON CONFLICT (name) DO UPDATE SET value = counters.value + 1
		RETURNING value`, "ref:"+prefix).Scan(&n)
	if err != nil {
		return "", fmt.Errorf("next reference for %s: %w", prefix, err)
	}
	return fmt.Sprintf("%s-%04d", prefix, n), nil
}

// AddEnquiry creates an enquiry and returns its id.
func (t *InboxTx) AddEnquiry(e Enquiry) (int64, error) {
	var suppressed any
	if e.AckSuppressed != "" {
		suppressed = e.AckSuppressed
	}
	var id int64
	err := t.tx.QueryRowContext(t.ctx, `
		INSERT INTO enquiries (ref, account, mailbox, from_addr, from_name, subject, category, language,
			status, received_at, ack_suppressed)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?) RETURNING id`,
		e.Ref, e.Account, e.Mailbox, e.From, e.FromName, e.Subject, e.Category, e.Language,
		ts(e.ReceivedAt), suppressed).Scan(&id)
	return id, wrap(err, "create enquiry %s", e.Ref)
}

// NewEnquiry creates an enquiry under the next reference for prefix
// (NextRef then AddEnquiry; e.Ref is not read) and returns both. On
// PostgreSQL it is one statement, the counter's UPDATE feeding the
// INSERT: one round trip a new enquiry fewer.
func (t *InboxTx) NewEnquiry(prefix string, e Enquiry) (ref string, id int64, err error) {
	if !t.pg {
		if e.Ref, err = t.NextRef(prefix); err != nil {
			return "", 0, err
		}
		id, err = t.AddEnquiry(e)
		return e.Ref, id, err
	}
	var suppressed any
	if e.AckSuppressed != "" {
		suppressed = e.AckSuppressed
	}
	// The reference is NextRef's "%s-%04d": lpad alone would cut a
	// number of five digits.
	err = t.tx.QueryRowContext(t.ctx, `
		WITH c AS (INSERT INTO counters (name, value) VALUES (?1, 1)
			ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value)
		INSERT INTO enquiries (ref, account, mailbox, from_addr, from_name, subject, category, language,
			status, received_at, ack_suppressed)
		VALUES ((SELECT CAST(?2 AS TEXT) || '-' || CASE WHEN value < 10000 THEN lpad(CAST(value AS TEXT), 4, '0')
				ELSE CAST(value AS TEXT) END FROM c),
			?3, ?4, ?5, ?6, ?7, ?8, ?9, 'open', ?10, ?11) RETURNING ref, id`,
		"ref:"+prefix, prefix, e.Account, e.Mailbox, e.From, e.FromName, e.Subject, e.Category, e.Language,
		ts(e.ReceivedAt), suppressed).Scan(&ref, &id)
	return ref, id, wrap(err, "create enquiry with the next reference for %s", prefix)
}

// EnquiryByRef finds an enquiry of this account by its reference.
func (t *InboxTx) EnquiryByRef(account, ref string) (*Enquiry, error) {
	e, err := scanEnquiry(t.tx.QueryRowContext(t.ctx, enquirySelect+` WHERE account = ? AND ref = ?`, account, strings.ToUpper(ref)))
	return e, wrap(err, "read enquiry %s of %s", ref, account)
}

// EnquiryByMessageIDs finds the enquiry whose thread holds one of ids
// (In-Reply-To and References of a follow-up), newest match first.
func (t *InboxTx) EnquiryByMessageIDs(account string, ids []string) (*Enquiry, error) {
	// messages_message_id serves this lookup, one chunk of ids at a time;
	// the newest match of all chunks wins.
	var newest, enquiry int64
	if facts, known := t.pre.facts(account, ids); known {
		for _, f := range facts {
			if f.thread > newest {
				newest, enquiry = f.thread, f.enquiry
			}
		}
		if newest == 0 {
			return nil, nil
		}
		e, err := scanEnquiry(t.tx.QueryRowContext(t.ctx, enquirySelect+` WHERE id = ?`, enquiry))
		return e, wrap(err, "read enquiry %d", enquiry)
	}
	// Every match is read, not ORDER BY id DESC LIMIT 1, for the reason
	// firstMessage gives: a thread's messages are few.
	err := inChunks(ids, func(chunk []any) (bool, error) {
		rows, err := t.tx.QueryContext(t.ctx, `SELECT id, enquiry_id FROM messages WHERE account = ? AND enquiry_id IS NOT NULL
			AND message_id IN (`+placeholders(len(chunk))+`)`, t.planned(append([]any{account}, chunk...)...)...)
		if err != nil {
			return false, err
		}
		defer rows.Close()
		for rows.Next() {
			var id, e int64
			if err := rows.Scan(&id, &e); err != nil {
				return false, err
			}
			if id > newest {
				newest, enquiry = id, e
			}
		}
		return false, rows.Err()
	})
	if err != nil || newest == 0 {
		return nil, wrap(err, "look up the enquiry of a thread of %s", account)
	}
	e, err := scanEnquiry(t.tx.QueryRowContext(t.ctx, enquirySelect+` WHERE id = ?`, enquiry))
	return e, wrap(err, "read enquiry %d", enquiry)
}

// ThreadParticipants lists the addresses that wrote in an enquiry's thread
// or were copied on it, so that only they (not a stranger quoting the
// reference) can continue it.
func (t *InboxTx) ThreadParticipants(enquiryID int64) (map[string]bool, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT from_addr, recipients FROM messages WHERE enquiry_id = ? AND direction = 'in'`, enquiryID)
	if err != nil {
		return nil, fmt.Errorf("read participants of enquiry %d: %w", enquiryID, err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var from, rcpts string
		if err := rows.Scan(&from, &rcpts); err != nil {
			return nil, fmt.Errorf("read participants of enquiry %d: %w", enquiryID, err)
		}
		out[from] = true
		for _, r := range strings.Split(rcpts, ",") {
			if r != "" {
				out[r] = true
			}
		}
	}
	return out, wrap(rows.Err(), "read participants of enquiry %d", enquiryID)
}

// Reopen sets a closed enquiry back to open when its correspondent writes
// again; other states are kept.
func (t *InboxTx) Reopen(enquiryID int64) error {
	_, err := t.tx.ExecContext(t.ctx, `UPDATE enquiries SET status = 'open', closed_at = NULL WHERE id = ? AND status = 'closed'`, enquiryID)
	return wrap(err, "reopen enquiry %d", enquiryID)
}

// AutoRepliesSince counts automatic messages decided for recipient since t
// (all accounts: the 10-an-hour cap is per address, whatever the cause).
// The address is compared by RateKey, so victim+1@ and Victim+2@ count as
// one.
func (t *InboxTx) AutoRepliesSince(recipient string, since time.Time) (int, error) {
	var n int
	err := t.tx.QueryRowContext(t.ctx, `SELECT count(*) FROM auto_replies WHERE recipient = ? AND decided_at >= ?`,
		RateKey(recipient), ts(since)).Scan(&n)
	return n, wrap(err, "count automatic messages to %s", recipient)
}

// AccountAutoRepliesSince counts the automatic messages account decided
// since t, for triage.ack_max_per_hour. Rows are appended as they are
// decided, so the ones since t are the table's tail: the inner query
// walks back from the newest row to the first older than t (the rowid
// order needs no index), and the outer one counts in that range alone.
// A clock stepped back can hide a few rows from the count, never more
// than those decided before the step.
func (t *InboxTx) AccountAutoRepliesSince(account string, since time.Time) (int, error) {
	var n int
	err := t.tx.QueryRowContext(t.ctx, `SELECT count(*) FROM auto_replies WHERE account = ?1 AND decided_at >= ?2
		AND id > coalesce((SELECT id FROM auto_replies WHERE decided_at < ?2 ORDER BY id DESC LIMIT 1), 0)`,
		account, ts(since)).Scan(&n)
	return n, wrap(err, "count automatic messages of %s", account)
}

// AckedSince reports whether this account acknowledged recipient since t
// (docs/BEHAVIOUR.md §5.1 ack_once_per, Sieve vacation :days), by RateKey.
func (t *InboxTx) AckedSince(account, recipient string, since time.Time) (bool, error) {
	var n int
	err := t.tx.QueryRowContext(t.ctx, `SELECT count(*) FROM auto_replies WHERE recipient = ? AND account = ? AND kind = 'ack' AND decided_at >= ?`,
		RateKey(recipient), account, ts(since)).Scan(&n)
	return n > 0, wrap(err, "look up acknowledgements of %s to %s", account, recipient)
}

// AddAutoReply logs an automatic message at the moment it is decided,
// under the recipient's RateKey.
func (t *InboxTx) AddAutoReply(account, recipient, kind, messageID string, at time.Time) error {
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO auto_replies (account, recipient, kind, message_id, decided_at) VALUES (?, ?, ?, ?, ?)`,
		account, RateKey(recipient), kind, messageID, ts(at))
	return wrap(err, "record %s to %s", kind, recipient)
}

// RateKey is the form of an address the automatic-message limits count
// by: lowercased, with a "+detail" (RFC 5233 subaddress) dropped from the
// local part, since victim+1@ and victim+2@ reach one mailbox and forged
// return paths vary exactly that to get past a per-address cap; an
// international domain in A-labels, as EmailKey has it.
func RateKey(addr string) string {
	addr = strings.ToLower(strings.TrimSpace(addr))
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 {
		return addr
	}
	local := addr[:at]
	if plus := strings.IndexByte(local, '+'); plus > 0 {
		local = local[:plus]
	}
	return local + "@" + asciiDomain(addr[at+1:])
}

// Action is a side effect to carry out after the commit.
type Action struct {
	ID          int64
	Account     string
	Mailbox     string
	UIDValidity uint32
	UID         uint32
	Kind        string // flag | move | ack | forward
	Arg         string
	Message     int64 // messages.id
	Tries       int
	LastError   string
}

// AddAction queues a side effect; in an Inbox transaction its row is
// written when the transaction's function returns.
func (t *InboxTx) AddAction(a Action) error {
	t.actions = append(t.actions, a)
	if t.batch {
		return nil
	}
	return t.insertActions()
}

// insertActions writes the queued actions, many per statement.
func (t *InboxTx) insertActions() error {
	now := ts(t.now)
	err := insertRows(t.ctx, t.tx, `INSERT INTO actions (account, mailbox, uidvalidity, uid, kind, arg, message, next_at, created_at) VALUES `,
		"", 9, len(t.actions), func(args []any, i int) []any {
			a := &t.actions[i]
			return append(args, a.Account, a.Mailbox, a.UIDValidity, a.UID, a.Kind, a.Arg, a.Message, now, now)
		})
	if err != nil {
		err = fmt.Errorf("queue %d actions: %w", len(t.actions), err)
	}
	t.actions = t.actions[:0]
	return err
}
