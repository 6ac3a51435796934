package sender

import (
	"context"
	"time"

	"github.com/herald-mail/herald/daemon/store"
)

// Several nodes on one PostgreSQL database (and `waves send`) share each
// account's smtp.rate: besides its own bucket, a node's pool takes each
// message's token from the database (store.TakeRateTokens), so that the
// nodes together keep to the rate instead of each sending at it. The
// daily cap is shared already (store.ReserveSend).

// token waits for a token of the pool's bucket and, on a node, for a
// shared one; it returns when it has both, ctx ends or the pool closes.
func (p *Pool) token(ctx context.Context) error {
	if err := p.bucket.wait(ctx, p.closing); err != nil {
		return err
	}
	for p.shared {
		wait, ok, err := p.sharedToken(ctx)
		if err != nil || ok {
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-p.closing:
			t.Stop()
			return ErrClosed
		case <-t.C:
		}
	}
	return nil
}

// tryToken takes a token of the bucket and, on a node, a shared one, if
// both are there now, without waiting. A store error counts as none: the
// message then waits in token, which reports it.
func (p *Pool) tryToken() bool {
	if _, ok := p.bucket.take(time.Now()); !ok {
		return false
	}
	if !p.shared {
		return true
	}
	_, ok, err := p.sharedToken(context.Background())
	return ok && err == nil
}

// sharedToken takes one shared token of the account's rate now, or says
// how long until the next slot. Tokens are taken from the database
// several at once when the rate allows (sharedBatch) and handed out here
// until their slot ends: a pool sending faster than a round trip per
// message would otherwise spend one on every message, on the one row
// every node writes. Tokens left when their slot ends are lost, so the
// nodes together may send a little below the rate, never above it.
func (p *Pool) sharedToken(ctx context.Context) (time.Duration, bool, error) {
	slotLen, tokens := store.RateSlot(p.rate.N, p.rate.Per)
	slot := time.Now().UnixNano() / int64(slotLen)
	p.tokMu.Lock()
	defer p.tokMu.Unlock()
	if p.prepaid > 0 && p.prepaidSlot == slot {
		p.prepaid--
		return 0, true, nil
	}
	got, in, wait, err := p.store.TakeRateTokens(ctx, p.account, p.rate.N, p.rate.Per, sharedBatch(tokens))
	if err != nil || got == 0 {
		return wait, false, err
	}
	p.prepaid, p.prepaidSlot = got-1, in
	return 0, true, nil
}

// sharedBatch is how many shared tokens a pool takes at once from a slot
// of tokens: a sixteenth of the slot, so that a node cannot take much
// more than its share before the others had a go, at most 64, and one
// at the rates a secretariat sends at (under 32 a second, where a round
// trip per message costs nothing).
func sharedBatch(tokens int) int {
	return min(64, max(1, tokens/16))
}
