package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mattn/go-sqlite3"
)

// Candidate is a list member as the audience sees it, with what the
// wave's filters need.
type Candidate struct {
	Contact
	MemberStatus string    // subscribed | unsubscribed (on this list)
	AfterSent    time.Time // when the `after` wave was sent to them (zero: never)
	LastSent     time.Time // when this wave was last sent to them (zero: never)
}

// contactCols are the contact columns waves read (alias c).
const contactCols = `c.id, c.email, c.name, c.language, c.organisation, c.title, c.city, c.country, c.fields, c.rsvp, c.bounced`

// waveContactDest appends the scan destinations of contactCols.
func waveContactDest(dst []any, c *Contact, fields *string) []any {
	return append(dst, &c.ID, &c.Email, &c.Name, &c.Language, &c.Organisation, &c.Title, &c.City, &c.Country, fields, &c.RSVP, &c.Bounced)
}

func decodeFields(c *Contact, raw string) error {
	c.Fields = map[string]string{}
	if raw == "" || raw == "{}" {
		return nil
	}
	return json.Unmarshal([]byte(raw), &c.Fields)
}

// Candidates returns up to limit members of list with contact id above
// afterID, in id order: the audience is streamed in chunks, never loaded
// whole (docs/BEHAVIOUR.md §13). wave and afterWave name the deliveries consulted for
// min_gap and after.
func (s *Store) Candidates(ctx context.Context, list, wave, afterWave string, afterID int64, limit int) ([]Candidate, error) {
	// list_members' primary key (list_id, contact_id) serves the range
	// scan; deliveries_contact serves the two subqueries.
	rows, err := s.db.QueryContext(ctx, `SELECT `+contactCols+`, m.status,
		coalesce((SELECT max(sent_at) FROM deliveries d WHERE d.contact_id = c.id AND d.wave = ? AND d.state = 'sent'), ''),
		coalesce((SELECT max(sent_at) FROM deliveries d WHERE d.contact_id = c.id AND d.wave = ? AND d.state = 'sent'), '')
		FROM list_members m JOIN contacts c ON c.id = m.contact_id
		WHERE m.list_id = (SELECT id FROM lists WHERE name = ?) AND m.contact_id > ?
		ORDER BY m.contact_id LIMIT ?`, afterWave, wave, list, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("read audience of %s on list %s: %w", wave, list, err)
	}
	defer rows.Close()
	var out []Candidate
	for rows.Next() {
		var c Candidate
		var fields, after, last string
		dst := waveContactDest(nil, &c.Contact, &fields)
		if err := rows.Scan(append(dst, &c.MemberStatus, &after, &last)...); err != nil {
			return nil, fmt.Errorf("read audience of %s on list %s: %w", wave, list, err)
		}
		if err := decodeFields(&c.Contact, fields); err != nil {
			return nil, fmt.Errorf("read audience of %s: contact %d: fields: %w", wave, c.ID, err)
		}
		c.AfterSent, c.LastSent = parseTS(after), parseTS(last)
		out = append(out, c)
	}
	return out, wrap(rows.Err(), "read audience of %s on list %s", wave, list)
}

// PlannedRow is one outbox row to write when a run is planned.
type PlannedRow struct {
	ContactID int64
	Email     string
	State     string // pending or skipped
	Reason    string // why skipped
	MessageID string
}

// AddPlanned writes a chunk of a run's outbox in one transaction. Rows
// already written (planning resumed after a crash) are left as they are.
func (s *Store) AddPlanned(ctx context.Context, wave string, run int, rows []PlannedRow) error {
	now := ts(time.Now())
	err := s.tx(ctx, func(tx *sql.Tx) error {
		return insertRows(ctx, tx, `INSERT INTO deliveries (wave, run, contact_id, email, state, reason, message_id, next_at, updated_at) VALUES `,
			"ON CONFLICT (wave, run, contact_id) DO NOTHING", 9, len(rows), func(args []any, i int) []any {
				r := &rows[i]
				return append(args, wave, run, r.ContactID, r.Email, r.State, r.Reason, r.MessageID, now, now)
			})
	})
	return wrap(err, "plan %d deliveries of %s run %d", len(rows), wave, run)
}

// LastPlannedContact is the highest contact id already in a run's
// outbox: where resumed planning continues.
func (s *Store) LastPlannedContact(ctx context.Context, wave string, run int) (int64, error) {
	var id sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT max(contact_id) FROM deliveries WHERE wave = ? AND run = ?`, wave, run).Scan(&id)
	return id.Int64, wrap(err, "read where planning of %s run %d stopped", wave, run)
}

// RecoverSending turns rows left 'sending' by a sender that stopped (a
// crash) back to pending, marked uncertain: they are sent again and may
// reach their contact twice. Call it only while holding the wave's lease.
func (s *Store) RecoverSending(ctx context.Context, wave string) (int64, error) {
	res, err := s.exec(ctx, `UPDATE deliveries SET state = 'pending', uncertain = 1, updated_at = ?
		WHERE wave = ? AND state = 'sending'`, ts(time.Now()), wave)
	if err != nil {
		return 0, fmt.Errorf("recover deliveries of %s left sending: %w", wave, err)
	}
	n, err := res.RowsAffected()
	return n, wrap(err, "recover deliveries of %s left sending", wave)
}

// Delivery is a due outbox row, read with its contact (Due).
type Delivery struct {
	ID        int64
	Wave      string
	Run       int
	MessageID string
	Tries     int
	Uncertain bool
	Contact   Contact

	nextAt string // Due's cursor key
}

// DeliveryOutcome is the result of one delivery, recorded by
// CommitDeliveries with the mark of the session's next row.
type DeliveryOutcome struct {
	ID     int64
	State  string // sent | retry | failed | pending (interrupted)
	Reason string
	Next   time.Time // when a retry is due
	// Tried counts a try for a row that was never marked 'sending' (the
	// server refused its envelope before its content could go), as the
	// mark would have; CommitDeliveries only.
	Tried bool
}

// recordOutcomeSQL writes one delivery's outcome (and the try of a row
// that DeliveryOutcome.Tried counts).
const recordOutcomeSQL = `UPDATE deliveries SET state = ?, reason = ?, next_at = ?, sent_at = coalesce(?, sent_at),
	tries = tries + ?, updated_at = ? WHERE id = ?`

// DueCursor walks a wave's due rows for Due: the pending ones first,
// then those waiting for a retry, each in (next_at, id) order. The zero
// value starts at the beginning.
type DueCursor struct {
	retry  bool   // past the pending rows
	nextAt string // key of the last row returned
	id     int64
	done   bool
}

// dueSQL reads the next due rows of one state after a (next_at, id) key.
// It walks deliveries_due (wave, state, next_at, rowid) in order from
// the key and stops after LIMIT rows: no sort, and no row read twice
// however long the wave. The state is a literal: only then may SQLite use
// that partial index.
func dueSQL(state string) string {
	return `SELECT d.id, d.wave, d.run, d.message_id, d.tries, d.uncertain, d.next_at, ` + contactCols + `
	FROM deliveries d JOIN contacts c ON c.id = d.contact_id
	WHERE d.wave = ? AND d.state = '` + state + `' AND d.next_at <= ? AND (d.next_at, d.id) > (?, ?)
	ORDER BY d.next_at, d.id LIMIT ?`
}

var (
	duePendingSQL = dueSQL(DeliveryPending)
	dueRetrySQL   = dueSQL(DeliveryRetry)
)

// Due returns up to limit rows of a wave that are due now, with their
// contacts, after cur, and advances cur; none once both states are
// exhausted. It only reads: the rows stay pending or retry until
// CommitDeliveries marks them 'sending', so rows read ahead and never
// sent (the sender stopped) need no undoing. Only the holder of the
// wave's lease may send them.
func (s *Store) Due(ctx context.Context, wave string, cur *DueCursor, limit int) ([]Delivery, error) {
	now := ts(time.Now())
	for !cur.done {
		q := duePendingSQL
		if cur.retry {
			q = dueRetrySQL
		}
		out, err := scanDue(s.db.QueryContext(ctx, q, wave, now, cur.nextAt, cur.id, limit))
		if err != nil {
			return nil, fmt.Errorf("read due deliveries of %s: %w", wave, err)
		}
		if len(out) > 0 {
			last := out[len(out)-1]
			cur.nextAt, cur.id = last.nextAt, last.ID
			return out, nil
		}
		if cur.retry {
			cur.done = true
		} else {
			*cur = DueCursor{retry: true}
		}
	}
	return nil, nil
}

func scanDue(rows *sql.Rows, err error) ([]Delivery, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var d Delivery
		var fields string
		dst := []any{&d.ID, &d.Wave, &d.Run, &d.MessageID, &d.Tries, &d.Uncertain, &d.nextAt}
		if err := rows.Scan(waveContactDest(dst, &d.Contact, &fields)...); err != nil {
			return nil, err
		}
		if err := decodeFields(&d.Contact, fields); err != nil {
			return nil, fmt.Errorf("delivery %d: contact %d: fields: %w", d.ID, d.Contact.ID, err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// markSendingSQL claims one due row; a row no longer pending or retry
// (changed since Due read it) is left alone.
const markSendingSQL = `UPDATE deliveries SET state = 'sending', tries = tries + 1, updated_at = ?
	WHERE id = ? AND state IN ('pending', 'retry')`

// CommitDeliveries records outcomes and marks the rows of ids 'sending',
// all in one transaction (a group commit for a wave's sessions), and
// reports which rows it marked. A session's next row is marked in the same
// commit as its previous row's outcome, and its SMTP transaction starts
// only after that commit: a crash leaves at most one row 'sending' per
// session, and every row the server may have taken is 'sending' or has
// its outcome.
func (s *Store) CommitDeliveries(ctx context.Context, outcomes []DeliveryOutcome, ids []int64) ([]bool, error) {
	marked := make([]bool, len(ids))
	now := ts(time.Now())
	bg := context.Background() // see driverTx; ctx is checked once, here
	if err := ctx.Err(); err != nil {
		return nil, err // the caller's own
	}
	if s.pg {
		return s.commitDeliveriesBatch(outcomes, ids, now)
	}
	args := make([]driver.NamedValue, 7)
	for i := range args {
		args[i].Ordinal = i + 1
	}
	err := s.driverTx(func(c *sqlite3.SQLiteConn) error {
		for i := range outcomes {
			o := &outcomes[i]
			setArgs(args, outcomeArgs(o, now)...)
			if _, err := c.ExecContext(bg, recordOutcomeSQL, args); err != nil {
				return fmt.Errorf("mark delivery %d %s: %w", o.ID, o.State, err)
			}
		}
		for i, id := range ids {
			res, err := c.ExecContext(bg, markSendingSQL, setArgs(args, now, id))
			if err != nil {
				return fmt.Errorf("mark delivery %d sending: %w", id, err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return fmt.Errorf("mark delivery %d sending: %w", id, err)
			}
			marked[i] = n == 1
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("update outbox: %w", err)
	}
	return marked, nil
}

// outcomeArgs are recordOutcomeSQL's arguments for o.
func outcomeArgs(o *DeliveryOutcome, now string) []any {
	var sentAt any
	if o.State == DeliverySent {
		sentAt = now
	}
	next := now
	if !o.Next.IsZero() {
		next = ts(o.Next)
	}
	var tried int64
	if o.Tried {
		tried = 1
	}
	return []any{o.State, truncate(o.Reason, 500), next, sentAt, tried, now, o.ID}
}

// setArgs sets the values of args (Ordinal already set) and returns
// those of them.
func setArgs(args []driver.NamedValue, vs ...any) []driver.NamedValue {
	for i, v := range vs {
		args[i].Value = v
	}
	return args[:len(vs)]
}

// NextDue is when the earliest pending or retry row of a wave is due.
func (s *Store) NextDue(ctx context.Context, wave string) (time.Time, bool, error) {
	var at sql.NullString
	// One min() per state, each a seek in the partial index deliveries_due
	// (it holds pending and retry rows only, and serves state = literal).
	// PostgreSQL before 16 requires the subquery's alias.
	err := s.db.QueryRowContext(ctx, `SELECT min(m) FROM (
		SELECT min(next_at) AS m FROM deliveries WHERE wave = ? AND state = 'pending'
		UNION ALL SELECT min(next_at) FROM deliveries WHERE wave = ? AND state = 'retry') AS due`, wave, wave).Scan(&at)
	return parseTS(at.String), at.Valid, wrap(err, "read next due delivery of %s", wave)
}

// WaveCounts are the docs/BEHAVIOUR.md §2 counts of a wave, over all its runs.
type WaveCounts struct {
	Planned, Sent, Failed, Skipped, Pending, Uncertain int
}

// Counts sums a wave's outbox (or one run's, when run > 0).
func (s *Store) Counts(ctx context.Context, wave string, run int) (WaveCounts, error) {
	var c WaveCounts
	err := s.db.QueryRowContext(ctx, `SELECT
		count(*) FILTER (WHERE state != 'skipped'),
		count(*) FILTER (WHERE state = 'sent'),
		count(*) FILTER (WHERE state = 'failed'),
		count(*) FILTER (WHERE state = 'skipped'),
		count(*) FILTER (WHERE state IN ('pending', 'sending', 'retry')),
		count(*) FILTER (WHERE uncertain = 1)
		FROM deliveries WHERE wave = ? AND (? = 0 OR run = ?)`, wave, run, run).
		Scan(&c.Planned, &c.Sent, &c.Failed, &c.Skipped, &c.Pending, &c.Uncertain)
	return c, wrap(err, "count deliveries of %s", wave)
}

// RetryFailed queues a wave's failed deliveries again (`waves retry`).
func (s *Store) RetryFailed(ctx context.Context, wave string) (int64, error) {
	var n int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE deliveries SET state = 'pending', tries = 0, next_at = ?, updated_at = ?
			WHERE wave = ? AND state = 'failed'`, ts(time.Now()), ts(time.Now()), wave)
		if err != nil {
			return fmt.Errorf("requeue failed deliveries: %w", err)
		}
		n, _ = res.RowsAffected()
		if n > 0 {
			// Reopen the runs those rows belong to, and the wave itself.
			if _, err := tx.ExecContext(ctx, `UPDATE wave_runs SET finished_at = NULL WHERE wave = ? AND run IN
				(SELECT DISTINCT run FROM deliveries WHERE wave = ? AND state = 'pending')`, wave, wave); err != nil {
				return fmt.Errorf("reopen runs: %w", err)
			}
			_, err = tx.ExecContext(ctx, `UPDATE waves SET state = 'scheduled', state_reason = '' WHERE name = ? AND state IN ('done', 'paused')`, wave)
			return wrap(err, "reschedule the wave")
		}
		return nil
	})
	return n, wrap(err, "retry failed deliveries of %s", wave)
}

// DeliveryProblem is a failed or skipped row, for `waves show`.
type DeliveryProblem struct {
	Email, State, Reason string
	Run                  int
	At                   time.Time
	Uncertain            bool
}

// Problems lists a wave's latest failures (state failed or retry) and
// uncertain rows, newest first.
func (s *Store) Problems(ctx context.Context, wave string, limit int) ([]DeliveryProblem, error) {
	return s.deliveryProblems(ctx, "read problems of "+wave,
		`wave = ? AND (state IN ('failed', 'retry') OR uncertain = 1)`, wave, limit)
}

// PossibleDuplicates lists a wave's deliveries that may have gone out
// twice (a sender stopped between handing a message over and recording
// it), newest first, at most limit.
func (s *Store) PossibleDuplicates(ctx context.Context, wave string, limit int) ([]DeliveryProblem, error) {
	return s.deliveryProblems(ctx, "read possible duplicates of "+wave, `wave = ? AND uncertain = 1`, wave, limit)
}

// deliveryProblems reads the deliveries of wave matching where, newest
// first, at most limit; what names the read in errors.
func (s *Store) deliveryProblems(ctx context.Context, what, where, wave string, limit int) ([]DeliveryProblem, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT email, state, reason, run, updated_at, uncertain FROM deliveries
		WHERE `+where+` ORDER BY updated_at DESC LIMIT ?`, wave, limit)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []DeliveryProblem
	for rows.Next() {
		var p DeliveryProblem
		var at string
		if err := rows.Scan(&p.Email, &p.State, &p.Reason, &p.Run, &at, &p.Uncertain); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		p.At = parseTS(at)
		out = append(out, p)
	}
	return out, wrap(rows.Err(), "%s", what)
}

// ContactByEmail finds a contact by address, case-insensitively; nil if none.
func (s *Store) ContactByEmail(ctx context.Context, email string) (*Contact, error) {
	key, err := EmailKey(email)
	if err != nil {
		return nil, nil // not an address: no contact has it
	}
	var c Contact
	var fields string
	err = s.db.QueryRowContext(ctx, `SELECT `+contactCols+` FROM contacts c WHERE c.email_key = ?`, key).
		Scan(waveContactDest(nil, &c, &fields)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read contact %s: %w", email, err)
	}
	return &c, wrap(decodeFields(&c, fields), "read contact %s: fields", email)
}
