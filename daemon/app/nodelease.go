package app

import (
	"context"

	"github.com/herald-mail/herald/daemon/waves"
)

// holdNodeLease keeps this node's lease (waves.HoldNodeLease) while the
// daemon runs; it fails when the lease cannot be taken at all.
func (d *Daemon) holdNodeLease(ctx context.Context) error {
	stop, err := waves.HoldNodeLease(ctx, d.store, d.owner, leaseTTL, leaseRenew, d.log.With("component", "app"))
	if err != nil {
		return err
	}
	d.dropNode = stop
	return nil
}
