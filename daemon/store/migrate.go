package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql migrations_pg/*.sql
var migrationFiles embed.FS

// migrationDirs are the migrations of each engine: SQLite's, and their
// PostgreSQL twins, file for file.
const (
	sqliteMigrations   = "migrations"
	postgresMigrations = "migrations_pg"
)

// migration is one numbered schema step, named NNNN_what.sql.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns SQLite's embedded steps in order, checking they are
// numbered 1, 2, 3… without gaps.
func migrations() ([]migration, error) { return migrationsIn(sqliteMigrations) }

// migrationsIn returns the steps of one engine's folder in order.
func migrationsIn(dir string) ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration file %s: name must start with its number", e.Name())
		}
		body, err := migrationFiles.ReadFile(dir + "/" + e.Name())
		if err != nil {
			return nil, fmt.Errorf("migration %s: %w", e.Name(), err)
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected number %d", m.name, i+1)
		}
	}
	return ms, nil
}

// SchemaVersion is the schema version this binary writes.
func SchemaVersion() int {
	ms, err := migrations()
	if err != nil {
		return 0
	}
	return len(ms)
}

// migrate applies every step newer than the schema version, all in one
// transaction with the version bump, so a crash leaves the old schema or
// the new one, never half of it.
func (s *Store) migrate(ctx context.Context) error {
	dir := sqliteMigrations
	if s.pg {
		dir = postgresMigrations
	}
	ms, err := migrationsIn(dir)
	if err != nil {
		return err // names the migration
	}
	var opts *sql.TxOptions
	if s.pg {
		// Nodes started together migrate one after the other (the
		// lock), each statement seeing what the one before committed
		// (READ COMMITTED): the second finds the schema up to date.
		opts = &sql.TxOptions{Isolation: sql.LevelReadCommitted}
	}
	return s.txWith(ctx, opts, func(tx *sql.Tx) error {
		if s.pg {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(pgMigrateLock)); err != nil {
				return fmt.Errorf("take the migration lock: %w", err)
			}
		}
		have, err := s.dialect().schemaVersion(ctx, tx)
		if err != nil {
			return fmt.Errorf("read schema version: %w", err)
		}
		if have > len(ms) {
			return fmt.Errorf("schema version %d is newer than this herald knows (%d): use a newer herald", have, len(ms))
		}
		for _, m := range ms[have:] {
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
		}
		if have == len(ms) {
			return nil
		}
		return wrap(s.dialect().setSchemaVersion(ctx, tx, len(ms)), "set schema version %d", len(ms))
	})
}
