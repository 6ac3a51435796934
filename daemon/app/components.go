package app

import (
	"fmt"

	"github.com/herald-mail/herald/daemon/config"
	"github.com/herald-mail/herald/daemon/inbox"
	"github.com/herald-mail/herald/daemon/service"
	"github.com/herald-mail/herald/daemon/templates"
	"github.com/herald-mail/herald/daemon/triage"
)

// components builds the config-dependent components of one generation:
// for every account, a watcher per watched mailbox and the sender of its
// acknowledgements. A reload stops them all and builds the next generation
// from the new config.
func (d *Daemon) components(cfg *config.Config) ([]service.Component, error) {
	tmpl, err := templates.Load(cfg.Templates)
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	var comps []service.Component
	for i := range cfg.Accounts {
		a := &cfg.Accounts[i]
		sender := triage.NewSender(cfg, a, d.store, tmpl, d.log, d.metrics)
		comps = append(comps, sender, &triage.Answered{Config: cfg, Account: a, Store: d.store, Log: d.log, Health: d.health})
		if cfg.Triage.Digest.Cron != "" {
			comps = append(comps, &triage.Digest{Config: cfg, Account: a, Store: d.store, Templates: tmpl, Log: d.log})
		}
		for _, mbox := range a.IMAP.Watch {
			proc := &triage.Processor{
				Config: cfg, Account: a, Store: d.store, Log: d.log,
				Queued: sender.Kick,
				Seen: func(kind, suppressed string) {
					d.metrics.MessagesSeen.WithLabelValues(a.Name, kind).Inc()
					if suppressed != "" {
						d.metrics.AcksSuppressed.WithLabelValues(a.Name, suppressed).Inc()
					}
				},
			}
			comps = append(comps, inbox.New(inbox.Options{
				Account: *a, Mailbox: mbox, Handler: proc, Health: d.health, Log: d.log,
				OnReconnect: func() { d.metrics.IMAPReconnects.WithLabelValues(a.Name, mbox).Inc() },
			}))
		}
	}
	return comps, nil
}
