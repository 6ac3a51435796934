package store

import (
	"context"
	"fmt"
	"strings"
)

// ContactQuery is one page of a list's contacts.
type ContactQuery struct {
	List   string
	Status string // "" for all, else subscribed, unsubscribed or bounced
	// Search matches the address, the name, the organisation or the country.
	Search        string
	Limit, Offset int
}

// ContactPage returns one page of a list's members in contact order,
// with their effective status, and how many match in all. The list's
// primary key (list_id, contact_id) gives the order without a sort.
func (s *Store) ContactPage(ctx context.Context, q ContactQuery) ([]Contact, int, error) {
	where, ok := statusWhere[q.Status]
	if !ok {
		return nil, 0, fmt.Errorf("unknown status %q: want subscribed, unsubscribed or bounced", q.Status)
	}
	id, err := s.listID(ctx, q.List)
	if err != nil {
		return nil, 0, err
	}
	args := []any{id}
	if t := strings.TrimSpace(q.Search); t != "" {
		cond, likes := containsAny(t, "c.email", "c.name", "c.organisation", "c.country")
		where += " AND " + cond
		args = append(args, likes...)
	}
	from := ` FROM list_members m JOIN contacts c ON c.id = m.contact_id WHERE m.list_id = ?` + where
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*)`+from, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count list %s: %w", q.List, err)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.db.QueryContext(ctx, memberSelect+`, 0`+from+` ORDER BY m.contact_id LIMIT ? OFFSET ?`, append(args, limit, q.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("read list %s: %w", q.List, err)
	}
	defer rows.Close()
	out := []Contact{}
	for rows.Next() {
		c, err := scanContact(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("read list %s: %w", q.List, err)
		}
		out = append(out, c)
	}
	return out, total, rows.Err()
}
