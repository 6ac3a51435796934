package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// BackupResult describes a finished backup.
type BackupResult struct {
	File   string // the backup, as written
	Schema int    // PRAGMA user_version of the copy, equal to the source's
	Bytes  int64  // size of the copy
}

// ErrBackupExists is returned when the backup file exists and overwriting
// was not asked for.
var ErrBackupExists = errors.New("backup file already exists")

// Backup writes a consistent copy of the database at src to dest while
// other processes (the daemon) go on reading and writing it, then checks
// the copy before putting it in place.
//
// It uses VACUUM INTO rather than SQLite's online backup API: VACUUM INTO
// copies the database inside one read transaction, so under WAL it sees one
// snapshot and never waits for or blocks the daemon's writer, whereas the
// backup API, stepped page by page, starts over whenever another
// connection commits mid-copy and may never finish on a busy database. The
// copy is also compacted. It takes none of the daemon's locks: WAL readers
// need none.
//
// Backup opens src as it is, without creating it or migrating its schema,
// so backing up with a newer herald leaves the database untouched. The copy
// is written next to dest under a temporary name, checked (PRAGMA
// integrity_check, the same user_version as src), switched to a rollback
// journal so that it is one self-contained file, and only then renamed to
// dest: a failed backup never leaves a half-written dest behind, nor
// replaces a good one.
func Backup(ctx context.Context, src, dest string, overwrite bool) (BackupResult, error) {
	res := BackupResult{File: dest}
	if IsPostgres(src) {
		return res, fmt.Errorf("database %s is PostgreSQL: back it up with pg_dump (herald backup copies SQLite files)", Redact(src))
	}
	if _, err := os.Stat(src); err != nil {
		return res, fmt.Errorf("database %s: %w", src, err)
	}
	if same, _ := sameFile(src, dest); same {
		return res, fmt.Errorf("backup %s: that is the database itself", dest)
	}
	if _, err := os.Lstat(dest); err == nil && !overwrite {
		return res, fmt.Errorf("%s: %w (use --force to replace it)", dest, ErrBackupExists)
	}
	tmp, err := privateTemp(dest)
	if err != nil {
		return res, err
	}
	defer os.Remove(tmp) // gone after the rename; removes a failed copy
	schema, err := vacuumInto(ctx, src, tmp)
	if err != nil {
		return res, err
	}
	if err := verifyCopy(ctx, tmp, schema); err != nil {
		return res, fmt.Errorf("backup of %s failed its check: %w", src, err)
	}
	if err := putInPlace(tmp, dest, overwrite); err != nil {
		return res, err
	}
	res.Schema = schema
	if fi, err := os.Stat(dest); err == nil {
		res.Bytes = fi.Size()
	}
	return res, nil
}

// sameFile tells whether a and b name one file (b may not exist).
func sameFile(a, b string) (bool, error) {
	fa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	fb, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(fa, fb), nil
}

// privateTemp creates an empty file, mode 0600, in dest's folder: VACUUM
// INTO writes into an empty file, and the copy holds contact data.
func privateTemp(dest string) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".tmp-*")
	if err != nil {
		return "", fmt.Errorf("backup %s: %w", dest, err)
	}
	name := f.Name()
	if err := errors.Join(f.Chmod(0o600), f.Close()); err != nil {
		os.Remove(name)
		return "", fmt.Errorf("backup %s: %w", dest, err)
	}
	return name, nil
}

// openExisting opens the database at path without creating it, changing
// its journal mode or migrating it.
func openExisting(path string) (*sql.DB, error) {
	q := url.Values{}
	q.Set("mode", "rw")
	q.Set("_busy_timeout", "5000")
	return sql.Open("sqlite3", "file:"+escapePath(path)+"?"+q.Encode())
}

// escapePath makes path safe inside a file: URI, where "?" and "#" would
// otherwise end it (RFC 8089, as SQLite reads it).
func escapePath(path string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}

// vacuumInto copies src into the empty file tmp in one read transaction
// and returns src's schema version as of that transaction.
func vacuumInto(ctx context.Context, src, tmp string) (int, error) {
	db, err := openExisting(src)
	if err != nil {
		return 0, fmt.Errorf("open database %s: %w", src, err)
	}
	defer db.Close()
	// One connection, so the version and the copy come from the same
	// database; the schema only changes when a daemon starts and migrates.
	db.SetMaxOpenConns(1)
	var schema int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&schema); err != nil {
		return 0, fmt.Errorf("read database %s: %w", src, err)
	}
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		return 0, fmt.Errorf("copy database %s: %w", src, err)
	}
	return schema, nil
}

// verifyCopy runs SQLite's full consistency check on the copy, compares
// its schema version, and makes it a rollback-journal database so that it
// needs no -wal or -shm file beside it.
func verifyCopy(ctx context.Context, path string, schema int) error {
	db, err := openExisting(path)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode = DELETE").Scan(&mode); err != nil {
		return fmt.Errorf("journal mode: %w", err)
	}
	rows, err := db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return fmt.Errorf("integrity check: %w", err)
		}
		problems = append(problems, line)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if len(problems) != 1 || problems[0] != "ok" {
		return fmt.Errorf("integrity check: %s", strings.Join(problems, "; "))
	}
	var got int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&got); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if got != schema {
		return fmt.Errorf("the copy has schema version %d, the database %d", got, schema)
	}
	return db.Close()
}

// putInPlace syncs the checked copy to disk and gives it dest's name:
// atomically replacing dest when overwrite is set, else failing if dest
// appeared in the meantime (a hard link never replaces a file).
func putInPlace(tmp, dest string, overwrite bool) error {
	f, err := os.Open(tmp)
	if err != nil {
		return fmt.Errorf("backup %s: %w", dest, err)
	}
	err = errors.Join(f.Sync(), f.Close())
	if err != nil {
		return fmt.Errorf("backup %s: sync: %w", dest, err)
	}
	if overwrite {
		err = os.Rename(tmp, dest)
	} else if err = os.Link(tmp, dest); errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%s: %w (use --force to replace it)", dest, ErrBackupExists)
	}
	if err != nil {
		return fmt.Errorf("backup %s: %w", dest, err)
	}
	if d, err := os.Open(filepath.Dir(dest)); err == nil {
		d.Sync() // the new name survives a power cut; best effort
		d.Close()
	}
	return nil
}
