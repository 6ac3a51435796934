package app

import (
	"context"
	"fmt"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/inbox"
	"github.com/herald-mail/herald/daemon/lists"
	"github.com/herald-mail/herald/daemon/sender"
	"github.com/herald-mail/herald/daemon/service"
	"github.com/herald-mail/herald/daemon/templates"
	"github.com/herald-mail/herald/daemon/triage"
	"github.com/herald-mail/herald/daemon/waves"
)

// components builds the config-dependent components of one generation:
// for every account, a watcher per watched mailbox and the sender of its
// acknowledgements. A reload stops them all and builds the next generation
// from the new config.
//
// The returned cleanup closes what the components share (SMTP pools) once
// they have all stopped.
func (d *Daemon) components(ctx context.Context, cfg *config.Config) ([]service.Component, func(), error) {
	tmpl, err := templates.Load(cfg.Templates)
	if err != nil {
		return nil, nil, fmt.Errorf("templates: %w", err)
	}
	secret, err := waves.Secret(ctx, d.store)
	if err != nil {
		return nil, nil, err
	}
	var comps []service.Component
	pools := map[string]waves.Sender{}
	cleanup := func() {
		for _, p := range pools {
			p.(*sender.Pool).Close()
		}
	}
	for i := range cfg.Accounts {
		a := &cfg.Accounts[i]
		pools[a.Name] = sender.New(sender.Options{Account: *a, Store: d.store, Location: cfg.Location,
			Log: d.log.With("component", "sender", "account", a.Name), Metrics: d.metrics})
		acks := triage.NewSender(cfg, a, d.store, tmpl, pools[a.Name], d.log, d.metrics)
		comps = append(comps, acks, &triage.Answered{Config: cfg, Account: a, Store: d.store, Log: d.log, Health: d.health})
		if cfg.Triage.Digest.Cron != "" {
			comps = append(comps, &triage.Digest{Config: cfg, Account: a, Store: d.store, Templates: tmpl, SMTP: pools[a.Name], Log: d.log})
		}
		for _, mbox := range a.IMAP.Watch {
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
			comps = append(comps, inbox.New(inbox.Options{
				Account: *a, Mailbox: mbox, Handler: proc, Health: d.health, Log: d.log, Metrics: d.metrics,
				MaxMessageSize: cfg.Triage.MaxMessageSize,
				OnReconnect:    func() { d.metrics.IMAPReconnects.WithLabelValues(a.Name, mbox).Inc() },
			}))
		}
	}
	if len(cfg.Waves) > 0 {
		engine, err := waves.NewEngine(cfg, d.store, tmpl, pools, secret, d.log, d.metrics)
		if err != nil {
			cleanup()
			return nil, nil, err
		}
		comps = append(comps, engine)
	}
	return comps, cleanup, nil
}

// syncLists imports each `lists[].file` whose content changed since its
// last import (SPEC §3 "imported at start and on reload"). A bad file is
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
		for _, r := range rep.Rejected {
			log.Warn("row rejected", "list", l.Name, "file", l.File, "line", r.Line, "reason", r.Reason)
		}
	}
}
