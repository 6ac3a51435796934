package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/herald-mail/herald/daemon/inbox"
	"github.com/herald-mail/herald/daemon/sender"
	"github.com/herald-mail/herald/daemon/service"
	"github.com/herald-mail/herald/daemon/triage"
)

// cutWait bounds the wait for components after their work in flight was
// cut (the grace is over): they only have to notice and return.
const cutWait = 5 * time.Second

// StopWithin is the longest a stop takes with the given shutdown grace:
// the grace, then cutWait for the components to return. A service
// manager's stop timeout must be longer.
func StopWithin(grace time.Duration) time.Duration { return grace + cutWait }

// unit is one running component with what it was built from.
type unit struct {
	key  string // "inbox habitat/INBOX", "scheduler", …
	sum  string // fingerprint of its config; a reload keeps the unit while it is the same
	comp service.Component
	// handler is a watcher's: a reload that keeps the watcher installs
	// the new config's processor in it.
	handler *handlerSwitch

	stop context.CancelFunc // phase 1: take no new work
	cut  context.CancelFunc // phase 2: cut the work in flight
	done chan struct{}      // closed once it returned
}

// serve runs the web server and the components of the config until ctx
// ends, reloading on SIGHUP.
func (d *Daemon) serve(ctx context.Context, hup <-chan os.Signal) error {
	runCtx, stopAll := context.WithCancel(context.WithoutCancel(ctx))
	defer stopAll()
	flight, cutAll := context.WithCancel(context.WithoutCancel(ctx))
	defer cutAll()
	d.runCtx, d.flight = runCtx, flight
	d.sup = &service.Supervisor{Log: d.log, Health: d.health, Metrics: d.metrics}
	web := &unit{key: "web", comp: d.web}
	d.startUnit(web)
	cfg := d.cfg.Load()
	d.syncLists(runCtx, cfg)
	p, err := d.build(runCtx, cfg)
	if err != nil {
		d.stopUnits([]*unit{web}, cfg.ShutdownGrace)
		return err
	}
	d.apply(p, cfg.ShutdownGrace)
	look := time.NewTicker(templatesLook)
	defer look.Stop()
	for {
		select {
		case <-hup:
			d.reload()
		case <-look.C:
			d.watchTemplates()
		case <-web.done:
			return errors.New("web server stopped on its own")
		case err := <-d.lockLost:
			return errors.Join(fmt.Errorf("stopped: %w", err), d.stop(append(d.running(), web)))
		case <-ctx.Done():
			return d.stop(append(d.running(), web))
		}
	}
}

// apply makes p the running plan: the units it no longer has, or has
// rebuilt, are stopped in two phases, then its new units started, then
// the pools nobody uses any more closed. Kept units never stop.
func (d *Daemon) apply(p *plan, grace time.Duration) {
	var gone []*unit
	for key, u := range d.units {
		if p.units[key] != u {
			gone = append(gone, u)
		}
	}
	if err := d.stopUnits(gone, grace); err != nil {
		d.log.Error("reload: "+err.Error(), "component", "app")
	}
	for _, u := range p.units {
		if u.done == nil {
			d.startUnit(u)
		}
	}
	for key, proc := range p.processors {
		if h := p.units[key].handler; h != nil {
			h.set(proc)
		}
	}
	for name, pl := range d.pools {
		if p.pools[name] != pl {
			pl.p.Close()
		}
		if p.pools[name] == nil { // the account is gone: so is its server's health
			d.health.Remove(sender.HealthName(name))
		}
	}
	d.units, d.pools = p.units, p.pools
	d.tseen.Store(&p.tsum)
}

// running lists the units of the running plan.
func (d *Daemon) running() []*unit {
	us := make([]*unit, 0, len(d.units))
	for _, u := range d.units {
		us = append(us, u)
	}
	return us
}

// startUnit runs u under the supervisor, on a context of its own whose
// flight context (service.WithFlight) is its own too, so that a reload
// can stop it alone, in two phases.
func (d *Daemon) startUnit(u *unit) {
	ctx, stop := context.WithCancel(d.runCtx)
	flight, cut := context.WithCancel(d.flight)
	u.stop, u.cut, u.done = stop, cut, make(chan struct{})
	go func() {
		defer close(u.done)
		defer service.Recover(d.log, d.metrics, "app")
		comp := u.comp
		if d.nodes && leasedUnit(u.key) {
			comp = &leased{comp: comp, store: d.store, owner: d.owner, health: d.health, log: d.log.With("component", "app")}
		}
		d.sup.Run(service.WithFlight(ctx, flight), comp)
	}()
}

// stopUnits is the two-phase stop of us (STYLE §3, as mox does): their
// contexts end, so they take no new work and finish what is in flight
// (an SMTP transaction gets its verdict, and its result is committed);
// what still runs after grace is cut, and given cutWait to return.
func (d *Daemon) stopUnits(us []*unit, grace time.Duration) error {
	for _, u := range us {
		u.stop()
	}
	var err error
	if !waitUnits(us, grace) {
		d.log.Warn("work in flight still running after the grace; cutting it", "component", "app", "grace", grace)
		for _, u := range us {
			u.cut()
		}
		if !waitUnits(us, cutWait) {
			err = fmt.Errorf("components still running %s after their work was cut", cutWait)
		}
	}
	for _, u := range us {
		u.cut()
		d.health.Remove(u.comp.Name())
	}
	return err
}

// waitUnits waits for us to return, at most d; it reports whether they all did.
func waitUnits(us []*unit, d time.Duration) bool {
	timeout := time.NewTimer(d)
	defer timeout.Stop()
	for _, u := range us {
		select {
		case <-u.done:
		case <-timeout.C:
			return false
		}
	}
	return true
}

// stop is the daemon's two-phase shutdown, under the running config's
// shutdown_grace; after it, and cutWait more, the daemon returns anyway.
func (d *Daemon) stop(us []*unit) error {
	grace := d.cfg.Load().ShutdownGrace
	d.log.Info("stopping", "component", "app", "grace", grace)
	if err := d.stopUnits(us, grace); err != nil {
		return fmt.Errorf("%w; exiting anyway", err)
	}
	// Every sender has returned its sessions: QUIT them (a pool still
	// lent out would hold Close up).
	for _, pl := range d.pools {
		pl.p.Close()
	}
	return nil
}

// handlerSwitch is a watcher's inbox.Handler: the triage processor of the
// running config, replaced on reload while the watcher keeps its session.
// Each call goes to the processor installed when it starts.
type handlerSwitch struct {
	p atomic.Pointer[triage.Processor]
}

func (h *handlerSwitch) set(p *triage.Processor) { h.p.Store(p) }

// LastUID is the processor's.
func (h *handlerSwitch) LastUID(ctx context.Context, mb inbox.Mailbox) (uint32, error) {
	return h.p.Load().LastUID(ctx, mb)
}

// Process is the processor's.
func (h *handlerSwitch) Process(ctx context.Context, mb inbox.Mailbox, batch []inbox.Fetched) error {
	return h.p.Load().Process(ctx, mb, batch)
}

// Pending is the processor's.
func (h *handlerSwitch) Pending(ctx context.Context, mb inbox.Mailbox) ([]inbox.Action, error) {
	return h.p.Load().Pending(ctx, mb)
}

// Done is the processor's.
func (h *handlerSwitch) Done(ctx context.Context, ids []int64, err error) error {
	return h.p.Load().Done(ctx, ids, err)
}

// Prepare is the processor's: what it computes depends on the messages
// alone (inbox.Preparer), so a batch prepared by one processor may be
// processed by the next.
func (h *handlerSwitch) Prepare(batch []inbox.Fetched) { h.p.Load().Prepare(batch) }
