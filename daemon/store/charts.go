package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// DayCount is how many enquiries of one category arrived on one day.
type DayCount struct {
	Day      string // YYYY-MM-DD in the zone of the offset given
	Category string
	N        int
}

// accountIn limits a query to accounts (nil: every account).
func accountIn(accounts []string) (string, []any) {
	if accounts == nil {
		return "", nil
	}
	return " AND account IN (" + placeholders(len(accounts)) + ")", anys(accounts)
}

// EnquiriesPerDay counts the enquiries received since from, by day and
// category; days are cut at midnight of a zone offset minutes east of
// UTC. It reads the enquiries_received index (received_at, id); the days
// are counted here rather than in SQL, whose date functions differ
// between SQLite and PostgreSQL.
func (s *Store) EnquiriesPerDay(ctx context.Context, from time.Time, offsetMinutes int, accounts []string) ([]DayCount, error) {
	where, args := accountIn(accounts)
	rows, err := s.db.QueryContext(ctx, `SELECT received_at, category FROM enquiries WHERE received_at >= ?`+where,
		append([]any{ts(from)}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("count enquiries per day: %w", err)
	}
	defer rows.Close()
	zone := time.FixedZone("", offsetMinutes*60)
	counts := map[DayCount]int{}
	for rows.Next() {
		var at string
		var d DayCount
		if err := rows.Scan(&at, &d.Category); err != nil {
			return nil, fmt.Errorf("count enquiries per day: %w", err)
		}
		d.Day = parseTS(at).In(zone).Format(time.DateOnly)
		counts[d]++
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count enquiries per day: %w", err)
	}
	out := make([]DayCount, 0, len(counts))
	for d, n := range counts {
		d.N = n
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b DayCount) int {
		return cmp.Or(strings.Compare(a.Day, b.Day), strings.Compare(a.Category, b.Category))
	})
	return out, nil
}

// AckDelayBounds are the upper bounds, in seconds, of the buckets of
// AckDelays; the last bucket is everything slower.
var AckDelayBounds = []int{60, 300, 900, 3600, 4 * 3600, 24 * 3600}

// AckDelays counts the enquiries received since from that were
// acknowledged, by how long the acknowledgement took: one count per
// AckDelayBounds bucket, plus one for slower.
func (s *Store) AckDelays(ctx context.Context, from time.Time, accounts []string) ([]int, error) {
	where, args := accountIn(accounts)
	rows, err := s.db.QueryContext(ctx, `SELECT received_at, acknowledged_at
		FROM enquiries WHERE received_at >= ? AND acknowledged_at IS NOT NULL`+where, append([]any{ts(from)}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("read acknowledgement delays: %w", err)
	}
	defer rows.Close()
	out := make([]int, len(AckDelayBounds)+1)
	for rows.Next() {
		var received, acked string
		if err := rows.Scan(&received, &acked); err != nil {
			return nil, fmt.Errorf("read acknowledgement delays: %w", err)
		}
		secs := parseTS(acked).Sub(parseTS(received)).Seconds()
		i := 0
		for i < len(AckDelayBounds) && secs >= float64(AckDelayBounds[i]) {
			i++
		}
		out[i]++
	}
	return out, wrap(rows.Err(), "read acknowledgement delays")
}

// MinuteCount is how many messages of a wave's run were handed to the
// server in one minute (UTC, "YYYY-MM-DDTHH:MM").
type MinuteCount struct {
	Minute string
	N      int
}

// SentPerMinute counts the messages of a wave's run sent in each minute,
// in time order.
func (s *Store) SentPerMinute(ctx context.Context, wave string, run int) ([]MinuteCount, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT substr(sent_at, 1, 16) AS m, count(*) FROM deliveries
		WHERE wave = ? AND run = ? AND sent_at IS NOT NULL GROUP BY m ORDER BY m`, wave, run)
	if err != nil {
		return nil, fmt.Errorf("read sending rate of %s: %w", wave, err)
	}
	defer rows.Close()
	var out []MinuteCount
	for rows.Next() {
		var m MinuteCount
		if err := rows.Scan(&m.Minute, &m.N); err != nil {
			return nil, fmt.Errorf("read sending rate of %s: %w", wave, err)
		}
		out = append(out, m)
	}
	return out, wrap(rows.Err(), "read sending rate of %s", wave)
}

// Invited counts the members of list that any of waves has sent a
// message to: the top of the RSVP funnel.
func (s *Store) Invited(ctx context.Context, list string, waves []string) (int, error) {
	if len(waves) == 0 {
		return 0, nil
	}
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM list_members m JOIN lists l ON l.id = m.list_id
		WHERE l.name = ? AND EXISTS (SELECT 1 FROM deliveries d WHERE d.contact_id = m.contact_id
			AND d.state = 'sent' AND d.wave IN (`+placeholders(len(waves))+`))`, append([]any{list}, anys(waves)...)...).Scan(&n)
	return n, wrap(err, "count invited members of %s", list)
}
