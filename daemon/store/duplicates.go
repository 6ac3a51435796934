package store

import (
	"context"
	"fmt"
)

// PossibleDuplicates lists a wave's deliveries that may have gone out
// twice (a sender stopped between handing a message over and recording
// it), newest first, at most limit.
func (s *Store) PossibleDuplicates(ctx context.Context, wave string, limit int) ([]DeliveryProblem, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT email, state, reason, run, updated_at, uncertain FROM deliveries
		WHERE wave = ? AND uncertain = 1 ORDER BY updated_at DESC LIMIT ?`, wave, limit)
	if err != nil {
		return nil, fmt.Errorf("read possible duplicates of %s: %w", wave, err)
	}
	defer rows.Close()
	var out []DeliveryProblem
	for rows.Next() {
		var p DeliveryProblem
		var at string
		if err := rows.Scan(&p.Email, &p.State, &p.Reason, &p.Run, &at, &p.Uncertain); err != nil {
			return nil, fmt.Errorf("read possible duplicates of %s: %w", wave, err)
		}
		p.At = parseTS(at)
		out = append(out, p)
	}
	return out, wrap(rows.Err(), "read possible duplicates of %s", wave)
}
