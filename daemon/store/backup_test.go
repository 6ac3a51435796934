package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
)

// TestBackupWhileWriting takes a backup while another connection commits
// rows without pause, as the daemon does, and checks the copy is one
// consistent moment: every row committed before the backup began, no row
// committed after it returned, and no gap in between.
func TestBackupWhileWriting(t *testing.T) {
	sqliteOnly(t)
	ctx := context.Background()
	s := openTest(t)
	var committed atomic.Int64
	stop, done := make(chan struct{}), make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			if err := s.SetRuntime(ctx, fmt.Sprintf("k%06d", i), "v"); err != nil {
				done <- err
				return
			}
			committed.Store(int64(i + 1))
		}
	}()
	for committed.Load() < 200 {
		select {
		case err := <-done:
			t.Fatalf("writer stopped: %v", err)
		default:
			runtime.Gosched()
		}
	}
	before := committed.Load()
	dest := filepath.Join(t.TempDir(), "backup.db")
	res, err := Backup(ctx, s.Path(), dest, false)
	after := committed.Load()
	close(stop)
	if werr := <-done; werr != nil {
		t.Fatalf("writer: %v", werr)
	}
	if err != nil {
		t.Fatalf("Backup() = %v", err)
	}
	t.Logf("rows committed: %d before the backup, %d when it returned", before, after)
	if res.Schema != SchemaVersion() || res.File != dest || res.Bytes == 0 {
		t.Errorf("Backup() = %+v, want schema %d, file %s, a size", res, SchemaVersion(), dest)
	}
	assertSelfContained(t, dest)

	cp, err := Open(ctx, dest)
	if err != nil {
		t.Fatalf("Open(backup) = %v", err)
	}
	defer cp.Close()
	var n, last int64
	var maxKey sql.NullString
	if err := cp.db.QueryRow(`SELECT count(*), max(key) FROM runtime WHERE key LIKE 'k%'`).Scan(&n, &maxKey); err != nil {
		t.Fatal(err)
	}
	if n < before || n > after {
		t.Fatalf("backup holds %d rows, want between %d and %d", n, before, after)
	}
	if _, err := fmt.Sscanf(maxKey.String, "k%d", &last); err != nil || last != n-1 {
		t.Errorf("backup's last row is %q of %d rows: a gap, not one moment", maxKey.String, n)
	}
}

// assertSelfContained checks the file is private, in rollback-journal
// mode (header bytes 18-19 are 1, not WAL's 2), with no -wal beside it.
func assertSelfContained(t *testing.T, path string) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("backup mode = %o, want 600", perm)
	}
	head := make([]byte, 20)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Read(head); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(head, []byte("SQLite format 3\x00")) || head[18] != 1 || head[19] != 1 {
		t.Errorf("backup header % x: want an SQLite file in rollback-journal mode", head)
	}
	for _, side := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(path + side); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s%s beside the backup: %v", path, side, err)
		}
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*.tmp-*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestBackupRefusesToOverwriteUnlessForced(t *testing.T) {
	sqliteOnly(t)
	ctx := context.Background()
	s := openTest(t)
	if err := s.SetRuntime(ctx, "probe", "1"); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(dest, []byte("yesterday's backup"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Backup(ctx, s.Path(), dest, false); !errors.Is(err, ErrBackupExists) {
		t.Fatalf("Backup() over an existing file = %v, want ErrBackupExists", err)
	}
	if b, _ := os.ReadFile(dest); string(b) != "yesterday's backup" {
		t.Fatalf("existing file changed to %q", b)
	}
	if _, err := Backup(ctx, s.Path(), dest, true); err != nil {
		t.Fatalf("Backup(overwrite) = %v", err)
	}
	assertSelfContained(t, dest)
	cp, err := Open(ctx, dest)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	if v, ok, err := cp.Runtime(ctx, "probe"); err != nil || !ok || v != "1" {
		t.Errorf("backup Runtime(probe) = %q, %v, %v; want 1", v, ok, err)
	}
	if _, err := Backup(ctx, s.Path(), s.Path(), true); err == nil {
		t.Error("Backup() onto the database itself succeeded")
	}
}

func TestBackupOfMissingDatabaseCreatesNothing(t *testing.T) {
	sqliteOnly(t)
	dir := t.TempDir()
	src, dest := filepath.Join(dir, "nope.db"), filepath.Join(dir, "backup.db")
	if _, err := Backup(context.Background(), src, dest, false); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Backup(missing) = %v, want not exist", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("files created: %v", entries)
	}
}

// TestBackupLeavesOldSchemaAlone backs up a database of schema 1: the copy
// and the source stay at 1, because a backup must not upgrade what it
// copies (a newer herald may be installed before the old one is stopped).
func TestBackupLeavesOldSchemaAlone(t *testing.T) {
	sqliteOnly(t)
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "old.db")
	frozen, err := os.ReadFile("testdata/schema-v1.sql")
	if err != nil {
		t.Fatal(err)
	}
	old, err := sql.Open("sqlite3", "file:"+src+"?_journal_mode=WAL")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.Exec(string(frozen) + "; PRAGMA user_version = 1"); err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	res, err := Backup(ctx, src, filepath.Join(dir, "b.db"), false)
	if err != nil || res.Schema != 1 {
		t.Fatalf("Backup() = %+v, %v; want schema 1", res, err)
	}
	var v int
	if err := old.QueryRow("PRAGMA user_version").Scan(&v); err != nil || v != 1 {
		t.Errorf("source user_version = %d, %v after the backup; want 1", v, err)
	}
}

func TestVerifyCopyRejectsOtherSchema(t *testing.T) {
	sqliteOnly(t)
	ctx := context.Background()
	s := openTest(t)
	dest := filepath.Join(t.TempDir(), "b.db")
	if _, err := Backup(ctx, s.Path(), dest, false); err != nil {
		t.Fatal(err)
	}
	err := verifyCopy(ctx, dest, SchemaVersion()+1)
	if err == nil {
		t.Fatal("verifyCopy with another schema version = nil")
	}
	t.Log(err)
}

func TestBackupRefusesPostgres(t *testing.T) {
	sqliteOnly(t) // engine-independent: run once
	_, err := Backup(context.Background(), "postgres://u:secret@db.example/herald", filepath.Join(t.TempDir(), "b.db"), false)
	if err == nil || !strings.Contains(err.Error(), "pg_dump") || strings.Contains(err.Error(), "secret") {
		t.Fatalf("Backup(postgres URL) = %v; want a pg_dump hint without the password", err)
	}
}
