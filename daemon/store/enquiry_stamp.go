package store

import (
	"context"
	"fmt"
	"strconv"
)

// QueueStamps is, for each account, a short text that changes whenever
// the account's queue changes: an enquiry arrives, changes status or
// category. The dashboard's live updates (server-sent events) compare it
// with the last one sent rather than send the rows, and each page fetches
// its own filtered rows when it changed.
//
// The counts per status and category and the highest id come from the
// enquiries_queue index (status, account, category, …) alone: no row is
// read, on SQLite and PostgreSQL alike.
func (s *Store) QueueStamps(ctx context.Context) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT account, status, category, count(*), max(id) FROM enquiries
		GROUP BY account, status, category ORDER BY account, status, category`)
	if err != nil {
		return nil, fmt.Errorf("queue stamps: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var account, status, category string
		var n, top int64
		if err := rows.Scan(&account, &status, &category, &n, &top); err != nil {
			return nil, fmt.Errorf("queue stamps: %w", err)
		}
		out[account] += status + "/" + category + "=" + strconv.FormatInt(n, 10) + "@" + strconv.FormatInt(top, 10) + ";"
	}
	return out, rows.Err()
}
