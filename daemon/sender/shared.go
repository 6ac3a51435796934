package sender

import (
	"context"
	"time"
)

// Several nodes on one PostgreSQL database (and `waves send`) share each
// account's smtp.rate: besides its own bucket, a node's pool takes each
// message's token from the database (store.TakeRateToken), so that the
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
// how long until the next slot.
func (p *Pool) sharedToken(ctx context.Context) (time.Duration, bool, error) {
	return p.store.TakeRateToken(ctx, p.account, p.rate.N, p.rate.Per)
}
