package app

import "time"

// templatesLook is how often the daemon looks at the template files: an
// organiser who fixes a template and runs `waves retry` must not get the
// old template's error again (and should not need to know about SIGHUP).
// Reading a folder of a few dozen small files is cheap.
const templatesLook = 2 * time.Second

// watchTemplates rebuilds, with the running config, the components that
// render templates when the files changed: the acknowledgement senders,
// the digests and the waves scheduler, whose fingerprints include the
// templates' digest. The IMAP watchers and the SMTP pools do not depend
// on it and run on, as on a reload. Templates with a problem are reported
// once and the running ones kept, as a reload would.
//
// Each look is counted in herald_template_looks_total by its result, so
// that an operator (or a test) can tell that herald looks, and what it
// found.
func (d *Daemon) watchTemplates() {
	d.countLook(d.lookAtTemplates())
}

// lookAtTemplates is one look of watchTemplates; it returns its result.
func (d *Daemon) lookAtTemplates() string {
	cfg := d.cfg.Load()
	sum, err := templatesSum(cfg.Templates)
	if err != nil {
		return "unreadable" // the running templates stay; the next look tries again
	}
	if seen := d.tseen.Load(); seen != nil && sum == *seen {
		return "unchanged"
	}
	log := d.log.With("component", "app")
	p, err := d.build(d.runCtx, cfg)
	if err != nil {
		d.tseen.Store(&sum)
		log.Error("templates changed but cannot be used; the running ones are kept (herald check lists every problem)",
			"templates", cfg.Templates, "err", err)
		return "broken"
	}
	d.apply(p, cfg.ShutdownGrace)
	log.Info("templates reloaded", "templates", cfg.Templates)
	return "reloaded"
}

func (d *Daemon) countLook(result string) {
	if d.metrics != nil && d.metrics.TemplateLooks != nil {
		d.metrics.TemplateLooks.WithLabelValues(result).Inc()
	}
}

// templatesStale is the waves engine's Stale: the template files are not
// those watchTemplates last looked at, so a new engine may be coming.
func (d *Daemon) templatesStale() func() bool {
	return func() bool {
		sum, err := templatesSum(d.cfg.Load().Templates)
		seen := d.tseen.Load()
		return err == nil && seen != nil && sum != *seen
	}
}
