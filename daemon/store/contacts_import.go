package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Field is one custom column of a contact.
type Field struct{ Name, Value string }

// encodeFields writes fields, sorted by name, as a JSON object. It is
// what encoding/json writes for a map[string]string, without the HTML
// escaping, and without reflection: it runs once per imported row.
func encodeFields(fields []Field) string {
	if len(fields) == 0 {
		return "{}"
	}
	b := make([]byte, 0, 64)
	b = append(b, '{')
	for i, f := range fields {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, f.Name)
		b = append(b, ':')
		b = appendJSONString(b, f.Value)
	}
	return string(append(b, '}'))
}

// appendJSONString quotes s as a JSON string (RFC 8259 §7).
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r == '\n':
			b = append(b, '\\', 'n')
		case r == '\r':
			b = append(b, '\\', 'r')
		case r == '\t':
			b = append(b, '\\', 't')
		case r < 0x20 || r == '\u2028' || r == '\u2029':
			b = append(b, `\u`...)
			b = append(b, fmt.Sprintf("%04x", r)...)
		default:
			b = utf8.AppendRune(b, r) // invalid UTF-8 becomes U+FFFD
		}
	}
	return append(b, '"')
}

// mergeFields lays the file's fields over the stored ones: a value the
// file gives sets the field, a field it lacks (no column, or an empty
// cell) is kept, so a contact on two lists keeps both lists' columns; the
// fields named in clear are removed.
func mergeFields(stored string, file []Field, clear []string) (string, error) {
	if len(file) == 0 && len(clear) == 0 {
		return stored, nil
	}
	if (stored == "" || stored == "{}") && len(clear) == 0 {
		return encodeFields(file), nil
	}
	if stored == "" {
		stored = "{}"
	}
	m := map[string]string{}
	if err := json.Unmarshal([]byte(stored), &m); err != nil {
		return "", fmt.Errorf("stored fields: %w", err)
	}
	for _, f := range file {
		m[f.Name] = f.Value
	}
	for _, name := range clear {
		delete(m, name)
	}
	merged := make([]Field, 0, len(m))
	for k, v := range m {
		merged = append(merged, Field{k, v})
	}
	sort.Slice(merged, func(i, j int) bool { return merged[i].Name < merged[j].Name })
	return encodeFields(merged), nil
}

// Known columns of an import, in ContactRow.Known order.
const (
	ColName = iota
	ColLanguage
	ColOrganisation
	ColTitle
	ColCity
	ColCountry
	NumKnown
)

// KnownColumns names the known columns (docs/BEHAVIOUR.md §9), as a header spells them.
var KnownColumns = [NumKnown]string{"name", "language", "organisation", "title", "city", "country"}

// ContactRow is one contact as an import file gives it. An import only
// adds and corrects: what the row does not give is left as stored, so a
// contact on two lists keeps what each list's file knows.
type ContactRow struct {
	Email string // as written; a contact keeps the spelling it was added with
	Key   string // EmailKey(Email)
	// Known holds the known columns; Has says which the row sets (to
	// Known's value, which is "" to clear it). A column the file lacks,
	// or an empty cell, leaves the stored value alone.
	Known [NumKnown]string
	Has   [NumKnown]bool
	// Fields are the other columns the row gives a value, sorted by name.
	Fields []Field
	// Cleared names the other columns the row clears.
	Cleared []string
}

// Outcome is what an import did with one row.
type Outcome int

// Outcomes of ListImport.Upsert.
const (
	Added     Outcome = iota + 1 // a new member of the list (the contact may have existed)
	Updated                      // already a member; its fields changed
	Unchanged                    // already a member with these fields
	Duplicate                    // an earlier row of this import has the same address
)

// ListImport is one import into one list: a single write transaction with
// its statements prepared once (docs/BEHAVIOUR.md §9 "imported in one transaction").
// Get one from Store.ImportList; it is not safe for concurrent use.
type ListImport struct {
	ctx    context.Context // for statements: never cancelled
	done   context.Context // the caller's
	tx     *sql.Tx
	listID int64
	now    string
	// seen records each address of this import with its line, to find
	// duplicates without holding the file's addresses in memory.
	seen, find, insert, update, member *sql.Stmt
	expectNew                          bool // the last row was a new contact
	// seenTable is import_seen in the engine's temporary schema.
	seenTable string
	pg        bool
}

// importQueries are prepared once per import. find goes through the
// UNIQUE index on email_key; member's conflict target is the primary key.
var importQueries = [...]string{
	`INSERT INTO temp.import_seen (key, line) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, // temp: see seenTable
	`SELECT id, email, name, language, organisation, title, city, country, fields FROM contacts WHERE email_key = ?`,
	`INSERT INTO contacts (email, email_key, name, language, organisation, title, city, country, fields, created_at, updated_at)
	 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (email_key) DO NOTHING`, // PostgreSQL: + RETURNING id
	`UPDATE contacts SET name = ?, language = ?, organisation = ?, title = ?, city = ?, country = ?,
	 fields = ?, updated_at = ? WHERE id = ?`,
	`INSERT INTO list_members (list_id, contact_id, status, added_at) VALUES (?, ?, 'subscribed', ?)
	 ON CONFLICT (list_id, contact_id) DO NOTHING`,
}

// ImportList runs f in one write transaction on list, created when
// missing. The transaction commits when f returns nil and dryRun is
// false; otherwise everything, the list's creation included, is rolled
// back. On SQLite the write lock is held throughout, so f should only
// read its input and call Upsert.
func (s *Store) ImportList(ctx context.Context, list string, dryRun bool, f func(*ListImport) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err // the caller's own
	}
	// Not ctx: see Store.tx. Upsert checks ctx once per row.
	w := s.w
	var opts *sql.TxOptions
	if s.pg {
		// f reads its input once: an import cannot be run again as a
		// SERIALIZABLE transaction would need (retry.go). At READ
		// COMMITTED every statement sees what others committed, the
		// upserts wait for one another's rows instead of failing, and a
		// contact's row is locked from its look-up to its update.
		opts = &sql.TxOptions{Isolation: sql.LevelReadCommitted}
		if w, err = s.db.Conn(ctx); err != nil {
			return fmt.Errorf("import into %s: %w", list, err)
		}
		defer w.Close()
	} else {
		s.wmu.Lock()
		defer s.wmu.Unlock()
	}
	tx, err := w.BeginTx(context.WithoutCancel(ctx), opts)
	if err != nil {
		return fmt.Errorf("import into %s: %w", list, err)
	}
	defer func() {
		if err != nil || dryRun {
			err = errors.Join(err, tx.Rollback())
		}
	}()
	// Statements run without cancellation: with a cancellable context
	// the driver starts a goroutine per statement to watch it, a third of
	// an import's time. Upsert checks ctx itself, once per row.
	li := &ListImport{ctx: context.WithoutCancel(ctx), done: ctx, tx: tx, now: ts(time.Now()),
		seenTable: s.dialect().temp + ".import_seen", pg: s.pg}
	if li.listID, err = upsertList(ctx, tx, list, li.now); err != nil {
		return fmt.Errorf("import into %s: %w", list, err)
	}
	// A temp table lives on this transaction's connection; DELETE covers
	// one left by an import whose connection was reused.
	for _, q := range []string{
		`CREATE TEMP TABLE IF NOT EXISTS import_seen (key TEXT PRIMARY KEY, line INTEGER NOT NULL)` + s.dialect().withoutRowid,
		`DELETE FROM ` + li.seenTable,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("import into %s: %w", list, err)
		}
	}
	stmts := []**sql.Stmt{&li.seen, &li.find, &li.insert, &li.update, &li.member}
	for i, q := range importQueries {
		q = strings.Replace(q, "temp.import_seen", li.seenTable, 1)
		if i == 1 && s.pg {
			q += " FOR UPDATE" // find: see opts
		}
		if i == 2 && s.pg {
			q += " RETURNING id" // insert: see insertContact
		}
		if *stmts[i], err = tx.PrepareContext(ctx, q); err != nil {
			return fmt.Errorf("import into %s: prepare: %w", list, err)
		}
		defer (*stmts[i]).Close()
	}
	if err := f(li); err != nil {
		return err // the caller's, or Upsert's, which names the line
	}
	if _, err := tx.ExecContext(ctx, `DROP TABLE `+li.seenTable); err != nil {
		return fmt.Errorf("import into %s: %w", list, err)
	}
	if dryRun {
		return nil
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("import into %s: commit: %w", list, err)
	}
	return nil
}

// Upsert adds or updates the contact of r and makes it a member of the
// list. It never touches a status: a new member is subscribed, an
// existing one keeps its subscription, and a contact's bounce mark and
// RSVP stay as they are (docs/BEHAVIOUR.md §9). line is r's line in the file; for a
// Duplicate, first is the line of the earlier row, which wins.
func (li *ListImport) Upsert(r *ContactRow, line int) (o Outcome, first int, err error) {
	if err := li.done.Err(); err != nil {
		return 0, 0, fmt.Errorf("line %d: %w", line, err)
	}
	res, err := li.seen.ExecContext(li.ctx, r.Key, line)
	if err != nil {
		return 0, 0, fmt.Errorf("line %d: %w", line, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		err := li.tx.QueryRowContext(li.ctx, `SELECT line FROM `+li.seenTable+` WHERE key = ?`, r.Key).Scan(&first)
		return Duplicate, first, wrap(err, "line %d: %s: look up its first line", line, r.Email)
	}
	id, changed, err := li.upsertContact(r)
	if err != nil {
		return 0, 0, fmt.Errorf("line %d: %s: %w", line, r.Email, err)
	}
	res, err = li.member.ExecContext(li.ctx, li.listID, id, li.now)
	if err != nil {
		return 0, 0, fmt.Errorf("line %d: add %s to the list: %w", line, r.Email, err)
	}
	switch n, _ := res.RowsAffected(); {
	case n > 0:
		return Added, line, nil
	case changed:
		return Updated, line, nil
	}
	return Unchanged, line, nil
}

// upsertContact adds or updates the contact of r. Statements dominate an
// import's time, so it guesses from the previous row: in a first import
// rows are new and the insert alone decides; in a re-import they exist and
// the lookup comes first.
func (li *ListImport) upsertContact(r *ContactRow) (id int64, changed bool, err error) {
	if li.expectNew {
		if id, err = li.insertContact(r); id != 0 || err != nil {
			return id, true, err
		}
	}
	var email, fields string // the stored spelling is kept: email is not written back
	var k [NumKnown]string
	err = li.find.QueryRowContext(li.ctx, r.Key).Scan(&id, &email, &k[0], &k[1], &k[2], &k[3], &k[4], &k[5], &fields)
	if errors.Is(err, sql.ErrNoRows) {
		li.expectNew = true
		id, err = li.insertContact(r)
		return id, true, err
	}
	if err != nil {
		return 0, false, fmt.Errorf("look up the contact: %w", err)
	}
	li.expectNew = false
	n := k
	for i, has := range r.Has {
		if has {
			n[i] = r.Known[i]
		}
	}
	merged, err := mergeFields(fields, r.Fields, r.Cleared)
	if err != nil {
		return 0, false, err
	}
	if n == k && merged == fields {
		return id, false, nil
	}
	_, err = li.update.ExecContext(li.ctx, n[0], n[1], n[2], n[3], n[4], n[5], merged, li.now, id)
	return id, true, wrap(err, "update contact %d", id)
}

// insertContact adds r's contact; id 0 when the address already exists.
// PostgreSQL has no LastInsertId: the statement returns the id instead
// (none on a conflict). On SQLite, RETURNING made an import more than
// four times slower (100,000 rows: 6.4 s instead of 1.4 s, most of it
// system time, as measured in docs/BENCHMARKS.md), so there the id is
// LastInsertId, and RowsAffected tells a conflict.
func (li *ListImport) insertContact(r *ContactRow) (int64, error) {
	n := r.Known
	args := []any{r.Email, r.Key, n[0], n[1], n[2], n[3], n[4], n[5], encodeFields(r.Fields), li.now, li.now}
	if li.pg {
		var id int64
		err := li.insert.QueryRowContext(li.ctx, args...).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, nil
		}
		return id, wrap(err, "add the contact")
	}
	res, err := li.insert.ExecContext(li.ctx, args...)
	if err != nil {
		return 0, wrap(err, "add the contact")
	}
	if k, _ := res.RowsAffected(); k == 0 {
		return 0, nil
	}
	id, err := res.LastInsertId()
	return id, wrap(err, "add the contact")
}

// SetRuntime writes a runtime fact in the import's transaction, so that
// it commits, or not, with the import (the hash of an imported file).
func (li *ListImport) SetRuntime(key, value string) error {
	_, err := li.tx.ExecContext(li.ctx, `INSERT INTO runtime (key, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, key, value, li.now)
	return wrap(err, "set runtime %s", key)
}
