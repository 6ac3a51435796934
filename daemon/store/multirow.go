package store

import "strings"

// multiRow is the text of an INSERT of rows rows of cols parameters
// each: head ("INSERT INTO t (a, b) VALUES "), the row tuples, then tail
// (an ON CONFLICT clause, or ""). One statement for many rows spares
// each row a call into SQLite; the text of a full batch is always the
// same, so it stays prepared in the connection's cache.
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
