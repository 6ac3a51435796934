package sender

import (
	"testing"
	"time"

	"github.com/herald-mail/herald/daemon/config"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// simulate drives b with a fake clock: sessions senders each take a token
// as soon as the bucket allows, spend busy on the message, and go again,
// until end. It returns the times tokens were granted.
func simulate(b *bucket, sessions int, busy, end time.Duration) []time.Duration {
	next := make([]time.Duration, sessions) // when each session asks next
	var grants []time.Duration
	for {
		s := 0
		for i := range next {
			if next[i] < next[s] {
				s = i
			}
		}
		now := next[s]
		if now > end {
			return grants
		}
		if wait, ok := b.take(t0.Add(now)); ok {
			grants = append(grants, now)
			next[s] = now + busy
		} else {
			next[s] = now + wait
		}
	}
}

// maxInWindow is the most grants in any window of length w.
func maxInWindow(grants []time.Duration, w time.Duration) int {
	most, j := 0, 0
	for i := range grants {
		for grants[i]-grants[j] >= w {
			j++
		}
		most = max(most, i-j+1)
	}
	return most
}

func TestBucketRateIsSharedBySessions(t *testing.T) {
	tests := []struct {
		name     string
		rate     config.Rate
		sessions int
		busy     time.Duration
		end      time.Duration
		// in any window of rate.Per at most rate.N + burst
		wantBurst int
	}{
		{"20/s over 4 fast sessions", config.Rate{N: 20, Per: time.Second}, 4, time.Millisecond, 10 * time.Second, 4},
		{"20/s over 4 slow sessions", config.Rate{N: 20, Per: time.Second}, 4, 150 * time.Millisecond, 10 * time.Second, 4},
		{"20/s over 1 session", config.Rate{N: 20, Per: time.Second}, 1, time.Millisecond, 10 * time.Second, 1},
		{"2/h over 4 sessions: burst capped at N", config.Rate{N: 2, Per: time.Hour}, 4, time.Second, 10 * time.Hour, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBucket(tt.rate, tt.sessions, t0)
			grants := simulate(b, tt.sessions, tt.busy, tt.end)
			periods := int(tt.end / tt.rate.Per)
			ceiling := tt.rate.N*periods + tt.wantBurst
			if len(grants) > ceiling || len(grants) < ceiling-1 {
				t.Errorf("%d messages in %v, want %d (rate) + %d (burst), or one less", len(grants), tt.end, tt.rate.N*periods, tt.wantBurst)
			}
			if got := maxInWindow(grants, tt.rate.Per); got > tt.rate.N+tt.wantBurst {
				t.Errorf("%d messages in one window of %v, want at most %d", got, tt.rate.Per, tt.rate.N+tt.wantBurst)
			}
		})
	}
}

func TestBucketSlowDownAndRecovery(t *testing.T) {
	b := newBucket(config.Rate{N: 20, Per: time.Second}, 4, t0)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	want := func(when time.Duration, r float64) {
		t.Helper()
		if got := b.rate(at(when)); got < r-1e-9 || got > r+1e-9 {
			t.Errorf("rate at %v = %v, want %v", when, got, r)
		}
	}
	want(0, 20)
	b.slowDown(at(time.Second), at(time.Second-10*time.Millisecond))
	want(time.Second, 10)
	// The other sessions' answers to messages sent at the old rate count once.
	b.slowDown(at(time.Second+time.Millisecond), at(time.Second-5*time.Millisecond))
	want(time.Second+time.Millisecond, 10)
	// A slow-down waits: the saved burst is gone.
	if wait, ok := b.take(at(time.Second + 2*time.Millisecond)); ok || wait < 90*time.Millisecond {
		t.Errorf("take right after a slow-down = %v, %v; want a wait of ~100ms", wait, ok)
	}
	// A message sent at the halved rate and refused again halves again.
	b.slowDown(at(2*time.Second), at(1500*time.Millisecond))
	want(2*time.Second, 5)
	end := 2*time.Second + cooldown // the last answer extended the cooldown
	want(end-time.Millisecond, 5)
	want(end, 7) // + a tenth of 20 per minute
	want(end+time.Minute, 9)
	want(end+7*time.Minute, 20)
	want(end+time.Hour, 20)

	// Down to the floor of one a minute, and no lower.
	for i := range 20 {
		when := end + time.Hour + time.Duration(i)*time.Second
		b.slowDown(at(when), at(when))
	}
	want(end+time.Hour+20*time.Second, floorRate)
}

func TestBucketSlowRateBelowFloor(t *testing.T) {
	b := newBucket(config.Rate{N: 10, Per: time.Hour}, 4, t0)
	b.slowDown(t0, t0)
	if got, base := b.rate(t0), 10.0/3600; got != base {
		t.Errorf("rate after slow-down = %v, want the configured %v: it is below the floor already", got, base)
	}
}
