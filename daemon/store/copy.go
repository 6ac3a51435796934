package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// TableCount is one table copied by CopyToPostgres, with its rows.
type TableCount struct {
	Table string
	Rows  int64
}

// CopyToPostgres copies the SQLite database at src into the PostgreSQL
// database at dst (`herald migrate-store`): every table, parents before
// the tables that refer to them, in one PostgreSQL transaction that
// commits only when each table holds as many rows as the source. Both
// are first brought to this herald's schema; dst must have no rows yet.
// The SQLite write lock is held throughout, so the copy is one moment of
// the source; the daemon must be stopped (the caller holds its lock).
func CopyToPostgres(ctx context.Context, src, dst string) ([]TableCount, error) {
	if IsPostgres(src) || !IsPostgres(dst) {
		return nil, fmt.Errorf("copy %s to %s: the source must be a SQLite file and the target a postgres:// URL", Redact(src), Redact(dst))
	}
	if !Exists(src) {
		return nil, fmt.Errorf("copy: database %s does not exist", src)
	}
	from, err := Open(ctx, src)
	if err != nil {
		return nil, err // names the database
	}
	defer from.Close()
	to, err := Open(ctx, dst)
	if err != nil {
		return nil, err // names the database, redacted
	}
	defer to.Close()
	var counts []TableCount
	err = from.tx(ctx, func(stx *sql.Tx) error {
		tables, err := copyOrder(ctx, from, to)
		if err != nil {
			return err
		}
		return to.tx(ctx, func(dtx *sql.Tx) error {
			counts, err = copyTables(ctx, stx, dtx, tables)
			if err != nil {
				return err
			}
			return resetIdentities(ctx, dtx)
		})
	})
	return counts, wrap(err, "copy %s to %s", src, Redact(dst))
}

// table is one table's name and columns, in their order.
type table struct {
	name string
	cols []string
}

// copyOrder lists the tables of from, parents first (SQLite's foreign
// keys), after checking that to has the same tables and columns.
func copyOrder(ctx context.Context, from, to *Store) ([]table, error) {
	src, err := from.schema(ctx)
	if err != nil {
		return nil, fmt.Errorf("read tables of the SQLite database: %w", err)
	}
	dst, err := to.schema(ctx)
	if err != nil {
		return nil, fmt.Errorf("read tables of the PostgreSQL database: %w", err)
	}
	if !slices.EqualFunc(src, dst, func(a, b table) bool { return a.name == b.name && slices.Equal(a.cols, b.cols) }) {
		return nil, fmt.Errorf("the two schemas differ (same herald, same version %d): %v against %v", SchemaVersion(), src, dst)
	}
	parents := map[string][]string{}
	for _, t := range src {
		rows, err := from.db.QueryContext(ctx, `SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)`, t.name)
		if err != nil {
			return nil, fmt.Errorf("read foreign keys of %s: %w", t.name, err)
		}
		for rows.Next() {
			var p string
			if err := rows.Scan(&p); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read foreign keys of %s: %w", t.name, err)
			}
			if p != t.name {
				parents[t.name] = append(parents[t.name], p)
			}
		}
		rows.Close()
	}
	var order []table
	placed := map[string]bool{}
	for len(order) < len(src) {
		before := len(order)
		for _, t := range src {
			if !placed[t.name] && allPlaced(parents[t.name], placed) {
				order, placed[t.name] = append(order, t), true
			}
		}
		if len(order) == before {
			return nil, fmt.Errorf("foreign keys form a cycle among the tables left: %v", src)
		}
	}
	return order, nil
}

func allPlaced(names []string, placed map[string]bool) bool {
	for _, n := range names {
		if !placed[n] {
			return false
		}
	}
	return true
}

// schema lists the database's tables (herald's own, not the engine's or
// the schema version's) with their columns, by table name.
func (s *Store) schema(ctx context.Context) ([]table, error) {
	q := `SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid`
	if s.pg {
		q = `SELECT table_name, column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name <> 'schema_version'
			ORDER BY table_name, ordinal_position`
	}
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []table
	for rows.Next() {
		var t, c string
		if err := rows.Scan(&t, &c); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].name != t {
			out = append(out, table{name: t})
		}
		out[len(out)-1].cols = append(out[len(out)-1].cols, c)
	}
	return out, rows.Err()
}

// copyTables copies each table's rows, many per INSERT, and checks the
// counts on both sides.
func copyTables(ctx context.Context, stx, dtx *sql.Tx, tables []table) ([]TableCount, error) {
	var counts []TableCount
	for _, t := range tables {
		var have int64
		if err := dtx.QueryRowContext(ctx, `SELECT count(*) FROM `+t.name).Scan(&have); err != nil {
			return nil, fmt.Errorf("count %s: %w", t.name, err)
		}
		if have > 0 {
			return nil, fmt.Errorf("the PostgreSQL database is not empty (%s has %d rows): copy into a new database", t.name, have)
		}
		n, err := copyTable(ctx, stx, dtx, t)
		if err != nil {
			return nil, fmt.Errorf("table %s: %w", t.name, err)
		}
		var want, got int64
		if err := stx.QueryRowContext(ctx, `SELECT count(*) FROM `+t.name).Scan(&want); err != nil {
			return nil, fmt.Errorf("count %s in SQLite: %w", t.name, err)
		}
		if err := dtx.QueryRowContext(ctx, `SELECT count(*) FROM `+t.name).Scan(&got); err != nil {
			return nil, fmt.Errorf("count %s in PostgreSQL: %w", t.name, err)
		}
		if n != want || got != want {
			return nil, fmt.Errorf("table %s: %d rows in SQLite, %d read, %d in PostgreSQL", t.name, want, n, got)
		}
		counts = append(counts, TableCount{Table: t.name, Rows: got})
	}
	return counts, nil
}

// copyTable streams one table, rowsPerInsert rows per statement.
func copyTable(ctx context.Context, stx, dtx *sql.Tx, t table) (int64, error) {
	cols := strings.Join(t.cols, ", ")
	rows, err := stx.QueryContext(ctx, `SELECT `+cols+` FROM `+t.name)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	head := `INSERT INTO ` + t.name + ` (` + cols + `) VALUES `
	var batch [][]any
	var n int64
	flush := func() error {
		err := insertRows(ctx, dtx, head, "", len(t.cols), len(batch), func(args []any, i int) []any {
			return append(args, batch[i]...)
		})
		batch = batch[:0]
		return err
	}
	for rows.Next() {
		vals := make([]any, len(t.cols))
		dest := make([]any, len(vals))
		for i := range vals {
			dest[i] = &vals[i]
		}
		if err := rows.Scan(dest...); err != nil {
			return n, err
		}
		batch = append(batch, vals)
		n++
		if len(batch) == rowsPerInsert {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	return n, flush()
}

// resetIdentities moves each identity column's sequence past the ids
// copied, so the next row PostgreSQL numbers does not collide with one.
func resetIdentities(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND is_identity = 'YES'`)
	if err != nil {
		return fmt.Errorf("list identity columns: %w", err)
	}
	var ids [][2]string
	for rows.Next() {
		var t, c string
		if err := rows.Scan(&t, &c); err != nil {
			rows.Close()
			return fmt.Errorf("list identity columns: %w", err)
		}
		ids = append(ids, [2]string{t, c})
	}
	rows.Close()
	for _, tc := range ids {
		// Names come from the catalogue, not from input.
		q := fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%s', '%s'), coalesce(max(%s), 0) + 1, false) FROM %s`,
			tc[0], tc[1], tc[1], tc[0])
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("reset the numbering of %s.%s: %w", tc[0], tc[1], err)
		}
	}
	return nil
}
