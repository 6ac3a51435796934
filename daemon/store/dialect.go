package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// dialect holds the SQL that differs between SQLite and PostgreSQL beyond
// placeholders and transaction locking (which pgConn translates): the
// schema version's home, temporary tables and JSON. Every query not
// built from these fragments is the same text on both engines.
type dialect struct {
	pg bool
	// temp is the schema of a connection's temporary tables.
	temp string
	// withoutRowid ends a CREATE TABLE whose rows need no rowid
	// (SQLite); PostgreSQL has no such thing.
	withoutRowid string
}

var (
	sqliteDialect   = dialect{temp: "temp", withoutRowid: " WITHOUT ROWID"}
	postgresDialect = dialect{pg: true, temp: "pg_temp"}
)

func (s *Store) dialect() dialect {
	if s.pg {
		return postgresDialect
	}
	return sqliteDialect
}

// jsonKeys is a FROM item listing the keys of the JSON object in col as
// column alias.key.
func (d dialect) jsonKeys(col, alias string) string {
	if d.pg {
		return "json_object_keys(" + col + "::json) AS " + alias + "(key)"
	}
	return "json_each(" + col + ") " + alias
}

// schemaVersion reads the number of migrations applied: SQLite keeps it
// in the file header (PRAGMA user_version), PostgreSQL in a table of one
// row that the first migration's transaction creates.
func (d dialect) schemaVersion(ctx context.Context, tx *sql.Tx) (int, error) {
	var v int
	if !d.pg {
		err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
		return v, err
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)`); err != nil {
		return 0, err
	}
	err := tx.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return v, err
}

// setSchemaVersion records that v migrations are applied.
func (d dialect) setSchemaVersion(ctx context.Context, tx *sql.Tx, v int) error {
	if !d.pg {
		// PRAGMA takes no bound parameters; the value is our own integer.
		_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v))
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM schema_version`); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (?)`, v)
	return err
}

// failTrigger is the statements of a trigger that makes event ("INSERT",
// "UPDATE OF state") on table fail with message when cond (on NEW) holds:
// how tests stand in for a broken disk. cond and message are SQL text, the
// test's own.
func (d dialect) failTrigger(name, table, event, cond, message string) []string {
	if !d.pg {
		return []string{`CREATE TRIGGER ` + name + ` BEFORE ` + event + ` ON ` + table + ` WHEN ` + cond +
			` BEGIN SELECT RAISE(ABORT, ` + message + `); END`}
	}
	return []string{
		`CREATE FUNCTION ` + name + `() RETURNS trigger LANGUAGE plpgsql AS $fail$ BEGIN IF ` + cond +
			` THEN RAISE EXCEPTION '%', ` + message + `; END IF; RETURN NEW; END $fail$`,
		`CREATE TRIGGER ` + name + ` BEFORE ` + event + ` ON ` + table + ` FOR EACH ROW EXECUTE FUNCTION ` + name + `()`,
	}
}

// addFailTrigger creates failTrigger's trigger in s.
func addFailTrigger(s *Store, name, table, event, cond, message string) error {
	for _, q := range s.dialect().failTrigger(name, table, event, cond, message) {
		if _, err := s.db.Exec(q); err != nil {
			return err
		}
	}
	return nil
}
