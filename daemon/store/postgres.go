package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// IsPostgres reports whether a `database:` value names a PostgreSQL
// database (a postgres:// or postgresql:// URL) rather than a SQLite file.
func IsPostgres(database string) bool {
	return strings.HasPrefix(database, "postgres://") || strings.HasPrefix(database, "postgresql://")
}

// Redact is database fit for logs and messages: a PostgreSQL URL loses
// its password; a file path is returned as it is.
func Redact(database string) string {
	if !IsPostgres(database) {
		return database
	}
	u, err := url.Parse(database)
	if err != nil {
		return "postgres://(unreadable URL)"
	}
	return u.Redacted()
}

// pgMigrateLock is the key of the transaction-level advisory lock that
// a migration takes (migrate): nodes started together bring the schema
// up to date one after the other. "heraldm" in ASCII.
const pgMigrateLock = 0x68657261_6c646d

// pgIdleConns is how many connections a Store keeps open on PostgreSQL
// while idle.
const pgIdleConns = 8

// openPostgres opens the PostgreSQL database at the URL dsn through pgx's
// database/sql driver, wrapped by pgConnector, and brings its schema up
// to date.
func openPostgres(ctx context.Context, dsn string) (*Store, error) {
	name := Redact(dsn)
	inner, err := stdlib.GetDefaultDriver().(driver.DriverContext).OpenConnector(dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", name, err)
	}
	db := sql.OpenDB(pgConnector{inner})
	// Writes run side by side on PostgreSQL (tx): a wave's sessions, the
	// watchers and the dashboard each take a connection at once. Keep
	// that many open between writes, not database/sql's default of 2,
	// or each write past the second would open a connection (a server
	// process) of its own and close it after.
	db.SetMaxIdleConns(pgIdleConns)
	s := &Store{db: db, path: dsn, pg: true}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", name, err)
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("database %s: %w", name, err)
	}
	return s, nil
}

// pgConnector makes pgx connections that speak the store's SQLite habits:
// the dialect layer is this driver, so that every query of the store (and
// of the packages that add query files to it) runs on both engines as
// written. It does two things and no more:
//   - rebinds SQLite's ? and ?NNN placeholders to PostgreSQL's $n
//     (rebind), outside string literals, quoted names and comments;
//   - begins every transaction SERIALIZABLE (BeginTx): where SQLite's
//     _txlock=immediate lets one writer in at a time, PostgreSQL runs
//     them side by side and fails the one that would see another's
//     writes half-way, which the store runs again (retry.go).
//
// Every other difference (types, RETURNING instead of LastInsertId, the
// schema version, JSON functions) is in the PostgreSQL migrations or in
// dialect.
type pgConnector struct{ inner driver.Connector }

func (c pgConnector) Connect(ctx context.Context) (driver.Conn, error) {
	dc, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	sc, ok := dc.(*stdlib.Conn)
	if !ok {
		dc.Close()
		return nil, fmt.Errorf("store: unexpected pgx connection %T", dc)
	}
	return &pgConn{sc}, nil
}

func (c pgConnector) Driver() driver.Driver { return c.inner.Driver() }

// pgConn is a pgx connection whose statements are rebound; the methods it
// does not override (Ping, ResetSession, IsValid, CheckNamedValue, Close)
// are pgx's own.
type pgConn struct{ *stdlib.Conn }

func (c *pgConn) Prepare(query string) (driver.Stmt, error) {
	return c.Conn.Prepare(rebind(query))
}

func (c *pgConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.Conn.PrepareContext(ctx, rebind(query))
}

func (c *pgConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return c.Conn.ExecContext(ctx, rebind(query), withoutNUL(args))
}

func (c *pgConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return c.Conn.QueryContext(ctx, rebind(query), withoutNUL(args))
}

// withoutNUL drops NUL bytes from string arguments. PostgreSQL's text
// cannot hold one (SQLite's can), and the strings herald stores come
// from strangers' mail and servers' replies: a subject with a NUL byte
// must be recorded, not fail its message on one engine only.
func withoutNUL(args []driver.NamedValue) []driver.NamedValue {
	for i := range args {
		args[i].Value = noNUL(args[i].Value)
	}
	return args
}

// noNUL is v without its NUL bytes when it is a string holding one.
func noNUL(v any) any {
	if s, ok := v.(string); ok && strings.IndexByte(s, 0) >= 0 {
		return strings.ReplaceAll(s, "\x00", "")
	}
	return v
}

func (c *pgConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

// beginSerializable begins a transaction of the store's (tx).
const beginSerializable = "BEGIN ISOLATION LEVEL SERIALIZABLE"

// BeginTx begins a SERIALIZABLE transaction in one round trip. Other
// options than the default (an import, a migration: READ COMMITTED) go
// through pgx's own BeginTx.
func (c *pgConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if opts != (driver.TxOptions{}) {
		return c.Conn.BeginTx(ctx, opts)
	}
	pc := c.Conn.Conn()
	if _, err := pc.Exec(ctx, beginSerializable); err != nil {
		if pc.PgConn().TxStatus() != 'I' {
			_, rerr := pc.Exec(context.WithoutCancel(ctx), "ROLLBACK")
			err = errors.Join(err, rerr)
		}
		return nil, fmt.Errorf("begin transaction: %w", err)
	}
	return pgTx{pc}, nil
}

// pgTx is a transaction begun by BeginTx.
type pgTx struct{ c *pgx.Conn }

// Commit commits; PostgreSQL answers COMMIT of a transaction a failed
// statement ended with ROLLBACK, and no error: that is one here, as in
// pgx's own transactions.
func (t pgTx) Commit() error {
	tag, err := t.c.Exec(context.Background(), "COMMIT")
	if err == nil && tag.String() == "ROLLBACK" {
		return pgx.ErrTxCommitRollback
	}
	return err
}

func (t pgTx) Rollback() error {
	_, err := t.c.Exec(context.Background(), "ROLLBACK")
	return err
}

// rebind turns SQLite placeholders into PostgreSQL ones: ?NNN becomes
// $NNN, and a bare ? the next number after the largest so far (SQLite's
// own rule). Text inside '…', "…" and comments is copied as it is. It is
// not an SQL parser: PostgreSQL's jsonb ? operators cannot be written in
// the store's queries, which no query needs.
func rebind(q string) string {
	if strings.IndexByte(q, '?') < 0 {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	last := 0
	for i := 0; i < len(q); i++ {
		switch c := q[i]; {
		case c == '\'' || c == '"':
			end := strings.IndexByte(q[i+1:], c)
			if end < 0 {
				b.WriteString(q[i:])
				return b.String()
			}
			b.WriteString(q[i : i+end+2])
			i += end + 1
		case c == '-' && strings.HasPrefix(q[i:], "--"):
			end := strings.IndexByte(q[i:], '\n')
			if end < 0 {
				end = len(q) - i - 1
			}
			b.WriteString(q[i : i+end+1])
			i += end
		case c == '/' && strings.HasPrefix(q[i:], "/*"):
			end := strings.Index(q[i+2:], "*/")
			if end < 0 {
				b.WriteString(q[i:])
				return b.String()
			}
			b.WriteString(q[i : i+end+4])
			i += end + 3
		case c == '?':
			j := i + 1
			for j < len(q) && q[j] >= '0' && q[j] <= '9' {
				j++
			}
			n := last + 1
			if j > i+1 {
				n, _ = strconv.Atoi(q[i+1 : j])
			}
			last = max(last, n)
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			i = j - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Exists reports whether the database is there to be read: the SQLite
// file exists, or it is a PostgreSQL URL (opening it says the rest).
func Exists(database string) bool {
	if IsPostgres(database) {
		return true
	}
	_, err := os.Stat(database)
	return err == nil
}

// The statements of CommitDeliveries, rebound once.
var (
	pgRecordOutcomeSQL = rebind(recordOutcomeSQL)
	pgMarkSendingSQL   = rebind(markSendingSQL)
	// A node marks only the rows it claimed: one whose claim was
	// recovered meanwhile (this node was taken for dead) is another's.
	pgMarkClaimedSQL = rebind(markSendingSQL + ` AND claimed_by = ?`)
)

// commitDeliveriesBatch is CommitDeliveries on PostgreSQL, in one round
// trip where a transaction would take four or more: BEGIN, the outcomes,
// the marks and COMMIT go as one pipelined batch. It is driverTx's
// counterpart, for the one write per wave message; a serialization
// failure runs the whole batch again, as tx does.
func (s *Store) commitDeliveriesBatch(outcomes []DeliveryOutcome, ids []int64, now string) ([]bool, error) {
	marked := make([]bool, len(ids))
	// Not ctx: as with driverTx, a commit is never cut half-way.
	bg := context.Background()
	err := s.retry(bg, func() error {
		w, err := s.db.Conn(bg)
		if err != nil {
			return err
		}
		defer w.Close()
		return w.Raw(func(dc any) error {
			c, ok := dc.(*pgConn)
			if !ok {
				return fmt.Errorf("store: unexpected driver connection %T", dc)
			}
			return s.sendDeliveriesBatch(c.Conn.Conn(), outcomes, ids, now, marked)
		})
	})
	if err != nil {
		return nil, fmt.Errorf("update outbox: %w", err)
	}
	return marked, nil
}

// sendDeliveriesBatch sends commitDeliveriesBatch's transaction on c and
// sets marked. A failed statement makes the server skip the rest of the
// batch, its transaction left aborted: it is rolled back here.
func (s *Store) sendDeliveriesBatch(c *pgx.Conn, outcomes []DeliveryOutcome, ids []int64, now string, marked []bool) error {
	bg := context.Background()
	b := &pgx.Batch{}
	b.Queue(beginSerializable)
	for i := range outcomes {
		args := outcomeArgs(&outcomes[i], now) // the batch goes past pgConn's withoutNUL
		for j := range args {
			args[j] = noNUL(args[j])
		}
		b.Queue(pgRecordOutcomeSQL, args...)
	}
	for _, id := range ids {
		if s.node != "" {
			b.Queue(pgMarkClaimedSQL, now, id, s.node)
		} else {
			b.Queue(pgMarkSendingSQL, now, id)
		}
	}
	b.Queue("COMMIT")
	br := c.SendBatch(bg, b)
	err := func() error {
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("begin transaction: %w", err)
		}
		for i := range outcomes {
			if _, err := br.Exec(); err != nil {
				return fmt.Errorf("mark delivery %d %s: %w", outcomes[i].ID, outcomes[i].State, err)
			}
		}
		for i, id := range ids {
			tag, err := br.Exec()
			if err != nil {
				return fmt.Errorf("mark delivery %d sending: %w", id, err)
			}
			marked[i] = tag.RowsAffected() == 1
		}
		tag, err := br.Exec()
		if err == nil && tag.String() == "ROLLBACK" {
			err = pgx.ErrTxCommitRollback
		}
		return wrap(err, "commit")
	}()
	// Close reports the batch's first error again: keep the one that
	// names its delivery.
	if cerr := br.Close(); err == nil {
		err = wrap(cerr, "commit")
	}
	if c.PgConn().TxStatus() != 'I' {
		_, rerr := c.Exec(bg, "ROLLBACK")
		err = errors.Join(err, wrap(rerr, "roll back"))
	}
	return err
}
