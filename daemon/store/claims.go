package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Several nodes send one wave together (PostgreSQL, `waves send` too,
// docs/BEHAVIOUR.md §13). Each node claims due rows in batches
// (ClaimDue: claimed_by set, the rows still pending or retry), marks them
// 'sending' one by one as its sessions take them (CommitDeliveries, only
// rows it claimed), and gives back what it did not send when its pass
// ends (ReleaseClaims). The claims of a node that died — its node lease
// expired — are recovered by any other (RecoverClaims): unsent rows go
// back to the queue, its 'sending' rows too, flagged uncertain. A single
// sender (SQLite, or a sandbox on PostgreSQL) uses Due and RecoverSending
// and leaves claimed_by empty.

// NodeLease is the name of the lease a node holds while it runs: its
// claims are alive while the lease is.
func NodeLease(owner string) string { return "node " + owner }

// SetNode makes this store a node's, owner naming it in claims: the rows
// CommitDeliveries marks 'sending' must then be claimed by owner.
func (s *Store) SetNode(owner string) { s.node = owner }

// claimSQL claims the next due rows of one state: the subquery locks them
// with SKIP LOCKED, so that claims made at once by several nodes never
// wait on, nor take, one another's rows. The state is a literal, as in
// dueSQL, for the partial index deliveries_due. A node claims only while
// its node lease is unexpired: once it expired, other nodes recover its
// claims (RecoverClaims), and it must not make new ones meanwhile.
func claimSQL(state string) string {
	return `UPDATE deliveries d SET claimed_by = ?1, updated_at = ?2 FROM contacts c
	WHERE c.id = d.contact_id AND d.id IN (SELECT id FROM deliveries
		WHERE wave = ?3 AND state = '` + state + `' AND claimed_by = '' AND next_at <= ?2
		ORDER BY next_at, id LIMIT ?4 FOR UPDATE SKIP LOCKED)
	AND EXISTS (SELECT 1 FROM leases l WHERE l.name = 'node ' || ?1 AND l.owner = ?1 AND l.until > ?2)
	RETURNING d.id, d.wave, d.run, d.message_id, d.tries, d.uncertain, d.next_at, ` + contactCols
}

var (
	claimPendingSQL = claimSQL(DeliveryPending)
	claimRetrySQL   = claimSQL(DeliveryRetry)
)

// ClaimDue claims for owner up to limit rows of wave that are due now,
// pending ones first, and returns them with their contacts; none when no
// unclaimed row is due, or owner's node lease (NodeLease) is not held.
// PostgreSQL only.
//
// Each claim is one statement at READ COMMITTED, the isolation SKIP
// LOCKED is made for (a queue): in a SERIALIZABLE transaction a row
// another node claimed since the transaction began would fail it
// instead of being passed over.
func (s *Store) ClaimDue(ctx context.Context, wave, owner string, limit int) ([]Delivery, error) {
	if !s.pg {
		return nil, fmt.Errorf("claim deliveries of %s: claims are for nodes on PostgreSQL", wave)
	}
	var out []Delivery
	now := ts(time.Now())
	err := s.retry(ctx, func() error {
		for _, q := range []string{claimPendingSQL, claimRetrySQL} {
			var err error
			out, err = scanDue(s.db.QueryContext(ctx, q, owner, now, wave, limit))
			if err != nil || len(out) > 0 {
				return err
			}
		}
		return nil
	})
	return out, wrap(err, "claim deliveries of %s for %s", wave, owner)
}

// ReleaseClaims gives back owner's claims on rows of wave it has not
// sent (still pending or retry), for any node to take.
func (s *Store) ReleaseClaims(ctx context.Context, wave, owner string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE deliveries SET claimed_by = '' WHERE wave = ? AND claimed_by = ?
			AND claimed_by != '' AND state IN ('pending', 'retry')`, wave, owner)
		return err
	})
	return wrap(err, "release the claims of %s on %s", owner, wave)
}

// RecoverClaims frees the claims on wave's open rows of every node whose
// node lease (NodeLease) expired, except owner's own: their unsent rows
// go back to the queue, and their 'sending' rows too, flagged uncertain
// (the server may have taken them: they are sent again and listed). It
// returns how many 'sending' rows it recovered.
func (s *Store) RecoverClaims(ctx context.Context, wave, owner string) (int64, error) {
	var n int64
	now := ts(time.Now())
	err := s.tx(ctx, func(tx *sql.Tx) error {
		dead := `wave = ? AND claimed_by != '' AND state IN ('pending', 'sending', 'retry') AND claimed_by != ?
			AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.name = 'node ' || deliveries.claimed_by AND l.until > ?)`
		res, err := tx.ExecContext(ctx, `UPDATE deliveries SET state = 'pending', uncertain = 1, claimed_by = '', updated_at = ?
			WHERE state = 'sending' AND `+dead, now, wave, owner, now)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE deliveries SET claimed_by = '' WHERE `+dead, wave, owner, now)
		return err
	})
	return n, wrap(err, "recover the claims of stopped nodes on %s", wave)
}

// SentBy counts wave's sent rows per node that claimed them (nodes only;
// a single sender's rows count under "").
func (s *Store) SentBy(ctx context.Context, wave string) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT claimed_by, count(*) FROM deliveries WHERE wave = ? AND state = 'sent' GROUP BY claimed_by`, wave)
	if err != nil {
		return nil, fmt.Errorf("count sent deliveries of %s per node: %w", wave, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var owner string
		var n int
		if err := rows.Scan(&owner, &n); err != nil {
			return nil, fmt.Errorf("count sent deliveries of %s per node: %w", wave, err)
		}
		out[owner] = n
	}
	return out, wrap(rows.Err(), "count sent deliveries of %s per node", wave)
}

// RateSlot cuts a rate of n messages per per into slots of whole tokens:
// slot lasts per*k/n and holds k tokens, k the tokens of about a second
// (at least 1), so that 100/m is 2 tokens every 1.2 s, exactly.
func RateSlot(n int, per time.Duration) (slot time.Duration, tokens int) {
	k := max(1, int((int64(n)*int64(time.Second)+int64(per)-1)/int64(per)))
	return per * time.Duration(k) / time.Duration(n), k
}

// TakeRateTokens takes want of account's shared rate tokens at once, or
// one when fewer than want are left in the current slot of
// RateSlot(n, per), or none when it is spent: it returns how many it
// took (0 or 1, or want), in which slot (they are worth nothing after
// it), and how long until the next slot when it took none. A pool that
// sends faster than a round trip per message takes several at once
// (sender's shared.go), so that the slot's row, the hottest of the
// database, is written once per several messages, not once per message.
//
// Each take is one upsert at READ COMMITTED: the nodes wait for the row
// behind one another rather than failing and retrying as SERIALIZABLE
// transactions would. A node whose lease was taken over may still take
// tokens: it records nothing with them.
func (s *Store) TakeRateTokens(ctx context.Context, account string, n int, per time.Duration, want int) (got int, slot int64, wait time.Duration, err error) {
	slotLen, tokens := RateSlot(n, per)
	now := time.Now()
	slot = now.UnixNano() / int64(slotLen)
	want = max(1, min(want, tokens))
	for {
		var used int
		err = s.retry(ctx, func() error {
			return s.db.QueryRowContext(ctx, `INSERT INTO rate_slots (account, slot, used) VALUES (?1, ?2, ?3)
				ON CONFLICT (account, slot) DO UPDATE SET used = rate_slots.used + ?3 WHERE rate_slots.used + ?3 <= ?4
				RETURNING used`, account, slot, want, tokens).Scan(&used)
		})
		switch {
		case errors.Is(err, sql.ErrNoRows) && want > 1:
			want = 1 // fewer than want left: one, if any
			continue
		case errors.Is(err, sql.ErrNoRows):
			return 0, slot, time.Duration((slot+1)*int64(slotLen) - now.UnixNano()), nil
		case err != nil:
			return 0, slot, 0, fmt.Errorf("take rate tokens of %s: %w", account, err)
		case used == want:
			// A new slot: the old ones are history. A failure here leaves
			// them for the next slot to delete.
			_, _ = s.db.ExecContext(ctx, `DELETE FROM rate_slots WHERE account = ? AND slot < ?`, account, slot-1)
		}
		return want, slot, 0, nil
	}
}
