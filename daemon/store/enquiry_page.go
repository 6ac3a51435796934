package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// EnquiryQuery is one page of the dashboard's queue.
type EnquiryQuery struct {
	EnquiryFilter
	// Statuses keeps any of these statuses (Status keeps one).
	Statuses []string
	// Accounts limits to these accounts; nil means every account.
	Accounts []string
	// Search matches the sender, the subject or the reference.
	Search string
	// Limit and Offset page the result, oldest first.
	Limit, Offset int
	// Sort is a key of EnquirySorts ("" for received, oldest first);
	// Desc reverses it.
	Sort string
	Desc bool
}

// EnquirySorts are the columns the queue sorts by: the dashboard's
// column names to theirs. Only these reach the SQL. What people wrote
// sorts regardless of case, as people read it (lower() is the same on
// SQLite and PostgreSQL for ASCII; other letters keep their byte order).
var EnquirySorts = map[string]string{
	"received": "received_at", "ref": "ref", "status": "status", "account": "account",
	"category": "category", "from": "lower(from_addr)", "subject": "lower(subject)",
}

// order is the ORDER BY of q: its column, then id, both in its direction,
// so that equal values keep one order from page to page.
func (q *EnquiryQuery) order() (string, error) {
	key := q.Sort
	if key == "" {
		key = "received"
	}
	col, ok := EnquirySorts[key]
	if !ok {
		return "", fmt.Errorf("unknown sort %q: want one of received, ref, status, account, category, from, subject", q.Sort)
	}
	dir := " ASC"
	if q.Desc {
		dir = " DESC"
	}
	return " ORDER BY " + col + dir + ", id" + dir, nil
}

func (q *EnquiryQuery) where() (string, []any) {
	var where []string
	var args []any
	add := func(cond string, a ...any) { where = append(where, cond); args = append(args, a...) }
	for col, v := range map[string]string{"status": q.Status, "category": q.Category, "account": q.Account} {
		if v != "" {
			add(col+" = ?", v)
		}
	}
	if len(q.Statuses) > 0 {
		add("status IN ("+placeholders(len(q.Statuses))+")", anys(q.Statuses)...)
	}
	if q.Accounts != nil {
		if len(q.Accounts) == 0 {
			add("1 = 0") // no account, no row (an empty IN () is not SQL everywhere)
		} else {
			add("account IN ("+placeholders(len(q.Accounts))+")", anys(q.Accounts)...)
		}
	}
	if !q.OlderThan.IsZero() {
		add("received_at < ?", ts(q.OlderThan))
	}
	if s := strings.TrimSpace(q.Search); s != "" {
		cond, likes := containsAny(s, "from_addr", "from_name", "subject", "ref")
		add(cond, likes...)
	}
	if len(where) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

// EnquiryPage returns one page of the queue, oldest first or in q.Sort's
// order, and how many enquiries match in all. Rows are read in
// (received_at, id) order, which enquiries_received serves, so a page
// costs its own rows plus the count; the other orders have an index each
// (0012), which a page near either end walks from its end.
func (s *Store) EnquiryPage(ctx context.Context, q EnquiryQuery) ([]*Enquiry, int, error) {
	order, err := q.order()
	if err != nil {
		return nil, 0, err
	}
	w, args := q.where()
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM enquiries`+w, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count enquiries: %w", err)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	// The page's ids first, then their rows: a far page skips its
	// offset over the ids alone, without the thread counts of the rows
	// it skips.
	rows, err := s.db.QueryContext(ctx, enquirySelect+` WHERE id IN (SELECT id FROM enquiries`+w+
		order+` LIMIT ? OFFSET ?)`+order, append(args, limit, q.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("enquiry page: %w", err)
	}
	defer rows.Close()
	out := []*Enquiry{}
	for rows.Next() {
		e, err := scanEnquiry(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, e)
	}
	return out, total, rows.Err()
}

// QueueCount is how many enquiries of an account and category are open
// (open or acknowledged), and since when the oldest waits.
type QueueCount struct {
	Account  string    `json:"account"`
	Category string    `json:"category"`
	Open     int       `json:"open"`
	Oldest   time.Time `json:"oldest"`
}

// QueueCounts sums the open queue by account and category, the longest
// waiting first (enquiries_queue serves it: status leads).
func (s *Store) QueueCounts(ctx context.Context, accounts []string) ([]QueueCount, error) {
	q := EnquiryQuery{Statuses: []string{"open", "acknowledged"}, Accounts: accounts}
	w, args := q.where()
	rows, err := s.db.QueryContext(ctx, `SELECT account, category, count(*), min(received_at) FROM enquiries`+w+
		` GROUP BY account, category ORDER BY min(received_at)`, args...)
	if err != nil {
		return nil, fmt.Errorf("queue counts: %w", err)
	}
	defer rows.Close()
	out := []QueueCount{}
	for rows.Next() {
		var c QueueCount
		var oldest string
		if err := rows.Scan(&c.Account, &c.Category, &c.Open, &oldest); err != nil {
			return nil, err
		}
		c.Oldest = parseTS(oldest)
		out = append(out, c)
	}
	return out, rows.Err()
}

// Categories lists the categories enquiries have, for a filter's choices.
func (s *Store) Categories(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT category FROM enquiries ORDER BY category`)
	if err != nil {
		return nil, fmt.Errorf("categories: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
