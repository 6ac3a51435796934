package app

import (
	"context"
	"fmt"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/inbox"
	"github.com/herald-mail/herald/daemon/lists"
	"github.com/herald-mail/herald/daemon/respond"
	"github.com/herald-mail/herald/daemon/sender"
	"github.com/herald-mail/herald/daemon/service"
	"github.com/herald-mail/herald/daemon/templates"
	"github.com/herald-mail/herald/daemon/triage"
	"github.com/herald-mail/herald/daemon/waves"
)

// plan is what one config asks to run: its units by key, the SMTP pools
// they send through by account, and the triage processor each watcher is
// to hand its messages to.
type plan struct {
	tsum       string // digest of the template files it was built from
	units      map[string]*unit
	pools      map[string]*pool
	processors map[string]*triage.Processor // by watcher key
}

// pool is an account's SMTP pool with the fingerprint of what it was
// built from.
type pool struct {
	p   *sender.Pool
	sum string
}

// build makes the plan of cfg without starting anything: for every
// account, its pool, the sender of its acknowledgements, the answered
// scan, the digest and a watcher per watched mailbox; and the waves
// scheduler. A unit of the running plan whose fingerprint (what it was
// built from) is unchanged is carried over as it is, running; so is a
// pool. On error nothing changed, and the pools it made are closed.
func (d *Daemon) build(ctx context.Context, cfg *config.Config) (_ *plan, err error) {
	// The digest first: a file changed while they load is then loaded
	// again at the next look (watchTemplates), never missed.
	tsum, err := templatesSum(cfg.Templates)
	if err != nil {
		return nil, err
	}
	tmpl, err := templates.Load(cfg.Templates)
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	secret, err := waves.Secret(ctx, d.store)
	if err != nil {
		return nil, err
	}
	p := &plan{tsum: tsum, units: map[string]*unit{}, pools: map[string]*pool{}, processors: map[string]*triage.Processor{}}
	defer func() {
		if err != nil {
			p.closeNewPools(d.pools)
		}
	}()
	senders := map[string]waves.Sender{}
	var poolIDs []string
	for i := range cfg.Accounts {
		a := &cfg.Accounts[i]
		pl := d.pool(cfg, a)
		p.pools[a.Name] = pl
		senders[a.Name] = pl.p
		poolIDs = append(poolIDs, fmt.Sprintf("%s=%p", a.Name, pl.p))
		d.accountUnits(p, cfg, a, pl, tmpl, tsum, secret)
	}
	if len(cfg.Waves) > 0 {
		// The scheduler reads the waves, their accounts, the event, the
		// time zone, the public URL and the templates, and sends through
		// the pools.
		sum := fingerprint(cfg.Waves, cfg.Accounts, cfg.Event, cfg.Timezone, cfg.HTTP.PublicURL, tsum, poolIDs)
		if old := d.units["scheduler"]; old != nil && old.sum == sum {
			p.units["scheduler"] = old
		} else {
			engine, err := waves.NewEngine(cfg, d.store, tmpl, senders, secret, d.log, d.metrics)
			if err != nil {
				return nil, err
			}
			engine.Stale = d.templatesStale()
			engine.Nodes = d.nodes
			if d.nodes {
				engine.Owner = d.owner // its claims live with the node lease
			}
			p.units["scheduler"] = &unit{key: "scheduler", sum: sum, comp: engine}
		}
	}
	return p, nil
}

// accountUnits adds the units of account a to p.
func (d *Daemon) accountUnits(p *plan, cfg *config.Config, a *config.Account, pl *pool, tmpl *templates.Set, tsum string, secret []byte) {
	mailing := fingerprint(*a, cfg.Triage, cfg.Event, cfg.Timezone, tsum, fmt.Sprintf("%p", pl.p))
	p.keep(d.units, "acks "+a.Name, mailing, func() service.Component {
		return respond.NewAcks(cfg, a, d.store, tmpl, pl.p, d.log, d.metrics)
	})
	acks := p.units["acks "+a.Name].comp.(*respond.Acks)
	p.keep(d.units, "answered "+a.Name, fingerprint(*a, cfg.Triage), func() service.Component {
		return &respond.Answered{Config: cfg, Account: a, Store: d.store, Log: d.log, Health: d.health}
	})
	if cfg.Triage.Digest.Cron != "" {
		p.keep(d.units, "digest "+a.Name, mailing, func() service.Component {
			return &respond.Digest{Config: cfg, Account: a, Store: d.store, Templates: tmpl, SMTP: pl.p, Log: d.log}
		})
	}
	// A watcher's IMAP session depends on the account's imap section
	// alone; what it does with the messages (the processor, built from
	// the whole config) is swapped in on reload without reconnecting.
	session := a.IMAP
	session.Watch = nil
	for _, mbox := range a.IMAP.Watch {
		key := "inbox " + a.Name + "/" + mbox
		proc := &triage.Processor{
			Config: cfg, Account: a, Store: d.store, Log: d.log, Metrics: d.metrics, Secret: secret,
			Queued: acks.Kick,
			Seen: func(kind, suppressed string) {
				d.metrics.MessagesSeen.WithLabelValues(a.Name, kind).Inc()
				if suppressed != "" {
					d.metrics.AcksSuppressed.WithLabelValues(a.Name, suppressed).Inc()
				}
			},
		}
		p.processors[key] = proc
		var h *handlerSwitch
		p.keep(d.units, key, fingerprint(a.Name, session, mbox), func() service.Component {
			h = &handlerSwitch{}
			h.set(proc)
			return inbox.New(inbox.Options{
				Account: *a, Mailbox: mbox, Handler: h, Health: d.health, Log: d.log, Metrics: d.metrics,
				MaxMessageSize: cfg.Triage.MaxMessageSize,
				OnReconnect:    func() { d.metrics.IMAPReconnects.WithLabelValues(a.Name, mbox).Inc() },
			})
		})
		if h != nil {
			p.units[key].handler = h
		}
	}
}

// pool returns account a's pool: the running one when its smtp section
// is unchanged, else a new one.
func (d *Daemon) pool(cfg *config.Config, a *config.Account) *pool {
	sum := fingerprint(a.Name, a.SMTP, cfg.Location.String())
	if old := d.pools[a.Name]; old != nil && old.sum == sum {
		return old
	}
	return &pool{sum: sum, p: sender.New(sender.Options{Account: *a, Store: d.store, Location: cfg.Location,
		Log: d.log, Metrics: d.metrics, Health: d.health, SharedRate: d.nodes})} // sender.New adds component and account
}

// keep adds the unit key to p: the running one when its fingerprint is
// sum, else a new one that build makes.
func (p *plan) keep(running map[string]*unit, key, sum string, build func() service.Component) {
	if old := running[key]; old != nil && old.sum == sum {
		p.units[key] = old
		return
	}
	p.units[key] = &unit{key: key, sum: sum, comp: build()}
}

// closeNewPools closes the pools of p that are not in running.
func (p *plan) closeNewPools(running map[string]*pool) {
	for name, pl := range p.pools {
		if running[name] != pl {
			pl.p.Close()
		}
	}
}

// syncLists imports each `lists[].file` whose content changed since its
// last import (docs/CONFIG.md §7, "imported at start and on reload"). A bad file is
// reported and skipped: the daemon runs on with what the database holds.
func (d *Daemon) syncLists(ctx context.Context, cfg *config.Config) {
	log := d.log.With("component", "lists")
	for _, l := range cfg.Lists {
		if l.File == "" {
			continue
		}
		rep, imported, err := lists.SyncFile(ctx, d.store, l.Name, l.File)
		if err != nil {
			log.Error("list file not imported", "list", l.Name, "file", l.File, "err", err)
			continue
		}
		if !imported {
			continue
		}
		log.Info("list file imported", "list", l.Name, "file", l.File, "added", rep.Added, "updated", rep.Updated,
			"unchanged", rep.Unchanged, "rejected", len(rep.Rejected))
		for _, a := range rep.Assumed {
			log.Info("list file read", "list", l.Name, "file", l.File, "assumed", a)
		}
		if rep.Rows == 0 {
			log.Warn("list file has no rows under its header", "list", l.Name, "file", l.File)
		}
		for _, r := range rep.Rejected {
			log.Warn("row rejected", "list", l.Name, "file", l.File, "line", r.Line, "reason", r.Reason)
		}
	}
}
