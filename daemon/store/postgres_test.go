package store

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRebind(t *testing.T) {
	sqliteOnly(t) // pure text: once is enough
	for _, c := range []struct{ in, want string }{
		{`SELECT 1`, `SELECT 1`},
		{`SELECT a FROM t WHERE a = ? AND b = ?`, `SELECT a FROM t WHERE a = $1 AND b = $2`},
		{`WHERE a = ?1 AND b >= ?2 AND c < ?2`, `WHERE a = $1 AND b >= $2 AND c < $2`},
		{`VALUES (?2, ?)`, `VALUES ($2, $3)`},
		{`SELECT '?', "a?b", ? -- why? it's so
, ?`, `SELECT '?', "a?b", $1 -- why? it's so
, $2`},
		{`SELECT 'it''s ?', ? /* a ? 'b */, ?`, `SELECT 'it''s ?', $1 /* a ? 'b */, $2`},
		{`SELECT '?`, `SELECT '?`},
		{`x = ? -- trailing ?`, `x = $1 -- trailing ?`},
	} {
		if got := rebind(c.in); got != c.want {
			t.Errorf("rebind(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}

func TestIsPostgresAndRedact(t *testing.T) {
	sqliteOnly(t)
	for _, c := range []struct {
		in     string
		pg     bool
		redact string
	}{
		{"data/herald.db", false, "data/herald.db"},
		{"postgres://herald:s3cret@db.example/herald?sslmode=require", true, "postgres://herald:xxxxx@db.example/herald?sslmode=require"},
		{"postgresql://db.example/herald", true, "postgresql://db.example/herald"},
	} {
		if got := IsPostgres(c.in); got != c.pg {
			t.Errorf("IsPostgres(%q) = %v", c.in, got)
		}
		if got := Redact(c.in); got != c.redact {
			t.Errorf("Redact(%q) = %q; want %q", c.in, got, c.redact)
		}
	}
}

// TestTransactionsSerialise: on PostgreSQL, as on SQLite, a transaction
// that reads and then writes sees no other writer in between, whichever
// process the other writer is in (here: a second Store on the database):
// SQLite lets one writer in at a time, PostgreSQL fails one of two
// SERIALIZABLE transactions that collide and the store runs it again.
func TestTransactionsSerialise(t *testing.T) {
	a := openTest(t)
	b, err := Open(context.Background(), a.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()
	if err := a.SetRuntime(ctx, "n", "0"); err != nil {
		t.Fatal(err)
	}
	// Each increment reads n and writes n+1 in one transaction: at READ
	// COMMITTED, two at once would both read the same n and one
	// increment would be lost.
	incr := func(s *Store) error {
		return s.tx(ctx, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT CAST(value AS INTEGER) FROM runtime WHERE key = 'n'`).Scan(&n); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `UPDATE runtime SET value = ? WHERE key = 'n'`, strconv.Itoa(n+1))
			return err
		})
	}
	const each = 50
	errs := make(chan error, 2*each)
	var wg sync.WaitGroup
	for _, s := range []*Store{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				errs <- incr(s)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if v, _, err := a.Runtime(ctx, "n"); err != nil || v != strconv.Itoa(2*each) {
		t.Errorf("n = %s, %v; want %d", v, err, 2*each)
	}
}

// TestHoldDaemonLock: nodes (shared) run together on a PostgreSQL
// database, a daemon with the sandbox (exclusive) alone, never both; a
// released (or dead) holder frees it.
func TestHoldDaemonLock(t *testing.T) {
	a := openTest(t)
	ctx := context.Background()
	if !a.Postgres() {
		if _, err := a.HoldDaemonLock(ctx, false); err == nil {
			t.Error("HoldDaemonLock on SQLite succeeded; the .lock file is SQLite's")
		}
		return
	}
	b, err := Open(ctx, a.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	la, err := a.HoldDaemonLock(ctx, false)
	if err != nil {
		t.Fatalf("first HoldDaemonLock = %v", err)
	}
	if _, err := b.HoldDaemonLock(ctx, false); !errors.Is(err, ErrDaemonRunning) || !strings.Contains(err.Error(), "sandbox") {
		t.Fatalf("second HoldDaemonLock = %v; want ErrDaemonRunning saying a sandbox runs alone", err)
	}
	if _, err := b.HoldDaemonLock(ctx, true); !errors.Is(err, ErrDaemonRunning) {
		t.Fatalf("a node's HoldDaemonLock beside a sandbox = %v; want ErrDaemonRunning", err)
	}
	la.Release()
	lb, err := b.HoldDaemonLock(ctx, false)
	if err != nil {
		t.Fatalf("HoldDaemonLock after release = %v", err)
	}
	lb.Release()
	// Nodes share it, and keep a sandboxed daemon out.
	if la, err = a.HoldDaemonLock(ctx, true); err != nil {
		t.Fatal(err)
	}
	defer la.Release()
	if lb, err = b.HoldDaemonLock(ctx, true); err != nil {
		t.Fatalf("second node's HoldDaemonLock = %v; want nodes to share the database", err)
	}
	defer lb.Release()
	c, err := Open(ctx, a.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.HoldDaemonLock(ctx, false); !errors.Is(err, ErrDaemonRunning) {
		t.Errorf("exclusive HoldDaemonLock beside nodes = %v; want ErrDaemonRunning", err)
	}
}

// TestDaemonLockCheck: a daemon's lock whose session the server ended
// (pg_terminate_backend, as a restart or a cut network does) is noticed
// by Check and taken again; when another daemon took it meanwhile, Check
// fails with ErrDaemonRunning.
func TestDaemonLockCheck(t *testing.T) {
	a := openTest(t)
	if !a.Postgres() {
		t.Skip("PostgreSQL only: SQLite's lock is a file")
	}
	ctx := context.Background()
	admin, err := sql.Open("pgx", pgServer.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	u, err := url.Parse(a.Path())
	if err != nil {
		t.Fatal(err)
	}
	db := strings.TrimPrefix(u.Path, "/")
	// terminate ends the sessions holding the daemon lock on db.
	terminate := func() {
		t.Helper()
		var n int
		if err := admin.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_locks
			WHERE locktype = 'advisory' AND objid = $1 AND granted
			AND database = (SELECT oid FROM pg_database WHERE datname = $2)`,
			int64(pgDaemonLock&0xffffffff), db).Scan(&n); err != nil || n != 1 {
			t.Fatalf("terminate the lock's session: %d ended, %v; want 1", n, err)
		}
	}
	l, err := a.HoldDaemonLock(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	if retaken, err := l.Check(ctx); retaken || err != nil {
		t.Fatalf("Check of a held lock = %v, %v", retaken, err)
	}
	terminate()
	if retaken, err := l.Check(ctx); !retaken || err != nil {
		t.Fatalf("Check after its session ended = %v, %v; want it taken again", retaken, err)
	}
	if retaken, err := l.Check(ctx); retaken || err != nil {
		t.Fatalf("Check after taking it again = %v, %v", retaken, err)
	}
	// Lost again, and a sandboxed daemon starts meanwhile: this node
	// must stop, not run beside it.
	terminate()
	b, err := Open(ctx, a.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var sandbox *DaemonLock
	for range 50 { // the server frees an ended session's locks soon after
		if sandbox, err = b.HoldDaemonLock(ctx, false); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("sandbox's HoldDaemonLock once the node's lock was lost = %v", err)
	}
	defer sandbox.Release()
	if retaken, err := l.Check(ctx); retaken || !errors.Is(err, ErrDaemonRunning) {
		t.Errorf("Check with a sandbox holding the database = %v, %v; want ErrDaemonRunning", retaken, err)
	}
}

// TestWritesSurviveALostConnection: when the server ends herald's
// connections (a restart, a failover, an administrator), the write that
// meets a dead connection may fail, and is reported; the ones after it
// go through on a new connection.
func TestWritesSurviveALostConnection(t *testing.T) {
	a := openTest(t)
	if !a.Postgres() {
		t.Skip("PostgreSQL only: a SQLite file has no connection to lose")
	}
	ctx := context.Background()
	if err := a.SetRuntime(ctx, "k", "before"); err != nil {
		t.Fatal(err)
	}
	admin, err := sql.Open("pgx", pgServer.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var ended int
	err = admin.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = $1 AND pid <> pg_backend_pid()`, dbName(t, a)).Scan(&ended)
	if err != nil || ended == 0 {
		t.Fatalf("terminate herald's connections: %d ended, %v", ended, err)
	}
	first := a.SetRuntime(ctx, "k", "during")
	t.Logf("the write that met the dead connection: %v", first)
	if first != nil && !IsStoreFailure(first) {
		t.Errorf("IsStoreFailure(%v) = false; a lost connection is the database's failure, not the message's", first)
	}
	for i := range 3 {
		if err := a.SetRuntime(ctx, "k", "after"); err != nil {
			t.Fatalf("write %d after the lost connection = %v", i+1, err)
		}
	}
	if v, _, err := a.Runtime(ctx, "k"); v != "after" || err != nil {
		t.Errorf("Runtime(k) = %q, %v; want after", v, err)
	}
}

// dbName is the database of a PostgreSQL store.
func dbName(t *testing.T, s *Store) string {
	var name string
	if err := s.db.QueryRow(`SELECT current_database()`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	return name
}

// TestNULBytesAreRecorded: a NUL byte in a stranger's subject or text is
// dropped on PostgreSQL, whose text type cannot hold one, instead of
// failing the message's recording there and not on SQLite.
func TestNULBytesAreRecorded(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	var id int64
	err := s.Inbox(ctx, func(tx *InboxTx) error {
		var err error
		id, err = tx.AddMessage(MessageRow{Account: "a", Direction: "in", Mailbox: "INBOX", UIDValidity: 1, UID: 1,
			MessageID: "nul@x", Hash: "h", From: "x@example.org", Subject: "in\x00valid", Kind: "enquiry",
			Text: "body\x00text"})
		return err
	})
	if err != nil {
		t.Fatalf("recording a message with NUL bytes = %v", err)
	}
	m, err := s.Message(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if strings.ReplaceAll(m.Subject, "\x00", "") != "invalid" || (s.Postgres() && strings.Contains(m.Subject, "\x00")) {
		t.Errorf("subject = %q, want invalid (without its NUL on PostgreSQL)", m.Subject)
	}
}
