package sender

import (
	"context"
	"sync"
	"time"

	"github.com/herald-mail/herald/daemon/config"
)

// Slow-down tuning: a "slow down" answer halves the rate for cooldown;
// afterwards it climbs back by a tenth of the configured rate every
// recoverStep (additive increase, multiplicative decrease, as TCP does,
// RFC 5681 §3.1).
const (
	cooldown     = 5 * time.Minute
	recoverStep  = time.Minute
	recoverSteps = 10
	// floorRate is the slowest a slow-down takes an account: 1 a minute.
	floorRate = 1.0 / 60
)

// bucket is the token bucket of one account, shared by all its sessions:
// one token per message, refilled at the effective rate, holding at most
// burst. Its methods take the time as an argument so that tests can drive
// it with a fake clock; only wait reads the real one.
type bucket struct {
	mu     sync.Mutex
	base   float64 // configured rate, messages per second
	floor  float64 // lowest rate a slow-down goes to
	burst  float64
	tokens float64
	last   time.Time

	slowRate  float64   // rate set by the last halving; 0 when not slowed
	slowedAt  time.Time // time of the last halving
	slowUntil time.Time // end of its cooldown
}

// newBucket returns a full bucket for r. The burst is one token per
// session, and never more than r.N, so that no window of r.Per sees more
// than r.N + burst messages.
func newBucket(r config.Rate, connections int, now time.Time) *bucket {
	base := float64(r.N) / r.Per.Seconds()
	burst := float64(max(1, min(connections, r.N)))
	return &bucket{base: base, floor: min(base, floorRate), burst: burst, tokens: burst, last: now}
}

// rateAt is the effective rate at now, in messages per second.
func (b *bucket) rateAt(now time.Time) float64 {
	if b.slowRate == 0 {
		return b.base
	}
	if now.Before(b.slowUntil) {
		return b.slowRate
	}
	steps := 1 + int(now.Sub(b.slowUntil)/recoverStep)
	return min(b.base, b.slowRate+float64(steps)*b.base/recoverSteps)
}

// advance refills the bucket up to now.
func (b *bucket) advance(now time.Time) {
	if now.After(b.last) {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rateAt(now))
		b.last = now
	}
}

// take takes a token at now if there is one; else it reports how long
// until there will be.
func (b *bucket) take(now time.Time) (time.Duration, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.advance(now)
	if b.tokens >= 1 {
		b.tokens--
		return 0, true
	}
	wait := time.Duration((1 - b.tokens) / b.rateAt(now) * float64(time.Second))
	return max(wait, time.Millisecond), false
}

// slowDown halves the rate at now for a cooldown, after the server asked
// to slow down about a message that got its token at granted. Answers
// about messages granted before the last halving were caused by the old
// rate: they extend the cooldown without halving again, so that a burst
// of 421s on every session counts once.
func (b *bucket) slowDown(now, granted time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.advance(now)
	current := b.rateAt(now)
	b.slowUntil = now.Add(cooldown)
	if b.slowRate != 0 && granted.Before(b.slowedAt) {
		return
	}
	b.slowRate = max(b.floor, current/2)
	b.slowedAt = now
	// A slow-down means wait now, not after spending the saved burst.
	b.tokens = min(b.tokens, 0)
}

// rate is the effective rate at now.
func (b *bucket) rate(now time.Time) float64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.rateAt(now)
}

// wait blocks until it takes a token, ctx ends or closed is closed.
func (b *bucket) wait(ctx context.Context, closed <-chan struct{}) error {
	for {
		d, ok := b.take(time.Now())
		if ok {
			return nil
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-closed:
			t.Stop()
			return ErrClosed
		case <-t.C:
		}
	}
}
