package waves

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/herald-mail/herald/daemon/store"
)

// HoldNodeLease takes owner's node lease (store.NodeLease) and renews it
// every renew, each renewal lasting ttl, until the returned stop gives it
// up. The wave rows a node claims (Engine.Nodes) are its own while the
// lease lives, and any other node recovers them once it expired (the
// node died or lost the database): a daemon on PostgreSQL holds it for
// its whole life, `herald waves send` while it sends. It fails when the
// first taking does: nothing may be claimed without it.
func HoldNodeLease(ctx context.Context, st *store.Store, owner string, ttl, renew time.Duration, log *slog.Logger) (stop func(), err error) {
	name := store.NodeLease(owner)
	log = log.With("lease", name)
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	take := func() error {
		tctx, tcancel := context.WithTimeout(ctx, renew)
		defer tcancel()
		_, ok, err := st.TakeLease(tctx, name, owner, ttl)
		if err == nil && !ok {
			// Only owner takes its node lease: another process with the
			// same pid@host (a container's pid 1 on a shared host name).
			log.Error("the node lease is another's: two herald processes share one name", "owner", owner)
		}
		return err
	}
	if err := take(); err != nil {
		cancel()
		return nil, err
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(renew)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := take(); err != nil && ctx.Err() == nil {
					log.Warn("cannot renew the node lease", "err", err)
				}
			}
		}
	})
	return func() {
		cancel()
		wg.Wait()
		dctx, dcancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer dcancel()
		if err := st.DropLease(dctx, name, owner); err != nil {
			log.Warn("cannot give the node lease up; it expires by itself", "err", err)
		}
	}, nil
}
