package backoff

import (
	"testing"
	"time"
)

func TestDoublesUpToMax(t *testing.T) {
	b := Backoff{Min: time.Second, Max: 5 * time.Second}
	want := []time.Duration{1, 2, 4, 5, 5}
	for i, w := range want {
		if got := b.Next(); got != w*time.Second {
			t.Errorf("Next() #%d = %v, want %v", i, got, w*time.Second)
		}
	}
}

func TestJitterStaysInBand(t *testing.T) {
	b := Backoff{Min: 10 * time.Second, Max: 10 * time.Second, Jitter: 0.2}
	for i := 0; i < 1000; i++ {
		if d := b.Next(); d < 9*time.Second || d > 11*time.Second {
			t.Fatalf("Next() = %v, outside 10s ±10%%", d)
		}
	}
}

func TestResetAfterHealthyPeriod(t *testing.T) {
	b := Backoff{Min: time.Second, Max: time.Minute, Healthy: time.Minute}
	b.Next()
	b.Next()
	t0 := time.Unix(0, 0)
	b.Connected(t0)
	b.Disconnected(t0.Add(10 * time.Second)) // too short: keep backing off
	if got := b.Next(); got != 4*time.Second {
		t.Errorf("after short connection Next() = %v, want 4s", got)
	}
	b.Connected(t0)
	b.Disconnected(t0.Add(2 * time.Minute))
	if got := b.Next(); got != time.Second {
		t.Errorf("after healthy connection Next() = %v, want 1s", got)
	}
}
