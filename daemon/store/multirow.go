package store

import (
	"context"
	"database/sql"
	"strings"
)

// rowsPerInsert is how many rows one multi-row INSERT writes at most: with
// the 9 or so parameters of a row, well under SQLite's limit of 32,766.
const rowsPerInsert = 100

// insertRows writes n rows in tx, rowsPerInsert per statement: head is
// "INSERT INTO t (a, b) VALUES ", tail an ON CONFLICT clause or "", and
// row appends row i's cols values to args. One statement for many rows
// spares each row a call into SQLite; the text of a full batch is always
// the same, so it stays prepared in the connection's cache.
func insertRows(ctx context.Context, tx *sql.Tx, head, tail string, cols, n int, row func(args []any, i int) []any) error {
	args := make([]any, 0, cols*min(n, rowsPerInsert))
	for first := 0; first < n; first += rowsPerInsert {
		last := min(n, first+rowsPerInsert)
		args = args[:0]
		for i := first; i < last; i++ {
			args = row(args, i)
		}
		if _, err := tx.ExecContext(ctx, multiRow(head, cols, last-first, tail), args...); err != nil {
			return err
		}
	}
	return nil
}

// multiRow is the text of an INSERT of rows tuples of cols parameters.
func multiRow(head string, cols, rows int, tail string) string {
	tuple := "(?" + strings.Repeat(", ?", cols-1) + ")"
	var q strings.Builder
	q.Grow(len(head) + rows*(len(tuple)+2) + len(tail) + 1)
	q.WriteString(head)
	for i := range rows {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(tuple)
	}
	if tail != "" {
		q.WriteString(" ")
		q.WriteString(tail)
	}
	return q.String()
}
