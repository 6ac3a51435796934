package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrListExists is returned by CreateList for a name already taken.
var ErrListExists = errors.New("list already exists")

// CreatedList is a list created in the database rather than named in
// config.yaml (migration 0008).
type CreatedList struct {
	Name      string    `json:"name"`
	Account   string    `json:"account,omitempty"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// CreateList creates an empty list, recording who created it and the
// account it belongs to (may be empty); ErrListExists when the name is
// taken, even by a list an import created.
func (s *Store) CreateList(ctx context.Context, name, account, actor string) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return errors.New("a list needs a name")
	}
	if actor == "" {
		return errors.New("create list: no actor")
	}
	res, err := s.db.ExecContext(ctx, `INSERT INTO lists (name, created_at, created_by, account) VALUES (?, ?, ?, ?)
		ON CONFLICT (name) DO NOTHING`, name, ts(time.Now()), actor, account)
	if err != nil {
		return fmt.Errorf("create list %s: %w", name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("create list %s: %w", name, ErrListExists)
	}
	return nil
}

// CreatedLists returns the lists created in the database, by name.
func (s *Store) CreatedLists(ctx context.Context) ([]CreatedList, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, account, created_by, created_at FROM lists
		WHERE created_by <> '' ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("read created lists: %w", err)
	}
	defer rows.Close()
	var out []CreatedList
	for rows.Next() {
		var l CreatedList
		var at string
		if err := rows.Scan(&l.Name, &l.Account, &l.CreatedBy, &at); err != nil {
			return nil, fmt.Errorf("read created lists: %w", err)
		}
		l.CreatedAt = parseTS(at)
		out = append(out, l)
	}
	return out, rows.Err()
}
