// Package backoff computes reconnect delays: exponential between a minimum
// and a maximum, with jitter so many watchers do not reconnect in step, and
// a reset once a connection has been healthy for a while.
package backoff

import (
	"math/rand/v2"
	"time"
)

// Backoff is the delay state of one reconnecting loop. The zero value is not
// usable; fill Min and Max.
type Backoff struct {
	Min, Max time.Duration
	// Jitter is the fraction of each delay that is random, 0..1 (0.2 = ±10%).
	Jitter float64
	// Healthy is how long a connection must last for Reset to take effect.
	Healthy time.Duration

	next    time.Duration
	started time.Time
}

// Next returns the delay before the next attempt and doubles the one after.
func (b *Backoff) Next() time.Duration {
	if b.next < b.Min {
		b.next = b.Min
	}
	d := b.next
	b.next *= 2
	if b.next > b.Max {
		b.next = b.Max
	}
	if b.Jitter > 0 {
		span := float64(d) * b.Jitter
		d = time.Duration(float64(d) - span/2 + rand.Float64()*span)
	}
	return d
}

// Connected marks the start of a connection.
func (b *Backoff) Connected(now time.Time) { b.started = now }

// Disconnected forgets past failures if the connection that just ended
// lasted at least Healthy, so one long healthy run does not leave a
// five-minute delay behind for the next blip.
func (b *Backoff) Disconnected(now time.Time) {
	if !b.started.IsZero() && now.Sub(b.started) >= b.Healthy {
		b.next = 0
	}
	b.started = time.Time{}
}

// Reset forgets past failures.
func (b *Backoff) Reset() { b.next = 0 }
