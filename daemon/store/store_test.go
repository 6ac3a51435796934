package store

import (
	"context"
	"database/sql"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestOpenCreatesPrivateFileInWAL(t *testing.T) {
	sqliteOnly(t)
	s := openTest(t)
	fi, err := os.Stat(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("database mode = %o, want 600", perm)
	}
	var mode string
	if err := s.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	var fk int
	if err := s.db.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d, %v; want 1", fk, err)
	}
	var v int
	if err := s.db.QueryRow("PRAGMA user_version").Scan(&v); err != nil || v != SchemaVersion() {
		t.Errorf("user_version = %d, %v; want %d", v, err, SchemaVersion())
	}
}

// TestUpgradeFromFrozenV1 builds a database exactly as the first release
// left it (testdata/schema-v1.sql is a frozen copy of 0001), with data, and
// checks that Open migrates it to the current schema without losing rows.
func TestUpgradeFromFrozenV1(t *testing.T) {
	sqliteOnly(t)
	path := filepath.Join(t.TempDir(), "old.db")
	frozen, err := os.ReadFile("testdata/schema-v1.sql")
	if err != nil {
		t.Fatal(err)
	}
	old, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{string(frozen), "PRAGMA user_version = 1",
		`INSERT INTO sandbox_outbox (mail_from, rcpt_to, subject, message_id, received_at, raw)
		 VALUES ('a@example.org', '["b@example.org"]', 'kept', '<1@x>', '2017-11-01T10:00:00Z', 'raw')`} {
		if _, err := old.Exec(stmt); err != nil {
			t.Fatalf("build v1: %v", err)
		}
	}
	old.Close()

	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open(v1) = %v", err)
	}
	defer s.Close()
	var v int
	s.db.QueryRow("PRAGMA user_version").Scan(&v)
	if v != SchemaVersion() {
		t.Errorf("user_version after upgrade = %d, want %d", v, SchemaVersion())
	}
	var got []CapturedMessage
	if err := s.Captured(context.Background(), true, func(m CapturedMessage) error { got = append(got, m); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Subject != "kept" || string(got[0].Raw) != "raw" || got[0].To[0] != "b@example.org" {
		t.Errorf("rows after upgrade = %+v", got)
	}
	var n int
	s.db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'sandbox_outbox_received'`).Scan(&n)
	if n != 1 {
		t.Errorf("migration 2 index missing after upgrade")
	}
}

func TestRefusesNewerSchema(t *testing.T) {
	s := openTest(t)
	err := s.tx(context.Background(), func(tx *sql.Tx) error {
		return s.dialect().setSchemaVersion(context.Background(), tx, 999)
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = Open(context.Background(), s.Path())
	if err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("Open(newer schema) = %v, want a 'newer' error", err)
	}
}

func TestMigrationsNumbered(t *testing.T) {
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	frozen, _ := os.ReadFile("testdata/schema-v1.sql")
	if ms[0].sql != string(frozen) {
		t.Error("migrations/0001_init.sql changed after release: add a new migration instead")
	}
}

// TestTwoProcessesWrite opens the file twice, as the CLI and the daemon do,
// and writes from both at once: no "database is locked" error may surface.
func TestTwoProcessesWrite(t *testing.T) {
	a := openTest(t)
	b, err := Open(context.Background(), a.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 400)
	for _, s := range []*Store{a, b} {
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func(s *Store) {
				defer wg.Done()
				for i := 0; i < 50; i++ {
					// A read-then-write transaction: the pattern that fails
					// without _txlock=immediate.
					errs <- s.tx(ctx, func(tx *sql.Tx) error {
						var n int
						if err := tx.QueryRow(`SELECT count(*) FROM sandbox_outbox`).Scan(&n); err != nil {
							return err
						}
						_, err := tx.Exec(`INSERT INTO sandbox_outbox (mail_from, rcpt_to, subject, message_id, received_at, raw)
							VALUES ('a', '[]', '', '', ?, '')`, time.Now().UTC().Format(time.RFC3339Nano))
						return err
					})
				}
			}(s)
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent write: %v", err)
		}
	}
	var n int
	a.db.QueryRow(`SELECT count(*) FROM sandbox_outbox`).Scan(&n)
	if n != 400 {
		t.Errorf("rows = %d, want 400", n)
	}
}

func TestRuntime(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	if _, ok, err := s.Runtime(ctx, RuntimeSandboxSMTP); ok || err != nil {
		t.Fatalf("Runtime(absent) = %v, %v", ok, err)
	}
	s.SetRuntime(ctx, RuntimeSandboxSMTP, "127.0.0.1:1")
	s.SetRuntime(ctx, RuntimeSandboxSMTP, "127.0.0.1:2")
	if v, ok, err := s.Runtime(ctx, RuntimeSandboxSMTP); !ok || err != nil || v != "127.0.0.1:2" {
		t.Fatalf("Runtime() = %q, %v, %v", v, ok, err)
	}
	s.ClearRuntime(ctx, RuntimeSandboxSMTP)
	if _, ok, _ := s.Runtime(ctx, RuntimeSandboxSMTP); ok {
		t.Fatal("ClearRuntime left the key")
	}
}

// An existing database (and its WAL files) that others may read is made
// private again, with a warning that says so.
func TestOpenMakesALooseDatabasePrivate(t *testing.T) {
	sqliteOnly(t)
	path := filepath.Join(t.TempDir(), "herald.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	// A WAL file left by a crash; SQLite removes it on a clean close.
	if err := os.WriteFile(path+"-wal", nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path+"-wal", 0o664); err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, nil)))

	s, err = Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open(0644 file) = %v", err)
	}
	s.Close()
	if fi, err := os.Stat(path); err != nil {
		t.Fatal(err)
	} else if fi.Mode().Perm() != 0o600 {
		t.Errorf("database mode = %o, want 600", fi.Mode().Perm())
	}
	out := logs.String()
	for _, want := range []string{"level=WARN", "made it private", "herald.db mode=0644", "herald.db-wal mode=0664"} {
		if !strings.Contains(out, want) {
			t.Errorf("warning lacks %q:\n%s", want, out)
		}
	}
}

// TestCancelledTransactionKeepsTheWriter: a context that ends while its
// transaction is open (a daemon stopping mid-write) must not take the
// process's writer connection with it. database/sql would discard it and
// every later write would fail with "connection is already closed".
func TestCancelledTransactionKeepsTheWriter(t *testing.T) {
	s := openTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	err := s.tx(ctx, func(tx *sql.Tx) error {
		cancel()
		// Give database/sql's watcher every chance to end the transaction.
		for range 1000 {
			if _, err := tx.ExecContext(context.Background(), `SELECT 1`); err != nil {
				return err
			}
			runtime.Gosched()
		}
		_, err := tx.ExecContext(context.Background(), `INSERT INTO runtime (key, value, updated_at) VALUES ('k', 'v', '')`)
		return err
	})
	if err != nil {
		t.Fatalf("tx() with its context cancelled inside = %v; want it to commit", err)
	}
	if err := s.SetRuntime(context.Background(), "after", "x"); err != nil {
		t.Fatalf("SetRuntime() after a cancelled transaction = %v", err)
	}
	if v, ok, err := s.Runtime(context.Background(), "k"); v != "v" || !ok || err != nil {
		t.Errorf("Runtime(k) = %q, %v, %v; want the cancelled transaction's write committed", v, ok, err)
	}
}
