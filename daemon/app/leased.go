package app

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/herald-mail/herald/daemon/service"
	"github.com/herald-mail/herald/daemon/store"
)

// Work leases of several nodes on one PostgreSQL database (store.Lease):
// a lease lasts leaseTTL, its holder renews it every leaseRenew, and
// stops the work leaseMargin before it would expire unrenewed, so that
// what is in flight is recorded while the lease still holds. A node that
// dies frees its work within leaseTTL; another node, trying every
// leaseRenew, takes it within leaseTTL + leaseRenew (20 s).
const (
	leaseTTL    = 15 * time.Second
	leaseRenew  = 5 * time.Second
	leaseMargin = 4 * time.Second
)

// Lease states in /healthz ("lease <unit>"): whether this node holds it.
const (
	leaseHeld      = "held"
	leaseElsewhere = "elsewhere"
)

// leasedUnit reports whether the unit key is work one node at a time may
// do: a mailbox's watcher (it records and acknowledges what it fetches),
// an account's acknowledgement sender, answered scan and digest. The
// waves scheduler runs on every node: each wave has a lease of its own.
func leasedUnit(key string) bool {
	for _, p := range []string{"inbox ", "acks ", "answered ", "digest "} {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

// leased runs comp only while this node holds the lease named after it.
// comp runs under store.WithLease, so every transaction it makes checks
// the lease first: a node that lost the lease (its renewals failed, or
// it stalled) records nothing after another took it.
type leased struct {
	comp   service.Component
	store  *store.Store
	owner  string
	health *service.Health
	log    *slog.Logger
}

func (l *leased) Name() string { return l.comp.Name() }

func (l *leased) healthName() string { return "lease " + l.comp.Name() }

// Run takes the lease when it is free and runs comp while it holds it,
// until ctx ends; it gives the lease up on its way out.
func (l *leased) Run(ctx context.Context) error {
	name := l.comp.Name()
	defer func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := l.store.DropLease(dctx, name, l.owner); err != nil {
			l.log.Warn("cannot give the lease up; it expires by itself", "lease", name, "err", err)
		}
		l.health.Remove(l.healthName())
	}()
	for {
		lease, ok, err := l.take(ctx)
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil:
			l.health.Set(l.healthName(), err)
			l.log.Warn("cannot take the lease", "lease", name, "err", err)
		case !ok:
			l.health.SetState(l.healthName(), leaseElsewhere)
		default:
			l.health.SetState(l.healthName(), leaseHeld)
			l.log.Info("lease taken", "lease", name, "until", lease.Until.Format(time.RFC3339))
			err := l.hold(ctx, lease)
			if ctx.Err() != nil {
				return nil
			}
			if !errors.Is(err, store.ErrLeaseLost) && !errors.Is(err, errLeaseEnds) {
				return err // comp's own end: the supervisor restarts it, with backoff
			}
			l.log.Warn("lease lost; the work stops here", "lease", name, "err", err)
			l.health.SetState(l.healthName(), leaseElsewhere)
		}
		t := time.NewTimer(leaseRenew)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// take tries for the lease, for at most a renewal interval.
func (l *leased) take(ctx context.Context) (store.Lease, bool, error) {
	tctx, cancel := context.WithTimeout(ctx, leaseRenew)
	defer cancel()
	return l.store.TakeLease(tctx, l.comp.Name(), l.owner, leaseTTL)
}

// errLeaseEnds is hold's error when renewals kept failing until the lease
// was about to expire.
var errLeaseEnds = errors.New("the lease could not be renewed before it expires")

// hold runs comp while renewing lease, and stops it (and returns) when
// ctx ends, comp returns, or the lease is lost or about to expire.
func (l *leased) hold(ctx context.Context, lease store.Lease) error {
	cctx, cancel := context.WithCancel(store.WithLease(ctx, lease.Name, l.owner))
	done := make(chan error, 1)
	go func() {
		defer service.Recover(l.log, nil, l.comp.Name())
		done <- l.comp.Run(cctx)
	}()
	defer func() {
		cancel()
		<-done
		// Its health is another node's to report now.
		l.health.Remove(l.comp.Name())
	}()
	renew := time.NewTicker(leaseRenew)
	defer renew.Stop()
	for {
		stopAt := time.NewTimer(time.Until(lease.Until.Add(-leaseMargin)))
		select {
		case err := <-done:
			stopAt.Stop()
			done <- err // for the deferred wait
			return err
		case <-ctx.Done():
			stopAt.Stop()
			return nil
		case <-stopAt.C:
			return errLeaseEnds
		case <-renew.C:
			stopAt.Stop()
			nl, ok, err := l.take(ctx)
			switch {
			case err != nil:
				l.log.Warn("lease renewal failed; retrying", "lease", lease.Name, "err", err)
			case !ok || !nl.Since.Equal(lease.Since):
				// Another node holds it, or it expired and was taken
				// anew: either way this holding ended.
				return store.ErrLeaseLost
			default:
				lease = nl
			}
		}
	}
}
