package triage

import "sync"

// parseBudget bounds the bytes of mail parsed at once by every watcher of
// the process: parsing a message needs memory in proportion to its size,
// and batches of big messages parsed on every CPU at once once needed
// gigabytes (issue 11: 4 × 50 MB on 4 CPUs, 8.8 GB).
var parseBudget = newByteBudget(64 << 20)

// byteBudget is a semaphore weighted in bytes.
type byteBudget struct {
	mu   sync.Mutex
	cond *sync.Cond
	size int64
	free int64
}

func newByteBudget(size int64) *byteBudget {
	b := &byteBudget{size: size, free: size}
	b.cond = sync.NewCond(&b.mu)
	return b
}

// acquire waits until n bytes are free and takes them; a request larger
// than the whole budget takes all of it, so that a big message is parsed
// alone rather than never. It returns what it took, for release.
func (b *byteBudget) acquire(n int64) int64 {
	n = max(0, min(n, b.size))
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.free < n {
		b.cond.Wait()
	}
	b.free -= n
	return n
}

func (b *byteBudget) release(n int64) {
	b.mu.Lock()
	b.free += n
	b.mu.Unlock()
	b.cond.Broadcast()
}
