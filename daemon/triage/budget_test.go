package triage

import (
	"sync"
	"sync/atomic"
	"testing"
)

// TestByteBudget: the bytes held at once never pass the budget, and a
// request larger than the budget still gets through, alone.
func TestByteBudget(t *testing.T) {
	b := newByteBudget(100)
	var inUse, peak atomic.Int64
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			for k := range 200 {
				n := int64((i*37+k*13)%150 + 1) // 1 to 150 bytes, some over the budget
				took := b.acquire(n)
				if took != min(n, 100) {
					t.Errorf("acquire(%d) took %d", n, took)
				}
				now := inUse.Add(took)
				for p := peak.Load(); now > p && !peak.CompareAndSwap(p, now); p = peak.Load() {
				}
				inUse.Add(-took)
				b.release(took)
			}
		})
	}
	wg.Wait()
	if p := peak.Load(); p > 100 || p == 0 {
		t.Errorf("peak %d bytes held at once, want 1 to 100", p)
	}
	if b.free != 100 {
		t.Errorf("free = %d after every release, want 100", b.free)
	}
}
