package app

import (
	"context"
	"sync"
	"time"

	"github.com/herald-mail/herald/daemon/store"
)

// holdNodeLease keeps this node's lease (store.NodeLease) while the
// daemon runs: the wave rows it claims are its own while the lease
// lives, and any other node recovers them once it expired (the node died
// or lost the database). It returns the function that gives it up.
func (d *Daemon) holdNodeLease(ctx context.Context) (stop func()) {
	name := store.NodeLease(d.owner)
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	take := func() {
		tctx, tcancel := context.WithTimeout(ctx, leaseRenew)
		defer tcancel()
		if _, ok, err := d.store.TakeLease(tctx, name, d.owner, leaseTTL); err != nil && ctx.Err() == nil {
			d.log.Warn("cannot renew the node lease", "component", "app", "lease", name, "err", err)
		} else if !ok {
			d.log.Error("the node lease is another's", "component", "app", "lease", name)
		}
	}
	take() // before the scheduler claims anything
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(leaseRenew)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				take()
			}
		}
	}()
	return func() {
		cancel()
		wg.Wait()
		dctx, dcancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer dcancel()
		if err := d.store.DropLease(dctx, name, d.owner); err != nil {
			d.log.Warn("cannot give the node lease up; it expires by itself", "component", "app", "err", err)
		}
	}
}
